"""Support figures: public aggregates; snapshots are recorded by staff."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bundel.audit.services import audit_log
from bundel.membership.models import SupportSnapshot

from .selectors import support_at


class SupportFigureSerializer(serializers.Serializer):
    boards = serializers.IntegerField(allow_null=True, help_text="null: not recorded")
    pupils = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="share x 100, rounded half up")
    share = serializers.DecimalField(max_digits=8, decimal_places=6, coerce_to_string=True)


class SupportSerializer(serializers.Serializer):
    date = serializers.DateField()
    count_date = serializers.DateField(allow_null=True)
    count_dates = serializers.DictField(child=serializers.DateField())
    national_pupils = serializers.IntegerField()
    national_source = serializers.CharField()
    start_group = SupportFigureSerializer()
    coalition = SupportFigureSerializer()
    members = SupportFigureSerializer()
    together = SupportFigureSerializer()


class SupportView(APIView):
    """Pupils represented by the start group, the coalition, the members and together."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="default today")],
        responses=SupportSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("date")
        on = timezone.localdate()
        if raw:
            try:
                on = date.fromisoformat(raw)
            except ValueError:
                raise ValidationError({"date": _("Give a date as YYYY-MM-DD.")}) from None
        return Response(SupportSerializer(support_at(on)).data)


class IsStaffOrReadOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_cooperative_staff)


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportSnapshot
        fields = [
            "id",
            "date",
            "national_pupils",
            "start_group_boards",
            "start_group_pupils",
            "coalition_boards",
            "coalition_pupils",
            "members_boards",
            "members_pupils",
            "note",
        ]

    def validate(self, attrs):
        SupportSnapshot(**attrs).clean()  # the model's rule, on every path
        return attrs


class SnapshotList(generics.ListCreateAPIView):
    """Support figures recorded for dates before the registry's data (POST: staff)."""

    serializer_class = SnapshotSerializer
    permission_classes = [IsStaffOrReadOnly]
    queryset = SupportSnapshot.objects.order_by("date")

    @transaction.atomic
    def perform_create(self, serializer):
        snapshot = serializer.save()
        audit_log(action="support.snapshot.recorded", obj=snapshot, actor=self.request.user)
