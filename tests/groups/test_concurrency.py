"""Races that only PostgreSQL shows (separate connections at the same moment): two runs
of the digest never send anyone the same posts twice, and a double click on "join"
makes one participant."""

import pytest
from django.core import mail

from bundel.core.errors import StateConflict
from bundel.groups import services
from bundel.groups.models import Digest, Notification, Participant

from ..concurrency import run_at_once

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_digest_runs_at_once_send_each_person_one_email(thread, contact, colleague):
    for person in (contact, colleague):
        services.preference_set(user=person, email="daily", by=person)
    for n in range(3):
        services.post_add(thread=thread, body=f"Bericht {n}", by=colleague)
        services.post_add(thread=thread, body=f"Antwoord {n}", by=contact)
    mail.outbox = []

    for _attempt in range(3):
        outcomes = run_at_once(services.digests_send, services.digests_send)

        assert all(isinstance(o, tuple) for o in outcomes), outcomes
        assert sum(people for people, _posts in outcomes) in (0, 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([contact.email, colleague.email])
    assert sorted(Digest.objects.values_list("posts", flat=True)) == [3, 4]
    assert not Notification.objects.filter(email="digest", digest=None).exists()


def test_a_double_click_on_join_makes_one_participant(group, member, contact):
    for _attempt in range(3):
        Participant.objects.all().delete()

        outcomes = run_at_once(
            lambda: services.group_join(group=group, by=contact),
            lambda: services.group_join(group=group, by=contact),
        )

        assert Participant.objects.filter(group=group, user=contact).count() == 1
        joined = [o for o in outcomes if isinstance(o, Participant)]
        assert joined and all(o.pk == joined[0].pk for o in joined), outcomes
        others = [o for o in outcomes if not isinstance(o, Participant)]
        # by the rule's code: the message is in the site's language (Dutch)
        assert all(isinstance(o, StateConflict) and o.code == "joined" for o in others), others
