"""The public catalogue and the basic package every member gets; the staff's pages that
keep the catalogue.

The staff pages follow the membership pages: every change is a form whose `run()` calls
a service (`services.py`), so the rules and the audit trail are the admin's too. A
refused change shows the service's message on its form; anyone but staff gets a 403.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bundel.membership.constants import MEMBER_STATES
from bundel.membership.selectors import open_membership
from bundel.membership.views import staff_required

from . import forms, selectors
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


@staff_required
def manage(request):
    """Every group with its products, their lifecycle, capacities and rules."""
    return render(request, "catalogue/manage.html", {"groups": _groups()})


@staff_required
def product_new(request):
    form = forms.ProductCreateForm(request.POST or None, user=request.user, prefix="product_new")
    if request.method == "POST" and form.is_valid():
        try:
            product = form.run()
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, form.message())
            return redirect("catalogue:product_edit", code=product.code)
    return render(request, "catalogue/product_new.html", {"form": form})


@staff_required
def product_edit(request, code: str):
    """A product's fields, capacity options and rules, each changed by its own form."""
    product = get_object_or_404(Product.objects.select_related("group"), code=code)
    bound = None
    if request.method == "POST":
        bound = _post(request, product)
        if bound is None:
            return redirect("catalogue:product_edit", code=product.code)

    def form_for(action: str, target=None):
        if bound and bound[0] == action and bound[1] == (target.pk if target else None):
            return bound[2]
        return _edit_form(request, product, action, target)

    capacities = list(product.capacities.order_by("position", "pk"))
    rules = list(product.rules.select_related("required").order_by("required__code"))
    context = {
        "product": product,
        "product_form": form_for("product"),
        "capacity_rows": [
            (c, form_for("capacity", c), form_for("capacity_delete", c)) for c in capacities
        ],
        "capacity_add_form": form_for("capacity_add"),
        "rule_rows": [(rule, form_for("rule_remove", rule)) for rule in rules],
        "rule_add_form": form_for("rule_add"),
        "required_by": product.required_by.select_related("product").order_by("product__code"),
        "audit": selectors.product_audit_entries(product=product, user=request.user)[:100],
    }
    return render(request, "catalogue/product_edit.html", context)


def _edit_form(request, product: Product, action: str, target=None, data=None):
    form_class, _targets = forms.EDIT_ACTIONS[action]
    prefix = f"{action}-{target.pk}" if target else action
    return form_class(data, user=request.user, product=product, target=target, prefix=prefix)


def _target(product: Product, action: str, pk):
    """The capacity option or rule of `product` a row's form acts on (404 if gone)."""
    related = forms.EDIT_ACTIONS[action][1]
    if related is None:
        return None
    try:
        return getattr(product, related).get(pk=int(pk))
    except (TypeError, ValueError, CapacityOption.DoesNotExist, ProductRule.DoesNotExist):
        raise Http404(_("No such capacity option or rule.")) from None


def _post(request, product: Product):
    """Run the posted form. Returns None when done, else (action, target pk, the bound
    form with its errors)."""
    action = request.POST.get("action", "")
    if action not in forms.EDIT_ACTIONS:
        raise BadRequest(_("Unknown action %(name)r.") % {"name": action})
    target = _target(product, action, request.POST.get("target"))
    form = _edit_form(request, product, action, target, data=request.POST)
    if form.is_valid():
        try:
            form.run()
        except ValidationError as error:  # RuleViolation: the rule's message
            _add_errors(form, error)
        else:
            messages.success(request, form.message())
            return None
    return action, target.pk if target else None, form


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: at the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
