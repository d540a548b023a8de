"""Django's model backend, reading a request's user together with their board: the site
header names a board contact's board on every page, and most pages ask which board the
user acts for (one query per request instead of two)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("board")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
