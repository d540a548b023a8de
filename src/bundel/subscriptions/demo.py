"""Demo subscriptions for `make run`: a few founding members order through the services
(so every rule and the audit trail apply) and plan their migration in waves."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from bundel.membership.constants import State
from bundel.membership.models import Membership

from . import services
from .models import Subscription
from .services import OrderLine

DEMO_BOARDS = 5
LOCATIONS_PER_BOARD = 4


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Idempotent: does nothing once any subscription exists."""
    if Subscription.objects.exists():
        return 0
    today = timezone.localdate()
    members = (
        Membership.objects.filter(state=State.MEMBER, is_founding=True)
        .select_related("board")
        .order_by("board__duo_number")[:DEMO_BOARDS]
    )
    created = 0
    for index, membership in enumerate(members):
        board = membership.board
        codes = list(board.locations.order_by("code").values_list("code", flat=True))
        codes = codes[:LOCATIONS_PER_BOARD]
        start = date(today.year, 1, 1)
        lines = []
        for code in codes:
            lines += [
                OrderLine(code, "connectivity", "1g" if index % 2 else "500m", start),
                OrderLine(code, "security", None, start),
                OrderLine(code, "wifi", "m", start),
            ]
        created += len(services.order_place(board=board, lines=lines, by=staff))
        half = max(len(codes) // 2, 1)
        first = services.wave_create(
            board=board, name="Golf 1", on=start, locations=codes[:half], by=staff
        )
        services.wave_complete(wave=first, by=staff, on=start)
        if codes[half:]:
            services.wave_create(
                board=board,
                name="Golf 2",
                on=today + timedelta(weeks=3 + index),
                locations=codes[half:],
                by=staff,
            )
    return created
