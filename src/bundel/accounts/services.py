"""Creating accounts. Roles decide what a user may do; see docs/architecture.md."""

from django.db import transaction

from bundel.audit.services import audit_log

from .constants import Role
from .models import User


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    by=None,
    board=None,
    organisation: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User(
        username=username,
        email=email,
        role=role,
        board=board,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.STAFF,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_log(
        action="accounts.user.created",
        obj=user,
        actor=by,
        data={"role": role, "board": board.duo_number if board else None},
    )
    return user
