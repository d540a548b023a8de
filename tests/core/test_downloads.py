"""Files are served with a safe content type and never run in the browser.

- Uploaded files (knowledge base, group files, meeting documents, tender documents, bid
  attachments): each stored file of the demo site, plus an HTML page uploaded as a group
  file and as a knowledge document, is fetched through its view: always an attachment,
  with nosniff, a type a browser does not run, and a policy that lets nothing run.
- Generated files (PDFs, exports, calendars) the demo site links to, found by walking it
  as each visitor: nosniff and a type a browser does not run.
The views the issue names must be among them, so a walk that goes nowhere fails."""

from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import reverse

from bundel.accounts.models import User
from bundel.bidding.models import BidAttachment, TenderDocument
from bundel.governance.models import MeetingDocument
from bundel.groups import services as groups
from bundel.groups.models import Group, GroupFile
from bundel.knowledge import services as knowledge
from bundel.knowledge.constants import Visibility
from bundel.knowledge.models import Category, DocumentVersion

from .site_walk import VISITORS, close, log_in_as, seed_demo_site, walk

# Types a browser shows as a document that may run code or load content.
RUNNABLE = ("text/html", "application/xhtml", "image/svg", "text/xml", "application/xml")
RUNNABLE += ("text/javascript", "application/javascript", "application/x-shockwave-flash")
SAFE_TYPES = {
    "application/pdf",
    "application/zip",
    "text/csv",
    "text/calendar",
    "text/plain",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/octet-stream",
}
# The views that serve what someone uploaded.
UPLOADS = {
    "knowledge:download",
    "groups:file",
    "governance:meeting_document",
    "bidding:document",
    "bidding:attachment",
}
# Generated files the demo links to.
GENERATED = {
    "proposals:pdf",
    "membership:agreement_pdf",
    "governance:minutes_pdf",
    "tenders:demand-pdf",
    "events:attendees",
    "events:badges",
    "bidding:nota-pdf",
}


def media_type(response) -> str:
    return response["Content-Type"].split(";")[0].strip().lower()


@pytest.fixture
def demo_site(db, settings, tmp_path):
    seed_demo_site(settings, tmp_path)


def generated_files(client) -> dict[str, tuple[str, object]]:
    """{path: (view, response)} of every non-page answer of a walk of the site."""
    found = {}
    for path, view, response in walk(client, follow=lambda path: True, per_view=1):
        is_page = response["Content-Type"].startswith("text/html")
        if response.status_code == 200 and not is_page:
            found[path] = (view, response)
    return found


def file_problems(view: str, response) -> list[str]:
    wrong = []
    kind = media_type(response)
    if response.get("X-Content-Type-Options") != "nosniff":
        wrong.append("no nosniff")
    if kind not in SAFE_TYPES or kind.startswith(RUNNABLE):
        wrong.append(f"type {response['Content-Type']}")
    if view in UPLOADS:
        disposition = response.get("Content-Disposition", "")
        policy = response.get("Content-Security-Policy", "")
        if not disposition.startswith("attachment"):
            wrong.append(f"disposition {disposition!r}")
        if "sandbox" not in policy and "script-src 'self'" not in policy:
            wrong.append(f"policy {policy!r}")
    return wrong


HTML_PAGE = b"<html><body><script>fetch('/api/v1/auth/token/')</script></body></html>"


def uploaded_files() -> list[tuple[str, str, str]]:
    """(view, url, who may fetch it) of every stored upload, after adding an HTML page as
    a group file (by a participant) and as a public knowledge document (by staff)."""
    staff, lid = User.objects.get(username="staf"), User.objects.get(username="lid")
    group = Group.objects.filter(kind="topic").order_by("pk").first()
    if not group.participants.filter(user=lid).exists():
        groups.group_join(group=group, by=lid)
    groups.file_upload(group=group, upload=SimpleUploadedFile("page.html", HTML_PAGE), by=lid)
    knowledge.document_create(
        by=staff,
        title="Pagina",
        category=Category.objects.order_by("pk").first(),
        visibility=Visibility.PUBLIC,
        upload=SimpleUploadedFile("page.html", HTML_PAGE, content_type="text/html"),
    )
    found = [
        ("knowledge:download", reverse("knowledge:download", args=[v.document_id, v.number]))
        for v in DocumentVersion.objects.exclude(file="")
    ]
    found += [
        ("groups:file", reverse("groups:file", args=[f.group.slug, f.pk]))
        for f in GroupFile.objects.select_related("group")
    ]
    found += [
        (
            "governance:meeting_document",
            reverse("governance:meeting_document", args=[d.meeting_id, d.pk]),
        )
        for d in MeetingDocument.objects.all()
    ]
    found += [
        ("bidding:document", reverse("bidding:document", args=[d.tender_id, d.pk]))
        for d in TenderDocument.objects.all()
    ]
    rows = [(view, url, "staf") for view, url in found]
    rows += [
        (
            "bidding:attachment",
            reverse("bidding:attachment", args=[a.content.bid_id, a.pk]),
            a.content.bid.supplier.username,
        )
        for a in BidAttachment.objects.select_related("content__bid__supplier")
    ]
    return rows


def test_every_upload_is_an_attachment_that_cannot_run(client, demo_site):
    problems, served, types = {}, Counter(), set()
    for view, url, username in uploaded_files():
        log_in_as(client, username)
        response = client.get(url)
        close(response)
        assert response.status_code == 200, url
        served[view] += 1
        types.add(media_type(response))
        if wrong := file_problems(view, response):
            problems[url] = wrong

    assert problems == {}
    assert set(served) == UPLOADS
    assert served["groups:file"] >= 1 and served["knowledge:download"] >= 3
    assert "text/plain" in types  # the HTML pages: stored and served as plain text
    assert "text/html" not in types


def test_every_generated_file_has_a_safe_type(client, demo_site):
    problems, served = {}, set()
    for visitor in VISITORS:
        log_in_as(client, visitor)
        for path, (view, response) in generated_files(client).items():
            served.add(view)
            if wrong := file_problems(view, response):
                problems[f"{visitor} {path}"] = wrong
    for fmt in ("csv", "xlsx"):  # the exports, behind a ?format= of a list page
        response = client.get(f"/registry/boards/?format={fmt}")
        assert response["Content-Disposition"].startswith("attachment")
        if wrong := file_problems("registry:boards", response):
            problems[f"export {fmt}"] = wrong

    assert problems == {}
    assert GENERATED - served == set()


def test_the_check_finds_what_it_looks_for():
    page = HttpResponse("<script>alert(1)</script>", content_type="text/html")
    inline_pdf = HttpResponse(b"%PDF-", content_type="application/pdf")
    inline_pdf["X-Content-Type-Options"] = "nosniff"
    inline_pdf["Content-Disposition"] = 'inline; filename="x.pdf"'

    assert file_problems("groups:file", page) == [
        "no nosniff",
        "type text/html",
        "disposition ''",
        "policy ''",
    ]
    assert file_problems("knowledge:download", inline_pdf) == [
        "disposition 'inline; filename=\"x.pdf\"'",
        "policy ''",
    ]
    assert file_problems("proposals:pdf", inline_pdf) == []
