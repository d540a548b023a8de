"""A board's membership and fee where the board is shown (e.g. its registry page), for
those who may see it: staff, and the board's own contacts."""

from django import template
from django.utils import timezone

from bundel.membership import selectors

register = template.Library()


@register.inclusion_tag("membership/_board_summary.html", takes_context=True)
def board_membership(context, board):
    user = context["request"].user
    membership = (
        selectors.memberships_visible_to(user).filter(board=board).order_by("-created_at").first()
    )
    may_see = user.is_authenticated and (user.is_cooperative_staff or user.board_id == board.pk)
    if not may_see:
        return {"show": False}
    year = timezone.localdate().year
    return {
        "show": True,
        "membership": membership,
        "fee": selectors.fee_for_pupils(getattr(board, "current_pupils", None), year),
        "is_staff": user.is_cooperative_staff,
    }
