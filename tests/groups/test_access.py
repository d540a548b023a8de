"""Every page and API path of the groups, for those who may not see them: a board that is
not a member, a supplier (but for the session it is invited to) and the public get
nothing, also when posting, and nothing is stored."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.groups import services
from bundel.groups.models import (
    DialogueQuestion,
    DialogueSession,
    Group,
    GroupFile,
    Notification,
    Participant,
    Post,
    Thread,
)

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def content(thread, staff, supplier, contact):
    stored_file = services.file_upload(
        group=thread.group, upload=SimpleUploadedFile("a.pdf", files.PDF), by=contact
    )
    session = services.session_plan(
        group=thread.group,
        title="Dialoog",
        supplier_name="Demo Netwerken B.V.",
        starts_at=timezone.now() + timedelta(days=7),
        place="Utrecht",
        agenda="1. Opening",
        suppliers=[supplier],
        by=staff,
    )
    services.question_ask(session=session, text="Geheime vraag van een lid", by=contact)
    return {"thread": thread, "file": stored_file, "session": session}


@pytest.fixture
def group_urls(content) -> list[str]:
    thread, stored_file = content["thread"], content["file"]
    slug = thread.group.slug
    return [
        f"/groups/{slug}/",
        f"/groups/{slug}/participants/",
        f"/groups/{slug}/participants/?format=csv",
        f"/groups/{slug}/files/",
        f"/groups/{slug}/files/{stored_file.pk}/",
        f"/groups/{slug}/threads/{thread.pk}/",
        f"/groups/{slug}/sessions/new/",
    ]


@pytest.fixture
def api_urls(content) -> list[str]:
    thread = content["thread"]
    return [
        f"/api/v1/groups/{thread.group.slug}/",
        f"/api/v1/groups/{thread.group.slug}/threads/",
        f"/api/v1/groups/threads/{thread.pk}/posts/",
    ]


def stored() -> tuple:
    return (
        list(Group.objects.values_list("name", "state")),
        list(Participant.objects.values_list("user_id", "left_at")),
        Thread.objects.count(),
        list(Post.objects.values_list("body", "hidden_at")),
        GroupFile.objects.count(),
        list(DialogueSession.objects.values_list("state", "title")),
        DialogueQuestion.objects.count(),
        list(Notification.objects.values_list("pk", "read_at")),
        AuditEntry.objects.count(),
    )


POSTS = [
    {"action": "join"},
    {"action": "thread", "thread-subject": "X", "thread-body": "Y"},
    {"action": "archive"},
    {"action": "reply", "reply-body": "Hallo"},
    {"action": "hide", "post": "1", "hide-1-reason": "x"},
    {"action": "upload"},
    {"action": "remove", "file": "1"},
    {"action": "question", "question-text": "Vraag"},
    {"action": "cancel"},
]


@pytest.mark.parametrize("who", ["outsider", "supplier"])
def test_outsiders_and_suppliers_get_404_on_every_group_page(
    request, client, who, group_urls, content
):
    client.force_login(request.getfixturevalue(who))
    before = stored()

    for url in group_urls:
        assert client.get(url).status_code == 404, url
        for data in POSTS:
            assert client.post(url, data).status_code == 404, (url, data)

    assert stored() == before


@pytest.mark.parametrize("who", ["outsider", "supplier"])
def test_outsiders_and_suppliers_are_refused_the_overview_pages(request, client, who, content):
    client.force_login(request.getfixturevalue(who))

    for url in ("/groups/", "/groups/notifications/", "/groups/preferences/", "/groups/new/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/groups/preferences/", {"pref-email": "off"}).status_code == 403
    assert client.get("/groups/nav/").content == b""


def test_an_outsider_sees_no_session(outsider_client, content):
    session = content["session"]

    assert outsider_client.get(f"/groups/sessions/{session.pk}/").status_code == 404
    assert outsider_client.get("/groups/sessions/").status_code == 403
    response = outsider_client.post(
        f"/groups/sessions/{session.pk}/", {"action": "question", "question-text": "x"}
    )
    assert response.status_code == 404


def test_an_outsider_cannot_open_anothers_notification(outsider_client, content):
    note = Notification.objects.first()

    assert outsider_client.post(f"/groups/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_public_is_sent_to_log_in(client, group_urls, content):
    urls = [
        *group_urls,
        "/groups/",
        "/groups/notifications/",
        f"/groups/sessions/{content['session'].pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"
        ), url
    assert client.get("/groups/nav/").content == b""


@pytest.mark.parametrize("who", ["outsider", "supplier"])
def test_the_api_gives_outsiders_and_suppliers_nothing(request, client, who, api_urls, content):
    client.force_login(request.getfixturevalue(who))
    before = stored()

    mine = client.get("/api/v1/groups/")
    assert mine.status_code == 200 and mine.json()["count"] == 0
    for url in api_urls:
        assert client.get(url).status_code == 404, url
    thread = content["thread"]
    response = client.post(
        f"/api/v1/groups/threads/{thread.pk}/posts/",
        {"body": "Hallo"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert stored() == before


def test_the_api_refuses_the_public(client, api_urls):
    for url in ["/api/v1/groups/", *api_urls]:
        assert client.get(url).status_code in (401, 403), url


def test_a_member_of_another_member_board_sees_every_page(colleague_client, group_urls, content):
    for url in group_urls[:-1]:  # planning a session is staff's
        response = colleague_client.get(url)
        assert response.status_code == (403 if "format=csv" in url else 200), url
    assert colleague_client.get(group_urls[-1]).status_code == 403
