"""The group pages for members and staff: what they show and what their forms do."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bundel.groups import services
from bundel.groups.models import (
    DialogueSession,
    Group,
    GroupFile,
    Notification,
    Participant,
    Post,
)

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def text(response) -> str:
    return response.content.decode()


def messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- overview and groups -------------------------------------------------------------------


def test_the_overview_shows_my_groups_first_then_the_others_and_archived(
    client, joined, staff, colleague
):
    services.group_create(name="Regio Noord", kind="region", by=staff)
    old = services.group_create(name="Oud", kind="topic", by=staff)
    services.group_archive(group=old, by=staff)
    client.force_login(colleague)

    response = client.get("/groups/")

    assert [g.name for g in response.context["mine"]] == ["Wifi in het po"]
    assert [g.name for g in response.context["others"]] == ["Regio Noord"]
    assert [g.name for g in response.context["archived"]] == ["Oud"]
    html = text(response)
    assert 'href="/groups/wifi-in-het-po/"' in html and "New group" not in html


def test_staff_create_a_group_on_its_page(staff_client):
    response = staff_client.post(
        "/groups/new/", {"name": "Regio Noord", "kind": "region", "description": "Noorden"}
    )

    assert response.status_code == 302 and response["Location"] == "/groups/regio-noord/"
    assert Group.objects.get().name == "Regio Noord"


def test_a_member_joins_and_starts_a_thread(client, group, member, contact):
    client.force_login(contact)

    response = client.post(f"/groups/{group.slug}/", {"action": "join"}, follow=True)
    assert "You take part in Wifi in het po." in messages(response)
    response = client.post(
        f"/groups/{group.slug}/",
        {"action": "thread", "thread-subject": "Eerste vraag", "thread-body": "Wie weet dit?"},
    )

    thread = group.threads.get()
    assert response["Location"] == f"/groups/{group.slug}/threads/{thread.pk}/"
    assert thread.posts.get().body == "Wie weet dit?"


def test_a_refused_thread_shows_the_rule_and_stores_nothing(client, joined, contact):
    client.force_login(contact)

    response = client.post(
        f"/groups/{joined.slug}/",
        {"action": "thread", "thread-subject": "Leeg", "thread-body": " \u0001\u0002 "},
    )

    assert response.status_code == 200
    assert "The post is empty." in text(response)
    assert not joined.threads.exists()


def test_staff_archive_a_group_on_its_page(staff_client, group):
    response = staff_client.post(f"/groups/{group.slug}/", {"action": "archive"}, follow=True)

    assert "The group Wifi in het po is archived." in messages(response)
    group.refresh_from_db()
    assert group.is_archived
    assert "Join this group" not in text(response)


def test_a_members_group_page_has_no_staff_forms(colleague_client, joined):
    html = text(colleague_client.get(f"/groups/{joined.slug}/"))

    assert "Archive the group" not in html and "Plan a dialogue session" not in html
    assert "Start a thread" in html and "Leave this group" in html
    response = colleague_client.post(f"/groups/{joined.slug}/", {"action": "archive"})
    assert response.status_code == 403
    joined.refresh_from_db()
    assert not joined.is_archived


def test_an_unknown_action_is_a_bad_request(colleague_client, joined):
    assert colleague_client.post(f"/groups/{joined.slug}/", {"action": "x"}).status_code == 400


# -- threads -------------------------------------------------------------------------------


def test_posts_are_shown_escaped_with_http_links(colleague_client, thread, colleague):
    services.post_add(
        thread=thread,
        body='<script>alert("x")</script>\n'
        "Zie https://www.kennisnet.nl/wifi en javascript:alert(1)",
        by=colleague,
    )

    html = text(colleague_client.get(thread.get_absolute_url()))

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>" in html
    assert '<a href="https://www.kennisnet.nl/wifi" rel="nofollow noopener noreferrer ugc">' in html
    assert 'href="javascript' not in html


def test_a_participant_replies(colleague_client, thread):
    response = colleague_client.post(
        thread.get_absolute_url(), {"action": "reply", "reply-body": "Bij ons één per lokaal."}
    )

    post = Post.objects.get(body="Bij ons één per lokaal.")
    assert response["Location"] == f"{thread.get_absolute_url()}?post={post.pk}#post-{post.pk}"


def test_a_reply_over_the_length_is_refused_on_the_form(settings, colleague_client, thread):
    settings.GROUPS_POST_MAX_LENGTH = 10

    response = colleague_client.post(
        thread.get_absolute_url(), {"action": "reply", "reply-body": "x" * 11}
    )

    assert "The post has 11 characters; at most 10 are allowed." in text(response)
    assert thread.posts.count() == 1


def test_staff_hide_a_post_and_members_see_only_the_reason(client, thread, staff, colleague):
    post = thread.posts.get()
    client.force_login(staff)
    response = client.post(
        thread.get_absolute_url(),
        {"action": "hide", "post": post.pk, f"hide-{post.pk}-reason": "Persoonsgegevens"},
    )
    assert response.status_code == 302
    assert "Hoeveel hebben jullie?" in text(client.get(thread.get_absolute_url()))  # staff

    client.force_login(colleague)
    html = text(client.get(thread.get_absolute_url()))

    assert "Hidden by a moderator: Persoonsgegevens" in html
    assert "Hoeveel hebben jullie?" not in html


def test_reading_a_thread_marks_its_notifications_read(colleague_client, thread, colleague):
    assert Notification.objects.get(user=colleague).read_at is None

    colleague_client.get(thread.get_absolute_url())

    assert Notification.objects.get(user=colleague).read_at is not None


def test_a_link_to_a_post_opens_the_page_it_is_on(settings, colleague_client, thread, contact):
    settings.LIST_PAGE_SIZE = 2
    posts = [services.post_add(thread=thread, body=f"Bericht {n}", by=contact) for n in range(4)]

    response = colleague_client.get(f"{thread.get_absolute_url()}?post={posts[2].pk}")

    assert response.context["page"].number == 2
    # the thread's first post, then Bericht 0-3, two a page
    assert [p.body for p in response.context["page"]] == ["Bericht 1", "Bericht 2"]


# -- files ---------------------------------------------------------------------------------


def test_a_participant_uploads_and_another_member_downloads(client, joined, contact, colleague):
    client.force_login(contact)
    response = client.post(
        f"/groups/{joined.slug}/files/",
        {
            "action": "upload",
            "file-file": SimpleUploadedFile("verslag.docx", files.DOCX),
            "file-description": "Verslag",
        },
    )
    assert response.status_code == 302
    stored_file = GroupFile.objects.get()

    client.force_login(colleague)
    response = client.get(f"/groups/{joined.slug}/files/{stored_file.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.DOCX
    assert response["Content-Disposition"] == 'attachment; filename="verslag.docx"'
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_text_that_looks_like_html_is_downloaded_as_plain_text(client, joined, contact):
    stored_file = services.file_upload(
        group=joined,
        upload=SimpleUploadedFile("pagina.html", b"<script>alert(1)</script>"),
        by=contact,
    )
    client.force_login(contact)

    response = client.get(stored_file.get_absolute_url())

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pagina.txt"'


def test_a_refused_upload_shows_the_rule(client, joined, contact):
    client.force_login(contact)

    response = client.post(
        f"/groups/{joined.slug}/files/",
        {"action": "upload", "file-file": SimpleUploadedFile("x.pdf", files.EXE)},
    )

    assert response.status_code == 200
    assert "“x.pdf” is not accepted: by its content it is of the type “program" in text(response)
    assert not GroupFile.objects.exists()


def test_only_the_uploader_or_staff_see_the_remove_button_and_may_remove(
    client, joined, contact, colleague
):
    stored_file = services.file_upload(
        group=joined, upload=SimpleUploadedFile("a.png", files.PNG), by=contact
    )
    client.force_login(colleague)
    assert 'value="remove"' not in text(client.get(f"/groups/{joined.slug}/files/"))
    response = client.post(
        f"/groups/{joined.slug}/files/", {"action": "remove", "file": stored_file.pk}
    )
    assert response.status_code == 403
    assert GroupFile.objects.exists()

    client.force_login(contact)
    client.post(f"/groups/{joined.slug}/files/", {"action": "remove", "file": stored_file.pk})
    assert not GroupFile.objects.exists()


# -- participants --------------------------------------------------------------------------


def test_staff_download_the_participants(staff_client, joined):
    response = staff_client.get(f"/groups/{joined.slug}/participants/?format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "E-mail", "Role", "DUO number", "Board", "Joined"]
    assert sorted((r[1], r[3]) for r in rows[1:]) == [
        ("colleague@example.test", "20001"),
        ("contact@example.test", "41211"),
    ]


def test_the_participants_export_dates_joining_by_the_local_day(staff_client, joined, contact):
    """Joined at 23:30 UTC on 1 March: 2 March in Amsterdam."""
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    Participant.objects.filter(group=joined, user=contact).update(joined_at=late)

    response = staff_client.get(f"/groups/{joined.slug}/participants/?format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    joined_on = {r[1]: r[5] for r in rows[1:]}
    assert joined_on["contact@example.test"] == "2026-03-02"


# -- dialogue sessions ---------------------------------------------------------------------


@pytest.fixture
def session(joined, staff, supplier, contact):
    planned = services.session_plan(
        group=joined,
        title="Dialoog wifi-aanbod",
        supplier_name="Demo Netwerken B.V.",
        starts_at=timezone.now() + timedelta(days=7),
        place="Utrecht",
        agenda="1. Opening\n2. Zie https://example.test/agenda",
        suppliers=[supplier],
        by=staff,
    )
    services.question_ask(session=planned, text="Is beheer inbegrepen?", by=contact)
    return planned


def test_staff_plan_a_session_on_its_page(staff_client, joined, supplier):
    when = (timezone.localtime() + timedelta(days=10)).replace(second=0, microsecond=0)

    response = staff_client.post(
        f"/groups/{joined.slug}/sessions/new/",
        {
            "title_field": "Dialoog",
            "supplier_name": "Demo Netwerken B.V.",
            "suppliers": [supplier.pk],
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "Online",
            "agenda": "1. Opening",
        },
    )

    session = DialogueSession.objects.get()
    assert response["Location"] == f"/groups/sessions/{session.pk}/"
    assert session.starts_at == when and list(session.suppliers.all()) == [supplier]


def test_the_invited_supplier_sees_agenda_and_questions_but_not_who_asked(
    supplier_client, session, contact
):
    assert supplier_client.get("/groups/sessions/").status_code == 200
    response = supplier_client.get(f"/groups/sessions/{session.pk}/")

    html = text(response)
    assert "Is beheer inbegrepen?" in html
    assert '<a href="https://example.test/agenda"' in html
    assert contact.last_name not in html and "41211" not in html
    assert f'href="/groups/{session.group.slug}/"' not in html
    assert "Ask a question" not in html


def test_members_see_who_asked_and_ask_their_own_question(colleague_client, session, contact):
    html = text(colleague_client.get(f"/groups/sessions/{session.pk}/"))
    assert contact.last_name in html and "Ask a question" in html

    colleague_client.post(
        f"/groups/sessions/{session.pk}/",
        {"action": "question", "question-text": "En in de vakanties?"},
    )

    assert list(session.questions.values_list("text", flat=True)) == [
        "Is beheer inbegrepen?",
        "En in de vakanties?",
    ]


def test_the_supplier_does_not_see_the_notes(client, supplier, colleague, session, staff):
    DialogueSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    services.session_record_notes(session=session, notes="Vertrouwelijk verslag", by=staff)

    client.force_login(colleague)
    assert "Vertrouwelijk verslag" in text(client.get(f"/groups/sessions/{session.pk}/"))
    client.force_login(supplier)
    assert "Vertrouwelijk verslag" not in text(client.get(f"/groups/sessions/{session.pk}/"))


# -- notifications -------------------------------------------------------------------------


def test_notifications_are_listed_and_marked_read(colleague_client, thread, contact, colleague):
    services.post_add(thread=thread, body="Tweede", by=contact)

    response = colleague_client.get("/groups/notifications/")
    assert response.context["unread"] == 2
    assert len(re.findall(r'class="notification unread"', text(response))) == 2

    note = Notification.objects.filter(user=colleague).first()
    response = colleague_client.post(f"/groups/notifications/{note.pk}/open/")
    assert (
        response["Location"]
        == f"{thread.get_absolute_url()}?post={note.post_id}#post-{note.post_id}"
    )
    note.refresh_from_db()
    assert note.read_at is not None

    colleague_client.post("/groups/notifications/", {"all": "1"})
    assert not Notification.objects.filter(user=colleague, read_at=None).exists()


def test_a_person_chooses_how_to_be_emailed(colleague_client, colleague):
    response = colleague_client.post("/groups/preferences/", {"pref-email": "immediately"})

    assert response.status_code == 302
    assert colleague.group_preference.email == "immediately"


def test_the_nav_link_shows_the_unread_count(colleague_client, thread, contact):
    services.post_add(thread=thread, body="Tweede", by=contact)

    html = text(colleague_client.get("/groups/nav/"))

    assert 'href="/groups/"' in html and 'data-unread="2"' in html
    assert 'class="groups-unread"' in html and "/static/groups/nav.css" in html
    assert 'aria-current="page"' in text(colleague_client.get("/groups/nav/?current=1"))


def test_every_page_loads_the_nav_link_for_staff_and_board_people_only(
    client, staff, supplier, colleague, db
):
    placeholder = 'hx-get="/groups/nav/"'
    assert placeholder not in text(client.get("/catalogue/"))
    for person, expected in ((staff, True), (colleague, True), (supplier, False)):
        client.force_login(person)
        assert (placeholder in text(client.get("/catalogue/"))) is expected, person


def test_staff_get_the_notes_form_only_once_the_session_has_started(staff_client, session):
    url = f"/groups/sessions/{session.pk}/"
    html = text(staff_client.get(url))
    assert "Notes of the session" not in html and "Cancel the session" in html

    DialogueSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    response = staff_client.post(url, {"action": "notes", "notes-notes": "Offerte volgt."})

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.state, session.notes) == ("held", "Offerte volgt.")
    assert "Notes of the session" in text(staff_client.get(url))  # notes may be corrected
