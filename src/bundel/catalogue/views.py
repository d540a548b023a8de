"""The public catalogue and the basic package every member gets."""

from django.db.models import Prefetch
from django.shortcuts import render

from bundel.membership.constants import MEMBER_STATES
from bundel.membership.selectors import open_membership

from .constants import GroupStatus
from .models import CapacityOption, Product, ProductGroup, ProductRule


def _groups():
    """Every group with its products, their capacities and rules: four queries."""
    products = Product.objects.prefetch_related(
        Prefetch("capacities", queryset=CapacityOption.objects.order_by("position", "pk")),
        Prefetch("rules", queryset=ProductRule.objects.select_related("required")),
    )
    return ProductGroup.objects.prefetch_related(Prefetch("products", queryset=products))


def index(request):
    groups = list(_groups())
    context = {
        "offered": [g for g in groups if g.status == GroupStatus.OFFERED],
        "exploring": [g for g in groups if g.status == GroupStatus.EXPLORING],
    }
    return render(request, "catalogue/index.html", context)


def basic_package(request):
    user = request.user
    board = user.board if user.is_authenticated and user.board_id else None
    membership = open_membership(board) if board else None
    context = {"board": board, "is_member": bool(membership and membership.state in MEMBER_STATES)}
    return render(request, "catalogue/basic_package.html", context)
