"""Backup codes (django-otp's static device): ten codes shown once after setting up the
authenticator app, each accepted once instead of the app's code (at login, for an API
token, to turn two-factor off), new ones on request (the old ones stop working), gone
when staff reset the user's two-factor login. Only their number reaches the audit."""

import json
import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from bundel.accounts import services
from bundel.accounts.selectors import backup_codes_left
from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict

from ..concurrency import run_at_once
from .conftest import log_in
from .helpers import code, give_device, verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on", "english")]

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
MANAGE = "/accounts/two-factor/"
BACKUP_CODES = "/accounts/two-factor/backup-codes/"
FORMAT = re.compile(r"^[23456789abcdefghjkmnpqrstuvwxyz]{4}-[23456789abcdefghjkmnpqrstuvwxyz]{4}$")
WRONG = "That code is not right"


def with_codes(user) -> list[str]:
    """`user` with an authenticator app and a fresh set of backup codes."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        give_device(user)
    return services.backup_codes_generate(user=user)


def unthrottle() -> None:
    """Forget the back-off after a wrong code (1 s), instead of waiting it out."""
    TOTPDevice.objects.update(throttling_failure_timestamp=None)
    StaticDevice.objects.update(throttling_failure_timestamp=None)


def stored(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


# --- the service --------------------------------------------------------------------------


def test_ten_unique_readable_codes_stored_as_django_otp_stores_them(staff):
    codes = with_codes(staff)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(FORMAT.match(c) for c in codes), codes
    device = StaticDevice.objects.get(user=staff)
    assert device.confirmed is True
    assert stored(staff) == set(codes)
    assert backup_codes_left(staff) == 10
    entry = AuditEntry.objects.get(action="accounts.user.backup_codes_generated")
    assert (entry.object_id, entry.actor, entry.data) == (
        str(staff.pk),
        staff,
        {"codes": 10, "replaced": 0},
    )


def test_codes_differ_between_users_and_sets(staff, supplier):
    first, second, other = with_codes(staff), with_codes(staff), with_codes(supplier)

    assert len(set(first) | set(second) | set(other)) == 30


def test_new_codes_replace_the_old_ones(staff):
    old = with_codes(staff)
    device = StaticDevice.objects.get(user=staff)

    new = services.backup_codes_generate(user=staff)

    assert not set(old) & set(new)
    assert stored(staff) == set(new)
    # The same device keeps its codes: a session verified with a backup code stays so.
    assert list(StaticDevice.objects.filter(user=staff)) == [device]
    entry = AuditEntry.objects.filter(action="accounts.user.backup_codes_generated").latest("pk")
    assert entry.data == {"codes": 10, "replaced": 10}
    with pytest.raises(RuleViolation, match=WRONG):
        services.second_factor_verify(user=staff, token=old[0])
    unthrottle()
    assert services.second_factor_verify(user=staff, token=new[0]).pk == device.pk


def test_no_codes_without_an_authenticator_app(contact):
    with pytest.raises(StateConflict, match="set one up first"):
        services.backup_codes_generate(user=contact)
    assert not StaticDevice.objects.exists()


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("abcd-efgh", "abcd-efgh"),
        ("ABCD-EFGH", "abcd-efgh"),
        ("abcdefgh", "abcd-efgh"),
        (" abcd efgh ", "abcd-efgh"),
        ("123456", None),  # the app's code
        ("abcd-efg", None),
        ("abcd-efg0", None),  # 0 is not in the alphabet (looks like o)
        ("", None),
    ],
)
def test_a_backup_code_may_be_typed_loosely(typed, normalised):
    assert services.backup_code_normalised(typed) == normalised


# --- shown once after setting up the app ---------------------------------------------------


def test_setting_up_the_app_shows_the_codes_once(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)
    form = {"otp_token": code(device), "next": "/membership/all/"}

    response = client.post(SETUP, form)

    assert response.status_code == 200
    html = response.content.decode()
    shown = re.findall(r"<code data-backup-code>([^<]+)</code>", html)
    assert len(shown) == 10 and set(shown) == stored(staff)
    assert "Keep them somewhere safe" in html
    assert "no-store" in response["Cache-Control"]
    assert 'href="/membership/all/"' in html  # on to where the user was going
    assert "style=" not in html and "<script>" not in html  # the CSP allows neither
    assert client.get("/membership/all/").status_code == 200

    # Never again: not on the Two-factor page, the backup codes page, nor by sending the
    # setup form again (the app is set up by then).
    later = [
        client.get(MANAGE),
        client.get(BACKUP_CODES),
        client.get(SETUP, follow=True),
        client.post(SETUP, form, follow=True),
    ]
    for page in later:
        assert page.status_code == 200
        text = page.content.decode()
        assert not [c for c in shown if c in text]
        assert "data-backup-code>" not in text
    assert 'data-backup-codes-left="10"' in later[0].content.decode()
    assert 'data-backup-codes-left="10"' in later[1].content.decode()
    assert StaticToken.objects.filter(device__user=staff).count() == 10


# --- at login -----------------------------------------------------------------------------


def test_staff_log_in_with_a_backup_code_once(client, staff):
    codes = with_codes(staff)
    log_in(client, "staff")
    assert client.get("/membership/all/").status_code == 302

    response = client.post(VERIFY, {"otp_token": codes[3], "next": "/membership/all/"})

    assert (response.status_code, response.url) == (302, "/membership/all/")
    page = client.get("/membership/all/")
    assert page.status_code == 200
    assert "9 backup codes are left" in page.content.decode()
    assert codes[3] not in stored(staff) and backup_codes_left(staff) == 9
    entry = AuditEntry.objects.get(action="accounts.user.backup_code_used")
    assert (entry.object_id, entry.actor, entry.data) == (str(staff.pk), staff, {"left": 9})
    # The admin takes it as the second factor too.
    assert client.get("/admin/").status_code == 200

    # Used up: the same code does not let another session in, with the usual message.
    other = Client()
    log_in(other, "staff")
    refused = other.post(VERIFY, {"otp_token": codes[3]})
    assert refused.status_code == 200
    assert WRONG in refused.content.decode()
    assert other.get("/membership/all/").status_code == 302


def test_a_supplier_logs_in_with_a_backup_code_typed_loosely(client, supplier):
    codes = with_codes(supplier)
    log_in(client, "supplier")
    assert client.get("/bidding/").url == f"{VERIFY}?next=%2Fbidding%2F"

    typed = codes[0].upper().replace("-", " ")
    response = client.post(VERIFY, {"otp_token": typed, "next": "/bidding/"})

    assert response.url == "/bidding/"
    assert client.get("/bidding/").status_code == 200
    assert backup_codes_left(supplier) == 9

    client.post("/accounts/logout/")
    log_in(client, "supplier")
    assert WRONG in client.post(VERIFY, {"otp_token": codes[0]}).content.decode()
    assert client.get("/bidding/").status_code == 302


def test_the_app_code_still_works_and_uses_no_backup_code(client, staff):
    with_codes(staff)
    device = TOTPDevice.objects.get(user=staff)
    log_in(client, "staff")

    response = client.post(VERIFY, {"otp_token": code(device), "next": "/membership/all/"})

    assert response.url == "/membership/all/"
    assert backup_codes_left(staff) == 10
    assert not AuditEntry.objects.filter(action="accounts.user.backup_code_used").exists()


def test_a_wrong_backup_code_gets_the_usual_message_and_the_back_off(client, staff):
    codes = with_codes(staff)
    device = TOTPDevice.objects.get(user=staff)
    log_in(client, "staff")

    refused = client.post(VERIFY, {"otp_token": "zzzz-zzzz"})

    assert WRONG in refused.content.decode()
    backup = StaticDevice.objects.get(user=staff)
    assert backup.throttling_failure_count == 1
    # While the backup codes wait (1 s here; longer in the test, so it cannot outrun the
    # wait), neither a right backup code nor the app's code is checked ...
    StaticDevice.objects.update(throttling_failure_count=8)
    for right in (codes[0], code(device)):
        throttled = client.post(VERIFY, {"otp_token": right})
        assert "Too many wrong codes: wait" in throttled.content.decode()
    assert backup_codes_left(staff) == 10
    # ... and a wrong app code holds back the backup codes likewise.
    unthrottle()
    client.post(VERIFY, {"otp_token": f"{(int(code(device)) + 1) % 1_000_000:06d}"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    TOTPDevice.objects.update(throttling_failure_count=8)
    throttled = client.post(VERIFY, {"otp_token": codes[0]})
    assert "Too many wrong codes: wait" in throttled.content.decode()
    assert backup_codes_left(staff) == 10
    assert client.get("/membership/all/").status_code == 302

    unthrottle()
    assert client.post(VERIFY, {"otp_token": codes[0]}).status_code == 302
    assert StaticDevice.objects.get(user=staff).throttling_failure_count == 0


def test_a_failed_password_is_still_counted_by_axes(client, staff, settings):
    """The backup code comes after the password; the password's lockout stays in front."""
    codes = with_codes(staff)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "staff", "wrong-password")

    assert log_in(client, "staff").status_code == 429
    assert client.post(VERIFY, {"otp_token": codes[0]}).url.startswith("/accounts/login/")
    assert backup_codes_left(staff) == 10


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_by_two_sessions_at_once_lets_one_in(staff):
    codes = with_codes(staff)
    for attempt in range(3):  # the race goes either way; the outcome must not
        unthrottle()
        clients = [Client(), Client()]
        for client in clients:
            log_in(client, "staff")
        answers = run_at_once(
            *(lambda c=c, t=codes[attempt]: c.post(VERIFY, {"otp_token": t}) for c in clients)
        )

        assert sorted(a.status_code for a in answers) == [200, 302]
        assert backup_codes_left(staff) == 9 - attempt


# --- new codes ----------------------------------------------------------------------------


def test_new_codes_on_the_page_stop_the_old_ones(client, staff):
    old = with_codes(staff)
    verified_client(client, staff)
    page = client.get(BACKUP_CODES).content.decode()
    assert 'data-backup-codes-left="10"' in page
    assert not [c for c in old if c in page]

    response = client.post(BACKUP_CODES)

    shown = re.findall(r"<code data-backup-code>([^<]+)</code>", response.content.decode())
    assert len(shown) == 10 and set(shown) == stored(staff)
    assert not set(shown) & set(old)
    assert not [c for c in shown if c in client.get(BACKUP_CODES).content.decode()]

    other = Client()
    log_in(other, "staff")
    assert WRONG in other.post(VERIFY, {"otp_token": old[0]}).content.decode()
    unthrottle()
    assert other.post(VERIFY, {"otp_token": shown[0]}).status_code == 302


def test_new_codes_need_a_verified_session(client, staff, contact):
    old = with_codes(staff)
    client.force_login(staff)  # password only

    assert (
        client.post(BACKUP_CODES).url == f"{VERIFY}?next=%2Faccounts%2Ftwo-factor%2Fbackup-codes%2F"
    )
    assert stored(staff) == set(old)

    # Without an app there are no backup codes to make.
    contact_client = Client()
    contact_client.force_login(contact)
    assert contact_client.post(BACKUP_CODES).url == MANAGE
    assert not StaticDevice.objects.filter(user=contact).exists()


def test_a_session_verified_with_a_backup_code_may_make_new_ones(client, staff):
    codes = with_codes(staff)
    log_in(client, "staff")
    client.post(VERIFY, {"otp_token": codes[0]})

    response = client.post(BACKUP_CODES)

    assert len(response.context["codes"]) == 10
    assert client.get("/membership/all/").status_code == 200  # still verified


# --- reset, turning off, the API -----------------------------------------------------------


def test_a_staff_reset_removes_the_backup_codes(client, staff, supplier):
    codes = with_codes(supplier)
    supplier_client = Client()
    log_in(supplier_client, "supplier")
    supplier_client.post(VERIFY, {"otp_token": codes[0]})
    assert supplier_client.get("/bidding/").status_code == 200
    verified_client(client, staff)
    url = f"/accounts/users/{supplier.pk}/two-factor/"
    assert 'data-backup-codes-left="9"' in client.get(url).content.decode()

    client.post(url)

    assert not StaticDevice.objects.filter(user=supplier).exists()
    assert not StaticToken.objects.exists()
    entry = AuditEntry.objects.get(action="accounts.user.two_factor_reset")
    assert entry.data == {"devices": 1, "backup_codes_removed": 9, "api_token_revoked": False}
    # The session let in by a backup code is not verified any more: set up a new app.
    assert supplier_client.get("/bidding/").url.startswith(SETUP)
    fresh = Client()
    log_in(fresh, "supplier")
    assert fresh.get("/bidding/").url.startswith(SETUP)
    assert fresh.post(VERIFY, {"otp_token": codes[1]}).url.startswith(SETUP)


def test_the_admin_action_removes_them_too(client, staff, supplier):
    with_codes(supplier)
    verified_client(client, staff)

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [supplier.pk]},
    )

    assert backup_codes_left(supplier) == 0


def test_a_board_contact_turns_it_off_with_a_backup_code(client, contact):
    codes = with_codes(contact)
    log_in(client, "contact")
    client.post(VERIFY, {"otp_token": codes[0]})

    client.post(MANAGE, {"action": "remove", "otp_token": codes[1]})

    assert not TOTPDevice.objects.filter(user=contact).exists()
    assert not StaticDevice.objects.filter(user=contact).exists()
    entry = AuditEntry.objects.get(action="accounts.user.two_factor_turned_off")
    assert entry.data["backup_codes_removed"] == 8


def test_an_api_token_takes_a_backup_code_once(staff):
    codes = with_codes(staff)
    url = "/api/v1/auth/token/"
    body = {"username": "staff", "password": "correct-horse-battery", "otp_token": codes[0]}

    granted = APIClient().post(url, body, format="json")

    assert granted.status_code == 200
    assert granted.json()["token"]
    assert backup_codes_left(staff) == 9
    unthrottle()
    refused = APIClient().post(url, body, format="json")
    assert refused.status_code == 400
    assert WRONG in json.dumps(refused.json())


# --- the audit holds the number of codes, never a code -------------------------------------


def test_no_code_reaches_the_audit(client, staff, supplier):
    first = with_codes(supplier)
    supplier_client = Client()
    log_in(supplier_client, "supplier")
    supplier_client.post(VERIFY, {"otp_token": first[0]})
    second = supplier_client.post(BACKUP_CODES).context["codes"]
    verified_client(client, staff)
    url = f"/accounts/users/{supplier.pk}/two-factor/"
    client.post(url)

    page = client.get(url).content.decode()

    actions = set(
        AuditEntry.objects.filter(object_id=str(supplier.pk)).values_list("action", flat=True)
    )
    assert {
        "accounts.user.backup_codes_generated",
        "accounts.user.backup_code_used",
        "accounts.user.two_factor_reset",
    } <= actions
    assert "Backup codes generated" in page and "Backup code used" in page
    stored_text = json.dumps(
        list(AuditEntry.objects.values("action", "data", "changes", "actor_label")), default=str
    )
    for c in first + second:
        assert c not in stored_text and c not in page
        assert c.replace("-", "") not in stored_text
