"""`POST /api/v1/auth/token/`: an API token for a username and password, and for accounts
that use two-factor authentication (staff, suppliers, whoever chose it) also the current
code of their authenticator app or an unused backup code (`otp_token`; a backup code is
used up, as at the website's login). See bundel.accounts.api_auth."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from . import services
from .selectors import uses_two_factor


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("Code"),
        required=False,
        write_only=True,
        help_text=_(
            "The current code of your authenticator app, or an unused backup code (two-factor "
            "accounts)."
        ),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if uses_two_factor(user):
            if not attrs.get("otp_token"):
                raise serializers.ValidationError(
                    _(
                        "This account uses two-factor authentication: send otp_token, the "
                        "current code of your authenticator app, with the password."
                    ),
                    code="otp_required",
                )
            try:
                services.second_factor_verify(user=user, token=attrs["otp_token"])
            except ValidationError as error:
                raise serializers.ValidationError(error.messages, code="otp_wrong") from None
        return attrs


class ObtainTokenView(ObtainAuthToken):
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = Token.objects.filter(user=user).first() or services.api_token_create(user=user)
        return Response({"token": token.key})
