"""The contracts' forms: the staff form that makes a contract from an awarded lot (with
its rates and the boards taking part from the start), and the actions on a contract's
page (join, call off, set a rate). Each `run()` calls a service."""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.catalogue.models import CapacityOption
from bundel.core.errors import RuleViolation
from bundel.core.forms import DateInput, ServiceActionForm
from bundel.registry.models import Board
from bundel.tenders.models import Lot

from . import services
from .constants import AWARDED_STATES, QUANTITY_KINDS, MaximumKind
from .models import FrameworkContract

RATE_ROWS = 10
CALL_OFF_ROWS = 4


def _money(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
        **kwargs,
    )


def add_errors(form: forms.Form, error) -> None:
    """A service's refusal on the form: at the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _boards(text: str) -> list[Board]:
    numbers = [n for n in re.split(r"[\s,;]+", text or "") if n]
    found = {b.duo_number: b for b in Board.objects.filter(duo_number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise forms.ValidationError(
            _("No board with DUO number %(numbers)s.") % {"numbers": ", ".join(missing)}
        )
    return [found[n] for n in dict.fromkeys(numbers)]


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, lot: Lot) -> str:
        return f"{lot.tender.title}: {_('lot')} {lot} ({lot.tender.get_state_display()})"


class ContractForm(forms.Form):
    """A new framework contract: `run()` calls `services.contract_create`."""

    lot = LotChoiceField(
        label=_lazy("Awarded lot"),
        queryset=Lot.objects.none(),
        help_text=_lazy(
            "Lots of tenders in their standstill period or contracted, without a contract."
        ),
    )
    supplier_name = forms.CharField(
        label=_lazy("Supplier"),
        max_length=200,
        required=False,
        help_text=_lazy("Left empty: the organisation of the supplier account."),
    )
    supplier_user = forms.ModelChoiceField(
        label=_lazy("Supplier account"),
        queryset=User.objects.filter(role=Role.SUPPLIER, is_active=True).order_by("organisation"),
        required=False,
        help_text=_lazy("Optional: this login then sees the contract."),
    )
    signed_on = forms.DateField(label=_lazy("Signed on"), widget=DateInput())
    starts_on = forms.DateField(label=_lazy("Starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_lazy("Ends on"),
        widget=DateInput(),
        help_text=_lazy("The last day; at most 4 years after the start."),
    )
    maximum_kind = forms.ChoiceField(label=_lazy("Maximum in"), choices=MaximumKind.choices)
    maximum_value = _money(_lazy("Maximum value (EUR)"), required=False, min_value=Decimal("0.01"))
    maximum_quantity = forms.IntegerField(
        label=_lazy("Maximum quantity"), required=False, min_value=1
    )
    boards = forms.CharField(
        label=_lazy("Boards taking part from the start"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("DUO numbers of member boards, separated by spaces or commas."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["lot"].queryset = (
            Lot.objects.filter(tender__state__in=AWARDED_STATES, contract__isnull=True)
            .select_related("tender")
            .order_by("tender__title", "number")
        )
        self.fields["ends_on"].help_text = _(
            "The last day; at most %(years)s years after the start."
        ) % {"years": settings.CONTRACT_MAX_YEARS}
        self.initial.setdefault("signed_on", timezone.localdate())
        capacities = CapacityOption.objects.select_related("product").order_by(
            "product__group__position", "product__position", "position"
        )
        self.capacities = {str(c.pk): c for c in capacities}
        choices = [("", "---------")] + [
            (
                str(c.pk),
                f"{c.product.name}: {c.label} "
                + _("(catalogue EUR %(price)s)") % {"price": c.monthly_price},
            )
            for c in capacities
        ]
        for i in range(RATE_ROWS):
            self.fields[f"rate_{i}_capacity"] = forms.ChoiceField(
                label=_lazy("Product and capacity"), choices=choices, required=False
            )
            self.fields[f"rate_{i}_capacity"].widget.attrs["aria-label"] = _(
                "Rate %(n)s: product and capacity"
            ) % {"n": i + 1}
            self.fields[f"rate_{i}_rate"] = _money(_lazy("Rate per month (EUR)"), required=False)
            self.fields[f"rate_{i}_rate"].widget.attrs["aria-label"] = _(
                "Rate %(n)s: per month (EUR)"
            ) % {"n": i + 1}

    def contract_fields(self):
        names = ["lot", "supplier_name", "supplier_user", "signed_on", "starts_on", "ends_on"]
        return [self[name] for name in names]

    def scope_fields(self):
        return [
            self[name] for name in ("maximum_kind", "maximum_value", "maximum_quantity", "boards")
        ]

    def rate_rows(self):
        return [(self[f"rate_{i}_capacity"], self[f"rate_{i}_rate"]) for i in range(RATE_ROWS)]

    def clean_boards(self):
        return _boards(self.cleaned_data.get("boards", ""))

    def clean(self):
        data = super().clean()
        self.rates = []
        for i in range(RATE_ROWS):
            chosen, rate = data.get(f"rate_{i}_capacity"), data.get(f"rate_{i}_rate")
            if not chosen:
                if rate is not None:
                    self.add_error(f"rate_{i}_capacity", _("Choose the product and capacity."))
                continue
            if rate is None:
                self.add_error(f"rate_{i}_rate", _("Give the rate."))
                continue
            self.rates.append(services.RateInput(self.capacities[chosen], rate))
        if data.get("maximum_kind") in QUANTITY_KINDS:
            data["maximum_value"] = None
        else:
            data["maximum_quantity"] = None
        return data

    def run(self) -> FrameworkContract:
        data = self.cleaned_data
        return services.contract_create(
            lot=data["lot"],
            by=self.user,
            supplier_name=data["supplier_name"],
            supplier_user=data["supplier_user"],
            signed_on=data["signed_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            maximum_kind=data["maximum_kind"],
            maximum_value=data["maximum_value"],
            maximum_quantity=data["maximum_quantity"],
            rates=self.rates,
            boards=data["boards"],
        )


# --- actions on a contract's page -------------------------------------------------------


class ContractActionForm(ServiceActionForm):
    name = ""

    def __init__(self, data=None, *, user, contract, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.contract = user, contract
        if user.is_cooperative_staff:
            self.fields["board"] = forms.CharField(
                label=_lazy("Board (DUO number)"),
                max_length=5,
                widget=forms.TextInput(attrs={"size": 6}),
            )
            self.order_fields(["board"])

    def board(self) -> Board:
        if not self.user.is_cooperative_staff:
            return self.user.board
        number = self.cleaned_data["board"].strip()
        board = Board.objects.filter(duo_number=number).first()
        if board is None:
            raise RuleViolation(_("No board with DUO number %(numbers)s.") % {"numbers": number})
        return board


class JoinForm(ContractActionForm):
    name = "join"
    template = "core/_action.html"
    title = _lazy("Join this contract")
    description = _lazy(
        "Your board takes part from today and orders at the contract's rates, while the "
        "contract's maximum leaves room."
    )
    submit_label = _lazy("Join")
    done = _lazy("The board takes part in the contract.")

    def run(self):
        return services.contract_join(contract=self.contract, board=self.board(), by=self.user)


class CallOffForm(ContractActionForm):
    name = "call_off"
    template = "contracts/_call_off.html"
    title = _lazy("Call off")
    description = _lazy(
        "Order under the contract at its rates; it counts against the contract's maximum "
        "(12 x the rate x the quantity a year)."
    )
    submit_label = _lazy("Place the call-off")
    done = _lazy("The call-off is placed.")

    def __init__(self, data=None, *, user, contract, **kwargs):
        super().__init__(data, user=user, contract=contract, **kwargs)
        choices = [("", "---------")] + [
            (
                f"{rate.product.code}/{rate.capacity.code}",
                f"{rate.product.name}: {rate.capacity.label} (EUR {rate.monthly_rate})",
            )
            for rate in contract.rates.all()
        ]
        for i in range(CALL_OFF_ROWS):
            self.fields[f"line_{i}_rate"] = forms.ChoiceField(
                label=_("Line %(n)s") % {"n": i + 1},
                choices=choices,
                required=False,
                widget=forms.Select(
                    attrs={"aria-label": _("Line %(n)s: product and capacity") % {"n": i + 1}}
                ),
            )
            self.fields[f"line_{i}_quantity"] = forms.IntegerField(
                label=_("Quantity"),
                required=False,
                min_value=1,
                widget=forms.NumberInput(
                    attrs={"size": 4, "aria-label": _("Line %(n)s: quantity") % {"n": i + 1}}
                ),
            )

    def line_rows(self):
        return [
            (i + 1, self[f"line_{i}_rate"], self[f"line_{i}_quantity"])
            for i in range(CALL_OFF_ROWS)
        ]

    def board_field(self):
        return self["board"] if "board" in self.fields else None

    def clean(self):
        data = super().clean()
        self.lines = []
        for i in range(CALL_OFF_ROWS):
            chosen, quantity = data.get(f"line_{i}_rate"), data.get(f"line_{i}_quantity")
            if not chosen:
                continue
            product, capacity = chosen.split("/", 1)
            self.lines.append(services.CallOffLine(product, capacity, quantity or 1))
        return data

    def run(self):
        return services.call_off_place(
            contract=self.contract, board=self.board(), lines=self.lines, by=self.user
        )

    def message(self, result) -> str:
        total = sum((c.yearly_value for c in result), Decimal(0))
        return _("The call-off is placed: EUR %(total)s a year.") % {"total": f"{total:.2f}"}


class RateForm(ServiceActionForm):
    name = "rate"
    template = "core/_action.html"
    title = _lazy("Set a rate")
    description = _lazy("New call-offs and orders get the new rate; placed ones keep theirs.")
    submit_label = _lazy("Save the rate")
    done = _lazy("The rate is saved.")

    capacity = forms.ModelChoiceField(
        label=_lazy("Product and capacity"),
        queryset=CapacityOption.objects.select_related("product").order_by(
            "product__group__position", "product__position", "position"
        ),
    )
    monthly_rate = _money(_lazy("Rate per month (EUR)"))

    def __init__(self, data=None, *, user, contract, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.contract = user, contract
        groups = contract.lot.tender.product_groups.values("pk")
        self.fields["capacity"].queryset = self.fields["capacity"].queryset.filter(
            product__group__in=groups
        )
        self.fields["capacity"].label_from_instance = lambda c: f"{c.product.name}: {c.label}"

    def run(self):
        return services.rate_set(
            contract=self.contract,
            capacity=self.cleaned_data["capacity"],
            monthly_rate=self.cleaned_data["monthly_rate"],
            by=self.user,
        )
