"""The tenders' pages: the award simulation (criteria and hypothetical bids as a fixed
number of rows), the tender form (details, lots and criteria, saved by one service call)
and the forms that move a tender through its states."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bundel.catalogue.models import ProductGroup
from bundel.core.forms import DateInput, ServiceActionForm
from bundel.subscriptions.forms import capacity_label

from . import services
from .award import Ranking, simulate
from .constants import AwardMethod, TenderState
from .models import Tender

CRITERIA_ROWS = 5
BID_ROWS = 8
# The columns of a criterion row and the methods that use them.
CRITERION_COLUMNS = {
    "name": (_lazy("Name"), (AwardMethod.POINTS, AwardMethod.VALUE)),
    "weight": (_lazy("Weight"), (AwardMethod.POINTS,)),
    "scale_min": (_lazy("Scale minimum"), (AwardMethod.VALUE,)),
    "scale_max": (_lazy("Scale maximum"), (AwardMethod.POINTS, AwardMethod.VALUE)),
    "max_value": (_lazy("Maximum value (EUR)"), (AwardMethod.VALUE,)),
}


def _number(label, *, size: int = 8) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": size}),
    )


def criterion_headers() -> list[tuple[str, str]]:
    """(label, which method alone uses the column, or "" when both do)."""
    only = {AwardMethod.POINTS: _("points only"), AwardMethod.VALUE: _("value only")}
    return [
        (label, only[methods[0]] if len(methods) == 1 else "")
        for label, methods in CRITERION_COLUMNS.values()
    ]


class SimulationForm(forms.Form):
    """Rows without a name (criteria) or bidder (bids) are left out."""

    method = forms.ChoiceField(label=_lazy("Award method"), choices=AwardMethod.choices)
    price_weight = _number(_lazy("Price weight (weighted points)"), size=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(CRITERIA_ROWS):
            for column, (label, _methods) in CRITERION_COLUMNS.items():
                field = (
                    forms.CharField(label=label, required=False, max_length=100)
                    if column == "name"
                    else _number(label, size=6)
                )
                field.widget.attrs["aria-label"] = _("Criterion %(n)s: %(column)s") % {
                    "n": i + 1,
                    "column": label,
                }
                self.fields[f"criterion_{i}_{column}"] = field
        for j in range(BID_ROWS):
            bidder = forms.CharField(label=_lazy("Bidder"), required=False, max_length=200)
            bidder.widget.attrs["aria-label"] = _("Bid %(n)s: bidder") % {"n": j + 1}
            self.fields[f"bid_{j}_bidder"] = bidder
            price = _number(_lazy("Price (EUR)"), size=12)
            price.widget.attrs["aria-label"] = _("Bid %(n)s: price") % {"n": j + 1}
            self.fields[f"bid_{j}_price"] = price
            for i in range(CRITERIA_ROWS):
                score = _number(_lazy("Score"), size=5)
                score.widget.attrs["aria-label"] = _(
                    "Bid %(n)s: score for criterion %(criterion)s"
                ) % {"n": j + 1, "criterion": i + 1}
                self.fields[f"bid_{j}_score_{i}"] = score

    @staticmethod
    def example() -> dict[str, str]:
        """The issue's worked example: what the page shows before anything is changed."""
        return {
            "method": AwardMethod.POINTS,
            "price_weight": "60",
            "criterion_0_name": _("Quality"),
            "criterion_0_weight": "40",
            "criterion_0_scale_max": "10",
            "bid_0_bidder": "A",
            "bid_0_price": "100000",
            "bid_0_score_0": "5",
            "bid_1_bidder": "B",
            "bid_1_price": "120000",
            "bid_1_score_0": "10",
        }

    # --- rows for the template ---

    def criterion_headers(self) -> list[tuple[str, str]]:
        return criterion_headers()

    def criterion_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"criterion_{i}_{column}"] for column in CRITERION_COLUMNS]
            for i in range(CRITERIA_ROWS)
        ]

    def score_headers(self) -> list[str]:
        data = self.data if self.is_bound else {}
        return [
            data.get(f"criterion_{i}_name", "").strip()
            or _("Criterion %(number)s") % {"number": i + 1}
            for i in range(CRITERIA_ROWS)
        ]

    def bid_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, list]]:
        return [
            (
                self[f"bid_{j}_bidder"],
                self[f"bid_{j}_price"],
                [self[f"bid_{j}_score_{i}"] for i in range(CRITERIA_ROWS)],
            )
            for j in range(BID_ROWS)
        ]

    # --- the input of the simulation ---

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method is None:
            return data
        if method == AwardMethod.POINTS and data.get("price_weight") is None:
            self._missing("price_weight", _("Give the price weight."))
        criteria, columns = [], {}
        for i in range(CRITERIA_ROWS):
            name = (data.get(f"criterion_{i}_name") or "").strip()
            if not name:
                continue
            criterion = {"name": name}
            for column, (label, methods) in CRITERION_COLUMNS.items():
                if column == "name" or method not in methods:
                    continue
                value = data.get(f"criterion_{i}_{column}")
                if value is None:
                    self._missing(
                        f"criterion_{i}_{column}",
                        _("Give the %(column)s of %(name)s.")
                        % {"column": str(label).lower(), "name": name},
                    )
                criterion[column] = value
            columns[i] = name
            criteria.append(criterion)
        bids = []
        for j in range(BID_ROWS):
            bidder = (data.get(f"bid_{j}_bidder") or "").strip()
            if not bidder:
                continue
            if data.get(f"bid_{j}_price") is None:
                self._missing(
                    f"bid_{j}_price", _("Give the price of %(bidder)s.") % {"bidder": bidder}
                )
            scores = {}
            for i in range(CRITERIA_ROWS):
                score = data.get(f"bid_{j}_score_{i}")
                if i in columns and score is None:
                    self._missing(
                        f"bid_{j}_score_{i}",
                        _("Give the score of %(bidder)s for %(name)s.")
                        % {"bidder": bidder, "name": columns[i]},
                    )
                elif i not in columns and score is not None:
                    self.add_error(
                        f"bid_{j}_score_{i}",
                        _("Criterion %(number)s has no name; name it or clear this score.")
                        % {"number": i + 1},
                    )
                elif i in columns:
                    scores[columns[i]] = score
            bids.append({"bidder": bidder, "price": data.get(f"bid_{j}_price"), "scores": scores})
        self.simulation = {
            "method": method,
            "price_weight": data.get("price_weight"),
            "criteria": criteria,
            "bids": bids,
        }
        return data

    def _missing(self, field: str, message: str) -> None:
        """An empty cell the method needs (a cell that is not a number says so already)."""
        if field not in self.errors:
            self.add_error(field, message)

    def run(self) -> Ranking:
        return simulate(**self.simulation)


# --- the tender form ----------------------------------------------------------------

LOT_ROWS = 8
TENDER_CRITERIA_ROWS = 6


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: at the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class TenderForm(forms.ModelForm):
    """A tender's details, its lots and its award criteria; `run()` creates or updates
    it through the services, which check the law and the weights."""

    product_groups = forms.ModelMultipleChoiceField(
        label=_lazy("Product groups"),
        queryset=ProductGroup.objects.order_by("position", "code"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Tender
        fields = [*services.TENDER_FIELDS, "product_groups"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "notice_date": DateInput(),
            "demand_deadline": DateInput(),
            "requests_deadline": DateInput(),
            "invitation_date": DateInput(),
            "closing_at": forms.DateTimeInput(
                format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        lots = list(self.instance.lots.all()) if self.instance.pk else []
        criteria = list(self.instance.criteria.all()) if self.instance.pk else []
        for i in range(LOT_ROWS):
            lot = lots[i] if i < len(lots) else None
            number = forms.IntegerField(
                label=_lazy("Number"), required=False, min_value=1, max_value=99
            )
            number.widget.attrs.update(
                {"size": 3, "aria-label": _("Lot row %(n)s: number") % {"n": i + 1}}
            )
            title = forms.CharField(label=_lazy("Title"), required=False, max_length=200)
            title.widget.attrs["aria-label"] = _("Lot row %(n)s: title") % {"n": i + 1}
            description = forms.CharField(
                label=_lazy("Description"), required=False, max_length=2000
            )
            description.widget.attrs["aria-label"] = _("Lot row %(n)s: description") % {"n": i + 1}
            self.fields[f"lot_{i}_number"] = number
            self.fields[f"lot_{i}_title"] = title
            self.fields[f"lot_{i}_description"] = description
            # Empty rows offer the numbers after the last lot's.
            last = lots[-1].number if lots else 0
            self.initial[f"lot_{i}_number"] = lot.number if lot else last + i - len(lots) + 1
            if lot:
                self.initial[f"lot_{i}_title"] = lot.title
                self.initial[f"lot_{i}_description"] = lot.description
        for i in range(TENDER_CRITERIA_ROWS):
            criterion = criteria[i] if i < len(criteria) else None
            for column, (label, _methods) in CRITERION_COLUMNS.items():
                field = (
                    forms.CharField(label=label, required=False, max_length=100)
                    if column == "name"
                    else _number(label, size=6)
                )
                field.widget.attrs["aria-label"] = _("Criterion %(n)s: %(column)s") % {
                    "n": i + 1,
                    "column": label,
                }
                self.fields[f"criterion_{i}_{column}"] = field
                if criterion:
                    self.initial[f"criterion_{i}_{column}"] = getattr(criterion, column)

    def lot_rows(self):
        return [
            [self[f"lot_{i}_{column}"] for column in ("number", "title", "description")]
            for i in range(LOT_ROWS)
        ]

    def criterion_headers(self) -> list[tuple[str, str]]:
        return criterion_headers()

    def criterion_rows(self):
        return [
            [self[f"criterion_{i}_{column}"] for column in CRITERION_COLUMNS]
            for i in range(TENDER_CRITERIA_ROWS)
        ]

    def details(self):
        return [self[name] for name in services.TENDER_FIELDS]

    def _lots(self) -> list[services.LotInput]:
        data = self.cleaned_data
        lots = []
        for i in range(LOT_ROWS):
            title = (data.get(f"lot_{i}_title") or "").strip()
            if not title:
                continue
            number = data.get(f"lot_{i}_number")
            if number is None:
                self.add_error(
                    f"lot_{i}_number", _("Give the number of lot %(title)s.") % {"title": title}
                )
                continue
            lots.append(services.LotInput(number, title, data.get(f"lot_{i}_description") or ""))
        return lots

    def _criteria(self) -> list[services.CriterionInput]:
        data, method = self.cleaned_data, self.cleaned_data.get("award_method")
        if method not in AwardMethod.values:
            return []  # which columns a criterion needs follows from the method: its error first
        criteria = []
        for i in range(TENDER_CRITERIA_ROWS):
            name = (data.get(f"criterion_{i}_name") or "").strip()
            if not name:
                continue
            values = {}
            for column, (label, methods) in CRITERION_COLUMNS.items():
                if column == "name" or method not in methods:
                    continue
                value = data.get(f"criterion_{i}_{column}")
                if value is None and f"criterion_{i}_{column}" not in self.errors:
                    self.add_error(
                        f"criterion_{i}_{column}",
                        _("Give the %(column)s of %(name)s.")
                        % {"column": str(label).lower(), "name": name},
                    )
                values[column] = value
            criteria.append(services.CriterionInput(name=name, **values))
        return criteria

    def clean(self):
        data = super().clean()
        self.lots, self.criteria = self._lots(), self._criteria()
        return data

    def save(self, commit=True):
        raise NotImplementedError("Tenders are saved through run() and the services.")

    def run(self) -> Tender:
        data = self.cleaned_data
        values = {name: data[name] for name in services.TENDER_FIELDS}
        parts = {
            "product_groups": list(data["product_groups"]),
            "lots": self.lots,
            "criteria": self.criteria,
        }
        if self.instance.pk:
            return services.tender_update(tender=self.instance, by=self.user, **parts, **values)
        return services.tender_create(by=self.user, **parts, **values)


# --- moving a tender through its states ---------------------------------------------


class TransitionForm(ServiceActionForm):
    to: TenderState

    def __init__(self, data=None, *, user, tender, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.tender = user, tender


class OpenDemandForm(TransitionForm):
    to = TenderState.DEMAND_REGISTRATION
    title = _lazy("Open demand registration")
    description = _lazy("Member boards may register their demand for this tender.")
    submit_label = _lazy("Open demand registration")
    done = _lazy("Demand registration is open.")

    def run(self):
        return services.tender_open_demand(tender=self.tender, by=self.user)


class PublishForm(TransitionForm):
    to = TenderState.PUBLISHED
    title = _lazy("Publish")
    description = _lazy(
        "Send the notice today: the notice date becomes today and the time limits are "
        "checked against it. Details, lots and criteria are fixed from then on."
    )
    submit_label = _lazy("Publish the tender")
    done = _lazy("The tender is published.")

    def run(self):
        return services.tender_publish(tender=self.tender, by=self.user)


class CloseForm(TransitionForm):
    to = TenderState.CLOSED
    title = _lazy("Close for bids")
    description = _lazy("Possible from the closing time on.")
    submit_label = _lazy("Close for bids")
    done = _lazy("The tender is closed for bids.")

    def run(self):
        return services.tender_close(tender=self.tender, by=self.user)


class EvaluationForm(TransitionForm):
    to = TenderState.EVALUATION
    title = _lazy("Start the evaluation")
    submit_label = _lazy("Start the evaluation")
    done = _lazy("The evaluation has started.")

    def run(self):
        return services.tender_start_evaluation(tender=self.tender, by=self.user)


class AwardDecisionForm(TransitionForm):
    to = TenderState.AWARD_DECISION
    title = _lazy("Prepare the award decision")
    submit_label = _lazy("Evaluation done")
    done = _lazy("The award decision is being prepared.")

    def run(self):
        return services.tender_decide_award(tender=self.tender, by=self.user)


class StandstillForm(TransitionForm):
    to = TenderState.STANDSTILL
    title = _lazy("Award decision sent")
    description = _lazy("The standstill period starts the day after.")
    submit_label = _lazy("The award decision was sent today")
    done = _lazy("The standstill period runs.")

    def run(self):
        return services.tender_start_standstill(tender=self.tender, by=self.user)


class ContractForm(TransitionForm):
    to = TenderState.CONTRACTED
    title = _lazy("Contract signed")
    description = _lazy("Possible after the standstill period.")
    submit_label = _lazy("The contract was signed today")
    done = _lazy("The tender is contracted.")

    def run(self):
        return services.tender_contract(tender=self.tender, by=self.user)


class CancelForm(TransitionForm):
    to = TenderState.CANCELLED
    title = _lazy("Cancel the tender")
    submit_label = _lazy("Cancel the tender")
    done = _lazy("The tender is cancelled.")
    danger = True

    reason = forms.CharField(
        label=_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def run(self):
        return services.tender_cancel(
            tender=self.tender, by=self.user, reason=self.cleaned_data["reason"]
        )


TRANSITIONS = {
    form.to.value: form
    for form in (
        OpenDemandForm,
        PublishForm,
        CloseForm,
        EvaluationForm,
        AwardDecisionForm,
        StandstillForm,
        ContractForm,
        CancelForm,
    )
}


# --- demand registration ------------------------------------------------------------


def demand_product_choices(products) -> list:
    """One choice per product and capacity, grouped by product: "code:capacity"."""
    choices = [("", _lazy("Choose a service"))]
    for product in products:
        options = [
            (f"{product.code}:{capacity.code}", capacity_label(capacity, product))
            for capacity in product.capacities.all()
        ]
        if options:
            choices.append((product.name, options))
    return choices


class DemandLineForm(forms.Form):
    """One service at one capacity for the locations ticked, in one lot, from a date.

    A row counts when a service or a location is chosen; a row with neither is left
    out, so clearing a row of the stored demand removes it."""

    product = forms.ChoiceField(label=_lazy("Service and capacity"))
    locations = forms.MultipleChoiceField(
        label=_lazy("Locations"), widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label=_lazy("Wished start"), widget=DateInput())

    def __init__(self, *args, lot: int, products, locations, default_start: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_permitted = True  # stored rows too: an emptied row is removed
        self.use_required_attribute = False
        self.lot = lot
        self.fields["product"].choices = demand_product_choices(products)
        self.fields["locations"].choices = [
            (loc.code, f"{loc.code} {loc.name}") for loc in locations
        ]
        self.fields["start"].initial = default_start

    def has_changed(self) -> bool:
        if not self.is_bound:
            return super().has_changed()
        return bool(
            self.data.get(self.add_prefix("product"))
            or self.data.getlist(self.add_prefix("locations"))
        )

    def demand_lines(self) -> list[services.DemandLineInput]:
        product, capacity = self.cleaned_data["product"].split(":", 1)
        return [
            services.DemandLineInput(self.lot, code, product, capacity, self.cleaned_data["start"])
            for code in self.cleaned_data["locations"]
        ]


class BaseDemandFormSet(forms.BaseFormSet):
    def lines(self) -> list[tuple[forms.Form, services.DemandLineInput]]:
        """(row, line) for every filled-in row, in the order of the page."""
        return [
            (form, line)
            for form in self.forms
            if form.has_changed()
            for line in form.demand_lines()
        ]


# Rows of one lot's demand (each for any number of locations). Also the most row forms a
# post makes the page build: the posted TOTAL_FORMS is the client's (Django's own cap is 2000).
DEMAND_MAX_ROWS = 50
DemandFormSet = forms.formset_factory(
    DemandLineForm,
    formset=BaseDemandFormSet,
    extra=2,
    max_num=DEMAND_MAX_ROWS,
    absolute_max=DEMAND_MAX_ROWS,
    validate_max=True,
)


def demand_initial(participation, lot) -> list[dict]:
    """The stored lines of `lot` as rows: one per service, capacity and start."""
    if participation is None:
        return []
    rows: dict[tuple, list[str]] = {}
    for line in participation.lines.all():
        if line.lot_id == lot.pk:
            key = (f"{line.product.code}:{line.capacity.code}", line.start)
            rows.setdefault(key, []).append(line.location.code)
    return [
        {"product": product, "start": start, "locations": codes}
        for (product, start), codes in rows.items()
    ]


class DemandForm:
    """The demand of one board for one tender: a formset of rows per lot. `lines()`
    gives the lines of every lot with the row each came from, so a refusal naming a
    line can be shown at its row."""

    def __init__(self, data=None, *, tender, participation, products, locations, default_start):
        self.sections = []
        for lot in tender.lots.all():
            kwargs = {
                "lot": lot.number,
                "products": products,
                "locations": locations,
                "default_start": default_start,
            }
            initial = demand_initial(participation, lot)
            formset = DemandFormSet(
                data,
                prefix=f"lot{lot.number}",
                initial=initial,
                form_kwargs=kwargs,
            )
            self.sections.append((lot, formset))
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        return all(formset.is_valid() for _lot, formset in self.sections)

    def lines(self) -> list[tuple[forms.Form, services.DemandLineInput]]:
        return [pair for _lot, formset in self.sections for pair in formset.lines()]

    def refuse(self, error: ValidationError, rows: list[forms.Form]) -> None:
        """Show a service's refusal on top, and at the row of the line it names."""
        self.errors = error.messages
        number = (getattr(error, "params", None) or {}).get("line")
        if isinstance(number, int) and 0 < number <= len(rows):
            rows[number - 1].add_error(None, error.messages)
