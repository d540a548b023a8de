from datetime import date

import factory

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.registry.constants import SectorType
from bundel.registry.models import Board, Location, PupilCount, School


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    duo_number = factory.Sequence(lambda n: f"{50000 + n:05d}")
    name = factory.Sequence(lambda n: f"Stichting Testonderwijs {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    brin = factory.Sequence(lambda n: f"T{n % 1000:03d}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    school = factory.SubFactory(SchoolFactory)
    board = factory.SubFactory(BoardFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.school.brin}{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Basisschool De Toets {n}")
    sector_type = SectorType.BO
    place = "UTRECHT"
    province = "Utrecht"


class PupilCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilCount

    location = factory.SubFactory(LocationFactory)
    board = factory.LazyAttribute(lambda o: o.location.board)
    count_date = date(2019, 10, 1)
    sector_type = factory.LazyAttribute(lambda o: o.location.sector_type)
    pupils = 200


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    role = Role.BOARD_CONTACT
    board = factory.SubFactory(BoardFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = Role.STAFF
    board = None
    is_staff = True


class AgreementVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "membership.AgreementVersion"

    kind = "membership"
    version = "2026.1"
    valid_from = date(2026, 1, 1)
    summary = "Rights and obligations of members of the cooperative."


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership as stored; tests of transitions go through the services instead."""

    class Meta:
        model = "membership.Membership"

    board = factory.SubFactory(BoardFactory)
    state = "applied"
    applied_on = date(2026, 1, 15)
