"""`make run`'s first-run setup: the shipped registry, demo logins and demo memberships."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from bundel.accounts.models import User
from bundel.governance.models import Appointment, Election
from bundel.membership.models import Membership
from bundel.registry.models import PupilCount
from bundel.subscriptions.models import Subscription
from bundel.support.selectors import support_at


@pytest.mark.django_db
def test_setup_demo_loads_everything_once_and_prints_the_logins(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()

    call_command("setup_demo", stdout=out)
    again = io.StringIO()
    call_command("setup_demo", stdout=again)

    text = out.getvalue()
    assert PupilCount.objects.count() == 10_204
    assert "Registry already loaded" in again.getvalue()
    logins = [u for u in User.objects.order_by("username") if u.check_password("bundel-demo-2026")]
    assert [(u.username, u.role) for u in logins] == [
        ("bestuur", "board_contact"),
        ("leverancier", "supplier"),
        ("lid", "board_contact"),
        ("raadslid", "council_member"),
        ("staf", "staff"),
    ]
    assert User.objects.get(username="bestuur").board.duo_number == "41211"
    assert User.objects.get(username="lid").board.memberships.get().is_founding
    assert "password for all: bundel-demo-2026" in text
    for username in ("staf", "bestuur", "lid", "raadslid", "leverancier"):
        assert f" {username} " in text
    # The demo council: the 2026 election counted, every seat filled, the council member
    # among the elected; the by-election open for voting in lid's chamber.
    counted = Election.objects.get(counted_at__isnull=False)
    assert Appointment.objects.filter(election=counted).count() == 36
    assert Appointment.objects.get(user__username="raadslid").body == "council"
    by_election = Election.objects.get(counted_at__isnull=True)
    assert by_election.phase() == "voting"
    assert "36 seats filled" in text
    assert Membership.objects.filter(is_founding=True).count() == 24
    assert Membership.objects.count() == 24 + 60
    assert Subscription.objects.count() == 42  # 5 founding members, up to 4 locations, 3 each
    assert (
        not Subscription.objects.filter(product__code="connectivity")
        .exclude(location__subscriptions__product__code="security")
        .exists()
    )
    seed = support_at(date(2017, 3, 24))
    assert (seed.together.pupils, seed.together.percent) == (397_843, 16)


def test_setup_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("setup_demo")
