"""Two-factor authentication (TOTP): staff and suppliers set up an authenticator app at
their first login and give its code at every login; until then they reach only the pages
that ask for it. Board contacts and council members may choose it."""

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from bundel.accounts.constants import Role
from bundel.audit.models import AuditEntry

from ..factories import UserFactory
from .conftest import log_in
from .helpers import code, give_device, verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on", "english")]

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


def test_staff_without_a_device_must_set_one_up_first(client, staff):
    response = log_in(client, "staff")
    assert response.status_code == 302
    # Wherever they go next (the admin, a staff page, the home page): the setup page.
    for path in ("/", "/membership/all/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == f"{SETUP}?next={path.replace('/', '%2F')}"
    assert client.get("/api/v1/memberships/").status_code == 403

    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg role="img"' in html and "<path d=" in html  # the QR code, made here
    assert "http" not in html.split('<svg role="img"', 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    secret = page.context["secret"].replace(" ", "")
    assert len(secret) == 32 and device.config_url.count(secret) == 1
    # Reloading keeps the same secret (the app may have scanned it already).
    assert client.get(SETUP).context["secret"].replace(" ", "") == secret


def test_setting_up_refuses_a_wrong_code_and_a_right_one_lets_in(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)
    right = code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"otp_token": wrong, "next": "/membership/all/"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert (device.confirmed, device.throttling_failure_count) == (False, 1)
    assert client.get("/membership/all/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(SETUP, {"otp_token": right, "next": "/membership/all/"})

    # The backup codes, shown once, then on to where the user was going.
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert 'href="/membership/all/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/membership/all/").status_code == 200
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action="accounts.user.two_factor_set_up")
    assert (entry.object_id, entry.actor) == (str(staff.pk), staff)


def test_staff_with_a_device_give_its_code_at_every_login(client, staff):
    device = give_device(staff)
    response = log_in(client, "staff")
    assert client.get(response.url).url == f"{VERIFY}?next=%2F"
    assert client.get("/membership/all/").status_code == 302

    right = code(device)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    refused = client.post(VERIFY, {"otp_token": wrong, "next": "/membership/all/"})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert client.get("/membership/all/").status_code == 302

    # Straight after a wrong code the device waits (1 s, then 2, 4, ...): even the right
    # code is refused, saying so.
    throttled = client.post(VERIFY, {"otp_token": right})
    assert "Too many wrong codes: wait 1 seconds" in throttled.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    session_before = client.session.session_key
    response = client.post(VERIFY, {"otp_token": right, "next": "/membership/all/"})

    assert (response.status_code, response.url) == (302, "/membership/all/")
    assert client.session.session_key != session_before  # a new key after the 2nd factor
    assert client.get("/membership/all/").status_code == 200
    # A code works once: the same code does not verify another session.
    other = client.__class__()
    other.force_login(staff)
    assert other.post(VERIFY, {"otp_token": right}).status_code == 200
    assert other.get("/membership/all/").status_code == 302


def test_a_supplier_likewise(client, supplier):
    device = give_device(supplier)
    log_in(client, "supplier")
    assert client.get("/bidding/").url == f"{VERIFY}?next=%2Fbidding%2F"
    right = code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert "That code is not right" in client.post(VERIFY, {"otp_token": wrong}).content.decode()
    assert client.get("/bidding/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(VERIFY, {"otp_token": right, "next": "/bidding/"})

    assert response.url == "/bidding/"
    assert client.get("/bidding/").status_code == 200


def test_a_supplier_without_a_device_sets_one_up(client, supplier):
    log_in(client, "supplier")
    assert client.get("/bidding/").url == f"{SETUP}?next=%2Fbidding%2F"


def test_a_board_contact_is_not_asked(client, contact):
    response = log_in(client, "contact")
    assert (response.status_code, response.url) == (302, "/")
    assert client.get("/").status_code == 200
    assert client.get("/membership/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_board_contact_may_choose_it_and_turn_it_off(client, contact):
    client.force_login(contact)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=contact)
    client.post(SETUP, {"otp_token": code(device)})
    device.refresh_from_db()
    assert device.confirmed

    # From now on the login asks for the code.
    client.post("/accounts/logout/")
    log_in(client, "contact")
    assert client.get("/membership/").url == f"{VERIFY}?next=%2Fmembership%2F"
    client.post(VERIFY, {"otp_token": code(device)})
    assert client.get("/membership/").status_code == 200

    # Turning it off takes a current code.
    refused = client.post("/accounts/two-factor/", {"action": "remove", "otp_token": "12345"})
    assert "That code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=contact).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    client.post("/accounts/two-factor/", {"action": "remove", "otp_token": code(device)})
    assert not TOTPDevice.objects.filter(user=contact).exists()
    assert AuditEntry.objects.filter(action="accounts.user.two_factor_turned_off").count() == 1
    client.post("/accounts/logout/")
    log_in(client, "contact")
    assert client.get("/membership/").status_code == 200


def test_staff_cannot_turn_it_off(client, staff):
    device = give_device(staff)
    verified_client(client, staff, device)
    page = client.get("/accounts/two-factor/")
    assert 'data-state="on"' in page.content.decode()
    assert 'value="remove"' not in page.content.decode()

    response = client.post("/accounts/two-factor/", {"action": "remove", "otp_token": code(device)})

    assert "Your role requires an authenticator app" in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_staff_reset_another_users_device_audited(client, staff, supplier):
    give_device(supplier)
    Token.objects.create(user=supplier)
    verified_client(client, staff)
    url = f"/accounts/users/{supplier.pk}/two-factor/"
    assert 'data-state="on"' in client.get(url).content.decode()

    response = client.post(url)

    assert response.url == url
    assert not TOTPDevice.objects.filter(user=supplier).exists()
    assert not Token.objects.filter(user=supplier).exists()
    entry = AuditEntry.objects.get(action="accounts.user.two_factor_reset")
    assert (entry.object_id, entry.actor, entry.data) == (
        str(supplier.pk),
        staff,
        {"devices": 1, "backup_codes_removed": 0, "api_token_revoked": True},
    )
    page = client.get(url).content.decode()
    assert 'data-state="off"' in page and "Two-factor login reset" in page
    # At the next login the supplier sets up a new app.
    supplier_client = client.__class__()
    log_in(supplier_client, "supplier")
    assert supplier_client.get("/bidding/").url.startswith(SETUP)


def test_only_staff_reset_devices(client, contact, supplier):
    give_device(supplier)
    client.force_login(contact)
    assert client.get(f"/accounts/users/{supplier.pk}/two-factor/").status_code == 403
    assert client.post(f"/accounts/users/{supplier.pk}/two-factor/").status_code == 403
    assert TOTPDevice.objects.filter(user=supplier).count() == 1


def test_the_admin_action_resets_devices(client, staff, supplier, contact):
    give_device(supplier)
    give_device(contact)
    verified_client(client, staff)

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [supplier.pk, contact.pk]},
    )

    assert not TOTPDevice.objects.filter(user__in=[supplier, contact]).exists()
    assert AuditEntry.objects.filter(action="accounts.user.two_factor_reset").count() == 2


def test_the_admin_asks_for_the_second_factor_without_the_middleware(client, staff, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "bundel.accounts.middleware.SecondFactorMiddleware"
    ]
    give_device(staff)
    client.force_login(staff)

    response = client.get("/admin/")

    assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def test_the_api_refuses_a_session_without_the_second_factor(client, staff):
    give_device(staff)
    client.force_login(staff)

    response = client.get("/api/v1/memberships/")

    assert response.status_code == 403
    assert "two-factor authentication" in response.json()["detail"]
    verified_client(client, staff)
    assert client.get("/api/v1/memberships/").status_code == 200


def test_an_api_token_takes_the_password_and_a_code(client, staff, contact):
    device = give_device(staff)
    url = "/api/v1/auth/token/"
    from rest_framework.test import APIRequestFactory

    from bundel.accounts.api import ObtainTokenView

    def ask(**data):
        request = APIRequestFactory().post(url, data, format="json")
        return ObtainTokenView.as_view()(request)

    refused = ask(username="staff", password="correct-horse-battery")
    assert refused.status_code == 400
    assert "send otp_token" in str(refused.data)
    assert ask(username="staff", password="correct-horse-battery", otp_token="1").status_code == 400
    assert not Token.objects.exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    granted = ask(username="staff", password="correct-horse-battery", otp_token=code(device))

    assert granted.status_code == 200
    assert granted.data["token"] == Token.objects.get(user=staff).key
    assert AuditEntry.objects.filter(action="accounts.user.api_token_created").count() == 1
    # A board contact without an app: the password is enough.
    assert ask(username="contact", password="correct-horse-battery").status_code == 200
    # The token works on the API without a session.
    api = client.__class__()
    answer = api.get("/api/v1/memberships/", HTTP_AUTHORIZATION=f"Token {granted.data['token']}")
    assert answer.status_code == 200


def test_the_two_factor_page_creates_and_revokes_the_api_token(client, supplier):
    verified_client(client, supplier)

    page = client.post("/accounts/two-factor/", {"action": "token"})

    key = Token.objects.get(user=supplier).key
    assert f"<code data-token>{key}</code>" in page.content.decode()
    assert key not in client.get("/accounts/two-factor/").content.decode()  # shown once
    client.post("/accounts/two-factor/", {"action": "revoke"})
    assert not Token.objects.filter(user=supplier).exists()
    assert AuditEntry.objects.filter(action="accounts.user.api_token_revoked").count() == 1


def test_next_goes_nowhere_outside_the_site(client, staff):
    device = give_device(staff)
    client.force_login(staff)

    response = client.post(VERIFY, {"otp_token": code(device), "next": "https://evil.example/"})

    assert response.url == "/"


def test_next_that_is_not_a_path_goes_home(client, staff):
    device = give_device(staff)
    client.force_login(staff)

    response = client.post(VERIFY, {"otp_token": code(device), "next": "2515510885242666"})

    assert (response.status_code, response.url) == (302, "/")
    assert client.get(f"{VERIFY}?next=home").url == "/"


def test_an_unknown_action_on_the_two_factor_page_is_refused(client, supplier):
    verified_client(client, supplier)

    response = client.post("/accounts/two-factor/", {"action": "a\x00b"})

    assert response.status_code == 400
    assert not Token.objects.filter(user=supplier).exists()


def test_htmx_fragments_are_empty_until_the_code_is_given(client, staff):
    give_device(staff)
    client.force_login(staff)

    response = client.get("/groups/nav/", HTTP_HX_REQUEST="true")

    # No HX-Redirect: the code page itself loads this fragment (it would reload forever).
    assert (response.status_code, response.content) == (204, b"")
    assert "HX-Redirect" not in response


def test_deploy_check_warns_when_staff_or_suppliers_go_without(settings):
    from bundel.accounts.checks import check_login_protection

    assert check_login_protection(None) == []
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff"]
    settings.AXES_ENABLED = False
    assert [w.id for w in check_login_protection(None)] == [
        "bundel.accounts.W001",
        "bundel.accounts.W002",
    ]


def test_demo_devices_have_the_known_secret(settings, staff):
    from bundel.accounts.demo import seed_totp_devices

    settings.DEBUG = True
    staf = UserFactory(username="staf", role=Role.STAFF, board=None, is_staff=True)
    leverancier = UserFactory(
        username="leverancier", role=Role.SUPPLIER, board=None, organisation="Demo B.V."
    )

    secrets = seed_totp_devices()

    assert secrets == {
        "leverancier": "BUNDELDEMOGEHEIMVOORTESTERSABCDE",
        "staf": "BUNDELDEMOGEHEIMVOORTESTERSABCDE",
    }
    assert seed_totp_devices() == secrets  # idempotent
    assert TOTPDevice.objects.filter(user__in=[staf, leverancier], confirmed=True).count() == 2
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG only"):
        seed_totp_devices()


def test_demo_totp_prints_a_code_that_logs_in(client, settings, capsys):
    from bundel.accounts.demo import seed_totp_devices

    settings.DEBUG = True
    UserFactory(username="staf", role=Role.STAFF, board=None, is_staff=True)
    seed_totp_devices()

    call_command("demo_totp", "staf")

    printed = capsys.readouterr().out.strip()
    assert len(printed) == 6 and printed.isdigit()
    log_in(client, "staf")
    assert client.post(VERIFY, {"otp_token": printed}).status_code == 302
    assert client.get("/membership/all/").status_code == 200


def test_the_code_page_shows_no_navigation_until_the_code_is_given(client, staff):
    """Every link would lead back to the code page: the header shows none of them (nor
    the staff's), only who is logging in and the way out."""
    device = give_device(staff)
    log_in(client, "staff")

    page = client.get(VERIFY).content.decode()
    nav = page.split('<nav class="main-nav wrap"', 1)[1].split("</nav>", 1)[0]
    assert "<a " not in nav
    assert "Log out" in page

    client.post(VERIFY, {"otp_token": code(device)})
    page = client.get("/support/").content.decode()
    assert '<a href="/membership/queue/">Admissions</a>' in page
