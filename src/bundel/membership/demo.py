"""Demo data for `make run`: the seed's 2017 snapshots, agreement versions, and a start
group and coalition of real boards, all entered through the services (so audited)."""

from datetime import date

from django.db import transaction

from bundel.registry.models import Board

from . import services
from .constants import AgreementKind, Kind
from .models import AgreementVersion, Membership, SupportSnapshot

# The seed's two snapshots (founding document, 2017). The seed gives no board counts
# for them beyond "24 boards form the start group", so the coalition's is left unknown.
SEED_SNAPSHOTS = [
    dict(
        date=date(2017, 3, 24),
        national_pupils=2_530_522,
        start_group_boards=24,
        start_group_pupils=202_745,
        coalition_pupils=195_098,
    ),
    dict(
        date=date(2017, 6, 9),
        national_pupils=2_530_522,
        start_group_boards=24,
        start_group_pupils=222_742,
        coalition_pupils=356_602,
    ),
]
AGREEMENTS = [
    (AgreementKind.MEMBERSHIP, "2017.1", date(2017, 4, 20)),
    (AgreementKind.SERVICE, "2017.1", date(2017, 4, 20)),
]
START_GROUP_SIZE = 24
COALITION_SIZE = 60


@transaction.atomic
def seed_demo(*, staff, exclude: set[str], founding: str = "") -> dict[str, int]:
    """Idempotent: does nothing once any membership exists. `founding`: the DUO number of a
    board that must be in the start group (the demo council member's)."""
    for values in SEED_SNAPSHOTS:
        SupportSnapshot.objects.get_or_create(
            date=values["date"], defaults={**values, "note": "Oprichtingsdocument 2017"}
        )
    for kind, version, valid_from in AGREEMENTS:
        AgreementVersion.objects.get_or_create(
            kind=kind, version=version, defaults={"valid_from": valid_from}
        )
    if Membership.objects.exists():
        return {}
    boards = list(
        Board.objects.filter(locations__isnull=False)
        .exclude(duo_number__in=exclude)
        .distinct()
        .order_by("duo_number")
    )
    start_group = boards[::40][:START_GROUP_SIZE]
    must = next((b for b in boards if b.duo_number == founding), None)
    if must is not None and must not in start_group:
        start_group[-1] = must
    rest = [b for b in boards if b not in start_group]
    coalition = rest[7::17][:COALITION_SIZE]
    for board in start_group:
        m = services.membership_start(
            board=board, kind=Kind.APPLICATION, by=staff, on=date(2017, 3, 1)
        )
        services.membership_mark_founding(membership=m, by=staff, on=date(2017, 3, 1))
        services.agreement_sign(
            membership=m,
            kind=AgreementKind.MEMBERSHIP,
            version="2017.1",
            signed_on=date(2017, 6, 1),
            signer="Voorzitter CvB",
            by=staff,
        )
        services.membership_admit(membership=m, by=staff, on=date(2017, 7, 1))
    for index, board in enumerate(coalition):
        m = services.membership_start(
            board=board, kind=Kind.INTEREST, by=staff, on=date(2017, 4, 1 + index % 28)
        )
        if index % 4 == 0:
            services.membership_apply(membership=m, by=staff, on=date(2018, 1, 15))
    return {"start_group": len(start_group), "coalition": len(coalition)}
