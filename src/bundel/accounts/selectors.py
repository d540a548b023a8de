from django.db.models import QuerySet

from .models import User


def users_visible_to(user) -> QuerySet[User]:
    """Staff see every account; anyone else only their own."""
    if user is None or not user.is_authenticated:
        return User.objects.none()
    if user.is_cooperative_staff:
        return User.objects.select_related("board")
    return User.objects.filter(pk=user.pk)
