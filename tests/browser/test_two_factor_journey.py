"""Two-factor authentication in real Chromium: a staff member logs in for the first time,
is sent to the setup page, adds the secret shown (next to the QR code, made on the page) to
an authenticator app (computed here from the secret, as the app would), confirms with its
code and reaches the admin; at the next login the code page asks for the current code, and
a wrong one is refused. Then five wrong passwords block the login for a while.

The pages are switched to English, so the test reads the message ids whether or not their
Dutch translations exist yet.
"""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from ..factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, *, ahead: int = 0) -> str:
    """What an authenticator app shows for `secret` (base32) now, or `ahead` steps later."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def log_in(page, password: str = "correct-horse-battery") -> None:
    page.get_by_label("Username").fill("sanne")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_staff_set_up_an_app_and_give_its_code_at_every_login(live_server, page, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "supplier"]
    StaffFactory(username="sanne", first_name="Sanne", last_name="de Staf")
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_role("link", name="Log in").click()
    log_in(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    secret = page.locator("[data-secret]").inner_text()
    # Nothing else is reachable yet.
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")

    page.get_by_label("Code", exact=True).fill(app_code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Backup codes")
    assert len(page.locator("[data-backup-code]").all_inner_texts()) == 10
    page.get_by_role("link", name="I have stored them: continue").click()
    expect(page.get_by_text("Site administration")).to_be_visible()

    page.get_by_role("button", name="Log out").first.click()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    wrong = f"{(int(app_code(secret, ahead=1)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code", exact=True).fill(wrong)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()

    time.sleep(1.1)  # the app waits a second after a wrong code
    page.get_by_label("Code", exact=True).fill(app_code(secret, ahead=1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("link", name="Admin")).to_be_visible()
    assert blocked == []  # the QR code is markup, not an inline style or script


def test_five_wrong_passwords_block_the_login(live_server, page):
    StaffFactory(username="sanne")
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_role("link", name="Log in").click()
    for _ in range(4):
        log_in(page, "wrong-password")
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    log_in(page, "wrong-password")

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed logins")
    expect(page.get_by_role("alert")).to_contain_text("failed 5 times in a row")
    expect(page.get_by_text("Try again in 30 minutes.")).to_be_visible()
