"""Walking the demo site as a visitor: the pages and files reachable by following links
(and htmx requests) from a few start pages, a bounded number per view. Used by the
Content-Security-Policy and download tests."""

import io
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import Resolver404, resolve

from bundel.accounts.models import User
from bundel.accounts.selectors import uses_two_factor

from ..accounts.helpers import verified_client

START = ["/", "/registry/boards/", "/support/", "/catalogue/", "/knowledge/", "/events/"]
# Never walked: the admin (Django's own pages; the browser test visits it), the API (JSON),
# static and media files, and what only answers POST (language switch, logout).
NEVER = re.compile(r"^/(admin|static|media|i18n|api)/|^/accounts/logout/")
# Files and PDFs rather than pages.
FILES = re.compile(r"\.(pdf|csv|xlsx|ics|zip)$|/pdf/$")
VISITORS = ["anonymous", "lid", "staf", "leverancier"]  # lid: the contact of a member board


def seed_demo_site(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True  # setup_demo runs only there
    call_command("setup_demo", stdout=io.StringIO())
    settings.DEBUG = False


def log_in_as(client, visitor: str) -> None:
    """The demo login, with the second factor entered where it is owed."""
    client.logout()
    user = User.objects.filter(username=visitor).first()
    if user is None:
        return
    if uses_two_factor(user):
        verified_client(client, user)
    else:
        client.force_login(user)


def close(response) -> None:
    """Close a response (a file's handle) as the test client does: without the
    request_finished signal closing the database connection of the test's transaction."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "hx-get"} and value and value.startswith("/"):
                self.paths.append(value.split("#")[0])


def walk(
    client, *, follow: Callable[[str], bool], per_view: int = 2
) -> Iterator[tuple[str, str, object]]:
    """Yields (path, view name, response) for every address reached from START whose path
    `follow` accepts, at most `per_view` per view; the links of HTML pages are followed."""
    queue, seen = deque(START), set()
    visits: Counter[str] = Counter()
    while queue:
        path = queue.popleft()
        bare = urlsplit(path).path
        if path in seen or NEVER.search(bare) or not follow(bare):
            continue
        seen.add(path)
        try:
            view = resolve(bare).view_name
        except Resolver404:
            continue
        if visits[view] >= per_view:
            continue
        visits[view] += 1
        response = client.get(path)
        yield path, view, response
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            links = Links()
            links.feed(response.content.decode())
            queue.extend(links.paths)
        close(response)
