"""New posts reach the group's participants: in the app always, by e-mail as each chose
(immediately after commit, in the daily digest, or not), and `groups_digest` sends each
digest once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from bundel.audit.models import AuditEntry
from bundel.groups import services
from bundel.groups.models import Digest, GroupPreference, Notification

from ..factories import BoardFactory, UserFactory
from .conftest import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def post(thread, by, body="Nieuw bericht", capture=None):
    if capture is None:
        return services.post_add(thread=thread, body=body, by=by)
    with capture(execute=True):
        return services.post_add(thread=thread, body=body, by=by)


def prefer(user, email: str) -> None:
    services.preference_set(user=user, email=email, by=user)


def test_every_other_participant_who_may_read_is_notified(thread, contact, colleague, staff, board):
    services.group_join(group=thread.group, by=staff)
    left = UserFactory(board=board, username="left")
    services.group_join(group=thread.group, by=left)
    services.group_leave(group=thread.group, by=left)
    ended_board = BoardFactory(duo_number="30003")
    ended = UserFactory(board=ended_board, username="ended")
    membership = make_member(ended_board)
    services.group_join(group=thread.group, by=ended)
    membership.state = "ended"
    membership.save()
    Notification.objects.all().delete()

    new = post(thread, colleague)

    notified = set(Notification.objects.filter(post=new).values_list("user__username", flat=True))
    assert notified == {"contact", "staff"}  # not the author, not who left, not an ended member


def test_immediately_sends_one_email_per_person_after_commit(
    thread, contact, colleague, settings, mailoutbox, django_capture_on_commit_callbacks
):
    prefer(contact, "immediately")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = services.post_add(
            thread=thread, body="Zie https://x.test/wifi <b>nu</b>", by=colleague
        )
        assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [contact.email]
    assert mail.subject == "[Bundel] Wifi in het po: Access points per lokaal"
    assert "Zie https://x.test/wifi <b>nu</b>" in mail.body  # plain text e-mail, as typed
    assert (
        f"{settings.SITE_URL}/groups/wifi-in-het-po/threads/{thread.pk}/?post={new.pk}" in mail.body
    )
    assert f"{settings.SITE_URL}/groups/preferences/" in mail.body
    assert Notification.objects.get(user=contact, post=new).email == "immediate"


def test_a_refused_post_sends_nothing(
    thread, contact, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    prefer(contact, "immediately")
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="empty"):
        services.post_add(thread=thread, body=" ", by=colleague)

    assert mailoutbox == []
    assert Notification.objects.count() == before


def test_emails_are_written_in_the_sites_language(
    thread, contact, colleague, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "nl"
    prefer(contact, "immediately")

    with translation.override("en"):  # whoever posts, in whatever language
        post(thread, colleague, capture=django_capture_on_commit_callbacks)

    with translation.override("nl"):
        expected = translation.gettext("Read and reply:")
    assert expected in mailoutbox[0].body


def test_daily_and_off_send_nothing_at_once(
    thread, contact, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    prefer(contact, "off")
    new = post(thread, colleague, capture=django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert Notification.objects.get(user=contact, post=new).email == "none"


def test_the_default_preference_is_a_setting(settings, thread, contact, colleague):
    settings.GROUPS_EMAIL_DEFAULT = "daily"
    first = post(thread, colleague)
    settings.GROUPS_EMAIL_DEFAULT = "off"
    second = post(thread, colleague)

    emails = dict(Notification.objects.filter(user=contact).values_list("post", "email"))
    assert (emails[first.pk], emails[second.pk]) == ("digest", "none")


def test_a_preference_is_one_of_the_choices_and_only_ones_own(contact, colleague):
    with pytest.raises(Exception, match="not a valid choice"):
        services.preference_set(user=contact, email="weekly", by=contact)
    with pytest.raises(Exception, match="Only you"):
        services.preference_set(user=contact, email="off", by=colleague)

    prefer(contact, "immediately")
    assert GroupPreference.objects.get(user=contact).email == "immediately"
    assert AuditEntry.objects.get(action="groups.preference.changed").changes == {
        "email": ["daily", "immediately"]
    }


def test_leaving_the_digest_drops_what_waited_for_it(thread, contact, colleague):
    prefer(contact, "daily")
    post(thread, colleague)
    prefer(contact, "off")

    assert not Notification.objects.filter(user=contact, email="digest").exists()
    assert Notification.objects.filter(user=contact).count() == 1  # still shown in the app


# -- the daily digest ------------------------------------------------------------------------


def digest() -> str:
    out = StringIO()
    call_command("groups_digest", stdout=out)
    return out.getvalue().strip()


def test_the_digest_sends_each_person_one_email_once(thread, contact, colleague, staff, mailoutbox):
    prefer(contact, "daily")
    prefer(colleague, "daily")
    first = post(thread, colleague, "Eerste bericht")
    second = post(thread, colleague, "Tweede bericht")
    post(thread, contact, "Antwoord van contact")

    assert digest() == "Digests sent: 2 e-mail(s), 4 post(s)."
    by_person = {m.to[0]: m for m in mailoutbox}
    assert set(by_person) == {contact.email, colleague.email}
    body = by_person[contact.email].body
    assert by_person[contact.email].subject == "[Bundel] 2 new posts in your groups"
    assert "Eerste bericht" in body and "Tweede bericht" in body
    assert body.index("Eerste bericht") < body.index("Tweede bericht")
    assert "Antwoord van contact" not in body  # not one's own posts
    assert f"?post={first.pk}" in body and f"?post={second.pk}" in body
    other = by_person[colleague.email].body
    assert "Hoeveel hebben jullie?" in other and "Antwoord van contact" in other
    assert "Eerste bericht" not in other

    assert digest() == "Digests sent: 0 e-mail(s), 0 post(s)."  # idempotent
    assert len(mailoutbox) == 2
    assert Digest.objects.get(user=contact).posts == 2
    assert AuditEntry.objects.filter(action="groups.digest.sent").count() == 2

    post(thread, colleague, "Derde bericht")
    assert digest() == "Digests sent: 1 e-mail(s), 1 post(s)."
    assert "Derde bericht" in mailoutbox[-1].body and "Eerste bericht" not in mailoutbox[-1].body


def test_a_hidden_post_is_left_out_of_the_digest(thread, contact, colleague, staff, mailoutbox):
    prefer(contact, "daily")
    hidden = post(thread, colleague, "Wordt verborgen")
    post(thread, colleague, "Blijft staan")
    services.post_hide(post=hidden, reason="Reclame", by=staff)

    services.digest_send(user=contact)

    assert len(mailoutbox) == 1
    assert "Blijft staan" in mailoutbox[0].body and "Wordt verborgen" not in mailoutbox[0].body


def test_people_of_a_board_that_left_the_cooperative_get_no_digest(
    thread, contact, colleague, member, mailoutbox
):
    prefer(contact, "daily")
    post(thread, colleague, "Na het einde")
    member.state = "ended"
    member.save()

    assert services.digest_send(user=contact) == 0

    assert mailoutbox == []
    assert not Notification.objects.filter(user=contact, email="digest", digest=None).exists()


def test_a_failing_mail_server_leaves_the_digest_for_the_next_run(
    thread, contact, colleague, mailoutbox, monkeypatch
):
    prefer(contact, "daily")
    post(thread, colleague)

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    with pytest.raises(ConnectionRefusedError):
        services.digest_send(user=contact)
    assert not Digest.objects.exists()
    monkeypatch.undo()

    assert services.digest_send(user=contact) == 1
    assert len(mailoutbox) == 1
