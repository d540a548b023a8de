"""The framework contracts' pages: the list (what each person may see, see `selectors`),
a contract's page with its rates, headroom, participants, call-offs and actions, and the
staff form that makes a contract from an awarded lot.

Every change is a form whose `run()` calls a service, so the rules and the audit trail
are the API's and the admin's too. A contract a person may not see answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.core.exports import FORMATS, export_response
from bundel.core.forms import run_action
from bundel.membership.views import staff_required

from . import forms, selectors
from .constants import ContractStatus
from .models import FrameworkContract


def _visible_contract(user, pk) -> FrameworkContract:
    try:
        return selectors.contract_detail(user=user, pk=int(pk))
    except (TypeError, ValueError, FrameworkContract.DoesNotExist):
        raise Http404(_("No such framework contract.")) from None


def contract_list(request):
    user = request.user
    status = request.GET.get("status", "")
    if status not in ContractStatus.values:
        status = ""
    contracts = selectors.contracts_list(user=user, status=status)
    is_staff = user.is_authenticated and user.is_cooperative_staff
    fmt = request.GET.get("format")
    if fmt in FORMATS and is_staff:
        return _export(fmt, contracts)
    page = Paginator(contracts, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    sees_any = is_staff or page.paginator.count > 0
    context = {
        "page": page,
        "status": status,
        "statuses": ContractStatus.choices,
        "query": f"status={status}" if status else "",
        "is_staff": is_staff,
        "rows": [(contract, contract.status(today)) for contract in page],
        "running_count": None if sees_any else selectors.running_count(),
    }
    return render(request, "contracts/list.html", context)


def _export(fmt: str, contracts):
    today = timezone.localdate()
    header = [
        _("Reference"),
        _("Tender"),
        _("Lot"),
        _("Supplier"),
        _("Signed on"),
        _("Starts on"),
        _("Ends on"),
        _("Status"),
        _("Maximum in"),
        _("Maximum"),
        _("Used"),
        _("Headroom"),
        _("Boards taking part"),
        _("Rates"),
    ]
    rows = (
        [
            c.reference,
            c.lot.tender.title,
            str(c.lot),
            c.supplier_name,
            c.signed_on,
            c.starts_on,
            c.ends_on,
            c.status(today).label,
            c.get_maximum_kind_display(),
            c.maximum,
            c.used,
            c.headroom,
            c.participant_count,
            c.rate_count,
        ]
        for c in contracts
    )
    return export_response(fmt, filename="raamovereenkomsten", header=header, rows=rows)


@staff_required
def contract_new(request):
    form = forms.ContractForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contract = form.run()
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(
                request, _("The framework contract %(ref)s is made.") % {"ref": contract.reference}
            )
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/form.html", {"form": form})


def _actions(user, contract: FrameworkContract, today) -> dict[str, type]:
    """The actions this person may take on the contract now (the services still decide)."""
    status = contract.status(today)
    if not user.is_authenticated or status == ContractStatus.ENDED:
        return {}
    if user.is_cooperative_staff:
        actions = {"join": forms.JoinForm, "rate": forms.RateForm}
        if status == ContractStatus.RUNNING and contract.rate_count:
            actions["call_off"] = forms.CallOffForm
        return actions
    if not (user.is_board_contact and selectors.board_is_member(user.board_id)):
        return {}
    if not contract.takes_part:
        return {"join": forms.JoinForm}
    if status == ContractStatus.RUNNING and contract.rate_count:
        return {"call_off": forms.CallOffForm}
    return {}


def contract_detail(request, pk: int):
    user = request.user
    contract = _visible_contract(user, pk)
    today = timezone.localdate()
    allowed = _actions(user, contract, today)
    bound = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in allowed:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
        bound = allowed[name](request.POST, user=user, contract=contract, prefix=name)
        if run_action(request, bound):
            return redirect("contracts:detail", pk=contract.pk)
    actions = [
        bound
        if bound is not None and bound.prefix == name
        else form(user=user, contract=contract, prefix=name)
        for name, form in allowed.items()
    ]
    rates = [
        (rate, rate.capacity.monthly_price, _saving(rate.monthly_rate, rate.capacity.monthly_price))
        for rate in contract.rates.all()
    ]
    context = {
        "contract": contract,
        "status": contract.status(today),
        "rates": rates,
        "participants": selectors.contract_participants(contract=contract, user=user),
        "call_offs": selectors.contract_call_offs(contract=contract, user=user)[:200],
        "actions": actions,
        "is_staff": user.is_authenticated and user.is_cooperative_staff,
        "audit": selectors.contract_audit_entries(contract=contract, user=user)[:100],
    }
    return render(request, "contracts/detail.html", context)


def _saving(rate, price):
    """How much lower than the catalogue price the rate is, in percent (None: not lower)."""
    if not price or rate >= price:
        return None
    return round((price - rate) * 100 / price, 1)
