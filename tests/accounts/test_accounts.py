"""Logging in and out, password reset by e-mail, and the rules of roles."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.accounts.selectors import users_visible_to
from bundel.accounts.services import user_create
from bundel.audit.models import AuditEntry


@pytest.mark.django_db
def test_login_and_logout(client, contact):
    response = client.post(
        "/accounts/login/", {"username": "contact", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == contact

    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_wrong_password_is_refused(client, contact):
    response = client.post("/accounts/login/", {"username": "contact", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_password_reset_by_email(client, contact):
    client.post("/accounts/password_reset/", {"email": contact.email})

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link).url
    client.post(
        form_url, {"new_password1": "a-new-long-pass-2026", "new_password2": "a-new-long-pass-2026"}
    )
    contact.refresh_from_db()
    assert contact.check_password("a-new-long-pass-2026")


@pytest.mark.django_db
def test_board_contact_must_act_for_a_board():
    with pytest.raises(ValidationError) as caught:
        user_create(
            username="x",
            email="x@example.test",
            password="pw-long-enough-1",
            role=Role.BOARD_CONTACT,
        )
    assert "board" in caught.value.message_dict
    with pytest.raises(IntegrityError):
        User.objects.create(username="y", email="y@example.test", role=Role.BOARD_CONTACT)


@pytest.mark.django_db
def test_user_create_is_audited(staff, board):
    user = user_create(
        username="new",
        email="new@example.test",
        password="pw-long-enough-1",
        role=Role.BOARD_CONTACT,
        board=board,
        by=staff,
    )

    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert (entry.object_id, entry.actor, entry.data) == (
        str(user.pk),
        staff,
        {"role": "board_contact", "board": "41211"},
    )


@pytest.mark.django_db
def test_only_staff_see_other_accounts(staff, contact, outsider):
    assert set(users_visible_to(staff)) == {staff, contact, outsider}
    assert list(users_visible_to(contact)) == [contact]
    assert list(users_visible_to(outsider)) == [outsider]


@pytest.mark.django_db
def test_only_staff_reach_the_admin(client, contact, staff):
    client.force_login(contact)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
