"""The site header of every page (language switch, who is logged in, the main navigation),
written in Python rather than in the template language.

Every page renders it, so it is the fixed cost of the whole site: as a template it took
about a third of a cached list page (sixteen conditional links, ten `{% url %}` lookups).
Here the links are a declarative list, and the navigation depends only on what kind of
user asks (`Viewer`), on which page and in which language: it is written once per process
for each such combination. The language switch and login/logout are written per request
(they carry the CSRF token and the page's own address). tests/core/test_layout.py checks
the links of every role.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Viewer:
    """What the navigation depends on of a user."""

    authenticated: bool = False
    staff: bool = False
    contact: bool = False
    supplier: bool = False
    board: str | None = None  # the DUO number of the user's board

    @classmethod
    def of(cls, user) -> "Viewer":
        if not user.is_authenticated:
            return ANONYMOUS
        return cls(
            authenticated=True,
            staff=user.is_cooperative_staff,
            contact=user.is_board_contact,
            supplier=user.role == "supplier",
            board=user.board.duo_number if user.board_id else None,
        )


ANONYMOUS = Viewer()


@dataclass(frozen=True)
class Page:
    """What the navigation depends on of the page: its app and URL name."""

    app: str = ""
    name: str = ""

    @classmethod
    def of(cls, match) -> "Page":
        return cls(match.app_name, match.url_name or "") if match is not None else cls()


@dataclass(frozen=True)
class Link:
    """One link of the main navigation: shown when `shown(viewer)`, marked as the current
    page when `current(page)`."""

    label: str
    href: Callable  # Viewer -> URL
    shown: Callable = lambda viewer: True
    current: Callable = lambda page: False


@lru_cache(maxsize=64)
def _reverse(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


def url(name: str) -> str:
    """`reverse(name)` of a URL without arguments, looked up once per URL conf and prefix."""
    return _reverse(name, get_script_prefix(), get_urlconf())


def _fixed(name: str) -> Callable:
    return lambda viewer: url(name)


def _in_app(app: str) -> Callable:
    return lambda page: page.app == app


def _staff(viewer: Viewer) -> bool:
    return viewer.staff


def _contact(viewer: Viewer) -> bool:
    return viewer.contact and not viewer.staff


def _with_board(viewer: Viewer) -> bool:
    return viewer.board is not None and not viewer.staff


# The Groups link with its unread count is loaded after the page (bundel.groups.views.nav),
# for staff and the people of member boards: its place in LINKS is marked by GROUPS.
GROUPS = "groups"

# In the order of the header. Where two links share a label (Services, Tenders, Membership)
# at most one of them is shown to any user.
LINKS = (
    Link(gettext_lazy("Registry"), _fixed("registry:boards"), current=_in_app("registry")),
    Link(gettext_lazy("Support"), _fixed("support:dashboard"), current=_in_app("support")),
    Link(gettext_lazy("Catalogue"), _fixed("catalogue:index"), current=_in_app("catalogue")),
    Link(gettext_lazy("Knowledge"), _fixed("knowledge:index"), current=_in_app("knowledge")),
    Link(gettext_lazy("Events"), _fixed("events:list"), current=_in_app("events")),
    Link(
        gettext_lazy("Services"),
        _fixed("subscriptions:calendar"),
        shown=_staff,
        current=_in_app("subscriptions"),
    ),
    Link(
        gettext_lazy("Services"),
        lambda viewer: reverse("subscriptions:board", args=[viewer.board]),
        shown=_with_board,
        current=_in_app("subscriptions"),
    ),
    Link(
        gettext_lazy("Proposals"),
        _fixed("proposals:bulk"),
        shown=_staff,
        current=_in_app("proposals"),
    ),
    Link(
        gettext_lazy("Proposal"),
        lambda viewer: reverse("proposals:board", args=[viewer.board]),
        shown=_contact,
        current=_in_app("proposals"),
    ),
    Link(
        gettext_lazy("Membership"),
        _fixed("membership:list"),
        shown=_staff,
        current=lambda page: page.app == "membership" and page.name != "queue",
    ),
    Link(
        gettext_lazy("Admissions"),
        _fixed("membership:queue"),
        shown=_staff,
        current=lambda page: page == Page("membership", "queue"),
    ),
    Link(
        gettext_lazy("Membership"),
        _fixed("membership:mine"),
        shown=_contact,
        current=_in_app("membership"),
    ),
    Link(gettext_lazy("Council"), _fixed("governance:council"), current=_in_app("governance")),
    Link(gettext_lazy("Tenders"), _fixed("tenders:list"), shown=_staff, current=_in_app("tenders")),
    Link(
        gettext_lazy("Tenders"),
        _fixed("tenders:mine"),
        shown=_with_board,
        current=_in_app("tenders"),
    ),
    Link(
        gettext_lazy("Contracts"),
        _fixed("contracts:list"),
        shown=lambda viewer: viewer.staff or viewer.board is not None or viewer.supplier,
        current=_in_app("contracts"),
    ),
    Link(
        gettext_lazy("Tenders"),
        _fixed("bidding:tenders"),
        shown=lambda viewer: viewer.supplier,
        current=_in_app("bidding"),
    ),
    GROUPS,
    Link(gettext_lazy("API"), _fixed("api:docs")),
    Link(gettext_lazy("Admin"), _fixed("admin:index"), shown=_staff),
)


def _link(link: Link, viewer: Viewer, page: Page) -> str:
    current = ' aria-current="page"' if link.current(page) else ""
    return f'<a href="{escape(link.href(viewer))}"{current}>{escape(link.label)}</a>'


def _groups(viewer: Viewer, page: Page) -> str:
    if not (viewer.staff or viewer.board is not None):
        return ""
    current = "?current=1" if page.app == "groups" else ""
    href = url("groups:nav") + current
    return f'<span hx-get="{href}" hx-trigger="load" hx-swap="outerHTML"></span>'


@lru_cache(maxsize=1024)
def _nav(viewer: Viewer, page: Page, language: str, prefix: str, urlconf) -> SafeString:
    parts = [
        _groups(viewer, page) if link is GROUPS else _link(link, viewer, page)
        for link in LINKS
        if link is GROUPS or link.shown(viewer)
    ]
    return mark_safe("".join(parts))


def main_nav(request) -> SafeString:
    """The links of the main navigation for the request's user and page. None while the
    user still owes the second factor: every page but the code page is closed to them."""
    from bundel.accounts.selectors import second_factor_missing

    if second_factor_missing(request):
        return mark_safe("")
    return _nav(
        Viewer.of(request.user),
        Page.of(request.resolver_match),
        get_language(),
        get_script_prefix(),
        get_urlconf(),
    )


@lru_cache(maxsize=64)
def _language_buttons(language: str) -> str:
    pressed = ' aria-pressed="true"'
    return " ".join(
        f'<button type="submit" name="language" value="{code}"'
        f'{pressed if code == language else ""} title="{escape(_(name))}">{code.upper()}</button>'
        for code, name in settings.LANGUAGES
    )


def _who(user) -> SafeString:
    name = user.get_full_name() or user.username
    board = user.board if user.board_id else None
    title = f"{name} · {user.get_role_display()}" + (f" · {board}" if board else "")
    shown = f"{name} · {board}" if board else name
    return format_html('<span class="who" title="{}">{}</span>', title, shown)


def header_tools(request) -> SafeString:
    """The language switch and the login link, or who is logged in with the logout button."""
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    path = request.get_full_path()
    switch = (
        f'<form action="{url("set_language")}" method="post" class="lang">{token}'
        f'<input name="next" type="hidden" value="{escape(path)}">'
        f"{_language_buttons(get_language())}</form>"
    )
    user = request.user
    if not user.is_authenticated:
        login = escape(_("Log in"))
        next_ = escape(quote(path, safe="/"))
        return mark_safe(f'{switch}<a href="{url("login")}?next={next_}">{login}</a>')
    security = escape(_("Login security"))
    security_title = escape(_("Two-factor authentication and API token"))
    logout = escape(_("Log out"))
    return mark_safe(
        f"{switch}{_who(user)}"
        f'<a href="{url("two_factor")}" title="{security_title}">{security}</a>'
        f'<form action="{url("logout")}" method="post">{token}'
        f'<button class="link" type="submit">{logout}</button></form>'
    )
