"""Forms of the services pages. They only collect input: the rules (membership, the
catalogue's "requires", dates, who acts) are the services' (`services.py`), whose
messages the pages show."""

from datetime import date
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bundel.core.forms import DateInput, ServiceActionForm

from . import services
from .services import OrderLine


class LocationCheckboxes(forms.CheckboxSelectMultiple):
    """Django's CheckboxSelectMultiple with the markup of its templates, written here: the
    forms list every location of the board (99 at the largest), and three templates per
    checkbox took longer than the rest of the services page. The options and their
    attributes are still Django's (`get_context`); a test holds the markup to Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        own = widget["attrs"]
        html = [f"<div{_if('id', own.get('id'))}{_if('class', own.get('class'))}>"]
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(f"\n  <div><label>{_escape(group)}</label>")
            html.extend(f"<div>\n    {_checkbox(option)}\n</div>" for option in options)
            if group:
                html.append("\n  </div>")
        html.append("\n</div>")
        return mark_safe("".join(html))


def _escape(value) -> str:
    """conditional_escape, without its lazy wrapper (hundreds of calls a form)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _if(name: str, value) -> str:
    """` name="value"` when value is true (the templates' `{% if %}`)."""
    return f' {name}="{_escape(value)}"' if value else ""


def _checkbox(option: dict) -> str:
    """django/forms/widgets/input_option.html and input.html, with attrs.html."""
    attrs = "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in option["attrs"].items()
        if value is not False
    )
    value = "" if option["value"] is None else f' value="{_escape(option["value"])}"'
    field = (
        f'<input type="{_escape(option["type"])}" name="{_escape(option["name"])}"{value}{attrs}>\n'
    )
    if not option["wrap_label"]:
        return field
    label = _escape(option["label"])
    return f"<label{_if('for', option['attrs'].get('id'))}>{field} {label}</label>\n"


# -- ordering ---------------------------------------------------------------------------------


def capacity_label(capacity, product=None) -> str:
    """ "1 Gbit/s (€ 480.00 per month)", after the product's name when given (a closed
    select shows only the option, not its group)."""
    price = formats.number_format(capacity.monthly_price, 2, force_grouping=True)
    label = gettext("%(label)s (€ %(price)s per month)") % {
        "label": capacity.label,
        "price": price,
    }
    return f"{product.name}: {label}" if product else label


def product_choices(products) -> list:
    """One choice per product and capacity, grouped by product: "code:capacity"."""
    choices = [("", _("Choose a service"))]
    for product in products:
        options = [
            (f"{product.code}:{capacity.code}", capacity_label(capacity, product))
            for capacity in product.capacities.all()
        ]
        if options:
            choices.append((product.name, options))
    return choices


def location_choices(locations) -> list:
    return [(loc.code, f"{loc.code} {loc.name}") for loc in locations]


class OrderLineForm(forms.Form):
    """One service, with one capacity, for one or more of the board's locations."""

    product = forms.ChoiceField(label=_("Service and capacity"))
    locations = forms.MultipleChoiceField(label=_("Locations"), widget=LocationCheckboxes)
    start = forms.DateField(label=_("Wished start"), widget=DateInput())

    def __init__(self, *args, products, locations, default_start: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = product_choices(products)
        self.fields["locations"].choices = location_choices(locations)
        self.fields["start"].initial = default_start

    def has_changed(self) -> bool:
        """A line counts once a service or a location is chosen: the date alone has a
        default, and a blank line is left out."""
        return bool({"product", "locations"} & set(self.changed_data))

    def order_lines(self) -> list[OrderLine]:
        product, capacity = self.cleaned_data["product"].split(":", 1)
        return [
            OrderLine(code, product, capacity, self.cleaned_data["start"])
            for code in self.cleaned_data["locations"]
        ]


class BaseOrderFormSet(forms.BaseFormSet):
    def order_lines(self) -> list[OrderLine]:
        """The order's lines, in the order of the form; blank lines are left out."""
        return [
            line
            for form in self.forms
            if form.has_changed() and not form.errors
            for line in form.order_lines()
        ]

    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("Choose a service and at least one location."))


# Lines of one order (each for any number of locations). Also the most line forms a post
# makes the page build: the posted TOTAL_FORMS is the client's (Django's own cap is 2000).
ORDER_MAX_LINES = 50
OrderFormSet = forms.formset_factory(
    OrderLineForm,
    formset=BaseOrderFormSet,
    extra=3,
    max_num=ORDER_MAX_LINES,
    absolute_max=ORDER_MAX_LINES,
    validate_max=True,
)


def default_start() -> date:
    """The first day of next month: a sensible wished start."""
    today = timezone.localdate()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


# -- actions on a subscription or a migration wave -----------------------------------------


class ActionForm(ServiceActionForm):
    """A change to a subscription or a migration wave."""

    def __init__(self, data=None, *, user, obj=None, board=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.obj, self.board = user, obj, board


class TerminateForm(ActionForm):
    title = _("End this service")
    description = _(
        "The service ends on this date. A service that another service at the location "
        "requires cannot end while that one runs."
    )
    submit_label = _("End the service")
    danger = True
    on = forms.DateField(label=_("Ends on"), widget=DateInput())

    def run(self):
        return services.subscription_terminate(
            subscription=self.obj, on=self.cleaned_data["on"], by=self.user
        )

    def message(self, result) -> str:
        return gettext("%(subscription)s ends on %(date)s.") % {
            "subscription": result,
            "date": result.ends_on.strftime("%d-%m-%Y"),
        }


class ChangeCapacityForm(ActionForm):
    title = _("Change the capacity")
    submit_label = _("Change the capacity")
    capacity = forms.ChoiceField(label=_("New capacity"))
    on = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        subscription = self.obj
        self.fields["capacity"].choices = [
            (c.code, capacity_label(c))
            for c in subscription.product.capacities.all()
            if c.pk != subscription.capacity_id
        ]

    @property
    def available(self) -> bool:
        return bool(self.fields["capacity"].choices)

    def run(self):
        return services.subscription_change_capacity(
            subscription=self.obj,
            capacity=self.cleaned_data["capacity"],
            on=self.cleaned_data["on"],
            by=self.user,
        )

    def message(self, result) -> str:
        return gettext("The capacity is changed to %(capacity)s from %(date)s.") % {
            "capacity": result.capacity.label,
            "date": self.cleaned_data["on"].strftime("%d-%m-%Y"),
        }


class WaveCreateForm(ActionForm):
    title = _("Plan a migration wave")
    description = _(
        "The board migrates its locations in phases: on the wave's date these locations "
        "move to the cooperative's services."
    )
    submit_label = _("Plan the wave")
    name = forms.CharField(label=_("Name"), max_length=100)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    locations = forms.MultipleChoiceField(label=_("Locations"), widget=LocationCheckboxes)

    def __init__(self, data=None, *, locations=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["locations"].choices = locations

    def run(self):
        return services.wave_create(
            board=self.board,
            name=self.cleaned_data["name"],
            on=self.cleaned_data["on"],
            locations=self.cleaned_data["locations"],
            by=self.user,
        )

    def message(self, result) -> str:
        return gettext("The wave %(name)s is planned on %(date)s.") % {
            "name": result.name,
            "date": result.date.strftime("%d-%m-%Y"),
        }


class WaveStartForm(ActionForm):
    title = _("Start the migration")
    submit_label = _("Start")

    def run(self):
        return services.wave_start(wave=self.obj, by=self.user)

    def message(self, result) -> str:
        return gettext("The wave %(name)s is migrating.") % {"name": result.name}


class WaveCompleteForm(ActionForm):
    title = _("Complete the migration")
    submit_label = _("Complete")
    on = forms.DateField(
        label=_("Active from"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )

    def run(self):
        return services.wave_complete(wave=self.obj, by=self.user, on=self.cleaned_data["on"])

    def message(self, result) -> str:
        done = gettext("The wave %(name)s is done: its services are active.")
        return done % {"name": result.name}


SUBSCRIPTION_ACTIONS = {"terminate": TerminateForm, "change_capacity": ChangeCapacityForm}
WAVE_ACTIONS = {"wave_start": WaveStartForm, "wave_complete": WaveCompleteForm}


# -- filters ----------------------------------------------------------------------------------


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def year_or(self, default: int) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default


class BoardJumpForm(forms.Form):
    duo_number = forms.RegexField(
        label=_("DUO number"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("A DUO board number has 5 digits.")},
    )
