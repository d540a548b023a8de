"""The seat-allocation what-if tool for staff."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .seats import METHODS, SeatAllocationError, allocate_seats


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_cooperative_staff)


class SeatRequestSerializer(serializers.Serializer):
    seats = serializers.IntegerField(min_value=1, max_value=1000)
    method = serializers.ChoiceField(choices=METHODS)
    votes = serializers.DictField(child=serializers.IntegerField(min_value=0), allow_empty=False)
    min_quota_fraction = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=0, max_value=1, required=False, default=0
    )
    seed = serializers.IntegerField(required=False, default=0, help_text="the lot for ties")


class StepSerializer(serializers.Serializer):
    seat = serializers.IntegerField(help_text="0: whole quotas given at once")
    party = serializers.CharField()
    reason = serializers.CharField()


class SeatResultSerializer(serializers.Serializer):
    seats = serializers.DictField(child=serializers.IntegerField())
    quota = serializers.DecimalField(max_digits=20, decimal_places=4)
    method = serializers.CharField()
    seed = serializers.IntegerField()
    steps = StepSerializer(many=True)


class SeatAllocationView(APIView):
    """Spread seats over parties by largest averages (D'Hondt) or largest remainders."""

    permission_classes = [IsStaff]

    @extend_schema(request=SeatRequestSerializer, responses=SeatResultSerializer)
    def post(self, request):
        serializer = SeatRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = allocate_seats(**serializer.validated_data)
        except SeatAllocationError as exc:
            raise ValidationError({"detail": [str(exc)]}) from None
        return Response(SeatResultSerializer(result).data)
