"""The Content-Security-Policy in real Chromium: the demo site's pages, as a visitor, a
member's contact and staff, including what htmx does after the page loaded (the live
search of the registry, the Groups link with its unread count, the proposals page), make
Chromium refuse nothing. Chromium reports every refusal on the console ("Applying inline
style violates the following Content Security Policy directive ...", in older versions
"Refused to apply inline style ..."), which the test collects; a deliberate inline style,
script and event handler at the end prove the listening works."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from bundel.accounts.models import User
from bundel.contracts.models import FrameworkContract

from ..accounts.helpers import code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = re.compile(r"Refused to|Content Security Policy", re.IGNORECASE)


@pytest.fixture
def demo_site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True  # setup_demo runs only there
    call_command("setup_demo", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.fixture
def refusals(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}") if REFUSED.search(message.text) else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"{page.url}: {error}"))
    return found


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def log_in(page, base: str, username: str) -> None:
    visit(page, f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:  # staff and suppliers: the authenticator app's code
        page.locator("input[name=otp_token]").fill(code(device))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
    expect(page.locator(".header-tools .who")).to_be_visible()


def log_out(page) -> None:
    page.locator(".header-tools form button.link").click()
    page.wait_for_load_state("networkidle")


def test_no_page_makes_chromium_refuse_anything(live_server, page, demo_site, refusals):
    base = live_server.url
    lid = User.objects.get(username="lid")
    contract = FrameworkContract.objects.order_by("pk").first()

    # A visitor: the public pages, the registry's live search (htmx) and the API docs.
    for path in ("/", "/registry/boards/41211/", "/support/", "/catalogue/", "/knowledge/",
                 "/events/", "/governance/council/"):  # fmt: skip
        visit(page, base + path)
    visit(page, f"{base}/registry/boards/")
    rows = page.locator("main table tbody tr")
    before = rows.count()
    page.locator("#id_q").fill("Kempen")
    expect(page).to_have_url(re.compile(r"q=Kempen"))  # htmx pushed the search's address
    page.wait_for_function(
        "n => document.querySelectorAll('main table tbody tr').length < n", arg=before
    )
    assert rows.count() > 0  # htmx swapped in the filtered list
    visit(page, f"{base}/api/v1/docs/")
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Bundel API")

    # A member's contact: the Groups link arrives by htmx on every page.
    log_in(page, base, "lid")
    groups_link = page.locator('nav.main-nav a[href^="/groups/"]')
    expect(groups_link).to_be_visible()
    for path in (
        "/membership/",
        f"/proposals/{lid.board.duo_number}/",
        f"/services/{lid.board.duo_number}/",
        f"/contracts/{contract.pk}/",
        "/groups/",
        "/governance/elections/",
    ):
        visit(page, base + path)
    expect(page.locator("nav.main-nav a[href^='/groups/']")).to_be_visible()
    log_out(page)

    # Staff: the proposals page, the calendar of migration waves, the admin.
    log_in(page, base, "staf")
    for path in ("/proposals/", "/services/calendar/", "/membership/all/", "/admin/"):
        visit(page, base + path)
    visit(page, f"{base}/contracts/{contract.pk}/")
    expect(page.locator("svg.meter rect")).to_have_count(1)

    assert refusals == []

    # The listening works: an inline style, script and event handler are refused and reported.
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.body.append(script);
            const button = document.createElement("button");
            button.setAttribute("onclick", "window.ranInline = true");
            document.body.append(button);
            button.click();
        }"""
    )
    for _ in range(50):
        if len(refusals) >= 3:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.ranInline === undefined")
    assert sorted(text.split(": ", 1)[1].split(" violates ")[0] for text in refusals) == [
        "Applying inline style",
        "Executing inline event handler",
        "Executing inline script",
    ]
