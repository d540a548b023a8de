"""Rows of the groups app as stored, for set-ups that need many (the query-count tests);
behaviour is tested through the services."""

from datetime import timedelta

import factory
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.groups.models import Notification, Participant, Post, Thread

from ..factories import UserFactory


class SupplierFactory(UserFactory):
    role = Role.SUPPLIER
    board = None
    organisation = "Demo Netwerken B.V."


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    title = factory.Sequence(lambda n: f"Onderwerp {n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    body = factory.Sequence(lambda n: f"Bericht {n} met https://example.test/{n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    joined_at = factory.LazyFunction(timezone.now)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = "post"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Group"

    name = factory.Sequence(lambda n: f"Groep {n}")
    slug = factory.Sequence(lambda n: f"groep-{n}")
    kind = "topic"
    description = "Een groep"


class GroupFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.GroupFile"

    file = factory.Sequence(lambda n: f"groups/test/{n}.pdf")
    name = factory.Sequence(lambda n: f"Document {n}.pdf")
    kind = "pdf"
    size = 1234


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.DialogueSession"

    title = factory.Sequence(lambda n: f"Dialoog {n}")
    supplier_name = "Demo Netwerken B.V."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    place = "Utrecht"
    agenda = "1. Opening"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.DialogueQuestion"

    text = factory.Sequence(lambda n: f"Vraag {n}?")
