"""The services pages of a board: ordering, its subscriptions per location (each with its
history and actions), its migration plan and its costs; and the staff's national
migration calendar.

Staff see every board's pages; a board's own contacts (and council members) only their
board's, as `subscriptions_visible_to` decides; anyone else gets a 404, as for a page
that is not there. Reads go through the selectors. Every change is an action form whose
`run()` calls a service, so the rules and the audit trail are the same on every path; a
refused change shows the service's message, a forbidden one is a 403.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from operator import attrgetter, itemgetter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bundel.audit.selectors import audit_entries_for
from bundel.catalogue.constants import Lifecycle
from bundel.catalogue.models import CapacityOption, Product
from bundel.core.charts import bar_chart
from bundel.core.exports import FORMATS, export_response
from bundel.core.forms import run_action
from bundel.core.tables import day, escape, url_pattern
from bundel.core.templatetags.bundel import place
from bundel.membership.constants import State as MembershipState
from bundel.membership.selectors import open_membership
from bundel.registry.models import Board
from bundel.registry.selectors import locations_visible_to

from . import forms, selectors, services
from .charts import migration_timeline
from .constants import OPEN_STATES, SubscriptionState, WaveState
from .models import Subscription, charge_per_month
from .selectors import (
    board_costs,
    board_migration,
    board_service_locations,
    board_services,
    migration_plan,
    national_calendar,
    subscriptions_visible_to,
    waves_visible_to,
)

CALENDAR_WEEKS = 26
LOCATIONS_PER_PAGE = 25  # of the services page; the migration plan shows them all


def _services_board(user, duo_number: str) -> Board:
    """The board of the path if `user` may see its services, else 404."""
    board = selectors.service_board(user, duo_number)
    if board is None:
        raise Http404(_("No board with DUO number %(n)s.") % {"n": duo_number})
    return board


def _acts_for(user, board: Board) -> bool:
    return user.is_cooperative_staff or user.acts_for(board)


def _membership_note(board: Board) -> str:
    """Why the board cannot order, or '' when it can."""
    membership = open_membership(board)
    if membership is not None and membership.state == MembershipState.MEMBER:
        return ""
    if membership is None:
        return _("Only members order services, and board %(n)s is not a member.") % {
            "n": board.duo_number
        }
    return _("Only members order services, and the membership of board %(n)s is %(state)s.") % {
        "n": board.duo_number,
        "state": membership.get_state_display().lower(),
    }


# -- the board's services and migration plan ------------------------------------------------


def _wave_location_choices(locations, points) -> list[tuple[str, str]]:
    """The board's locations ((code, name) pairs), each saying which open wave it is
    already in."""
    in_wave = {
        code: point.wave.name
        for point in points
        if point.wave.state != WaveState.DONE
        for code in point.codes
    }
    choices = []
    for code, name in locations:
        label = f"{code} {name}"
        if code in in_wave:
            label += " " + _("(in wave %(name)s)") % {"name": in_wave[code]}
        choices.append((code, label))
    return choices


def _waves(user, points, bound) -> list:
    """[(point, location codes, [(name, form)])]: staff start and complete the waves."""
    rows = []
    for point in points:
        wave, names = point.wave, []
        if user.is_cooperative_staff and wave.state == WaveState.PLANNED:
            names.append("wave_start")
        if user.is_cooperative_staff and wave.state != WaveState.DONE:
            names.append("wave_complete")
        actions = [
            (name, _bound_or_new(bound, name, wave.pk, user=user, obj=wave)) for name in names
        ]
        rows.append((point, ", ".join(point.codes), actions))
    return rows


def _bound_or_new(bound, name, pk, **kwargs):
    if bound and bound[0] == name and bound[1] == pk:
        return bound[2]
    return forms.WAVE_ACTIONS[name](prefix=f"{name}-{pk}", **kwargs)


@dataclass(frozen=True)
class ServiceLocation:
    code: str
    name: str
    place: str


@dataclass(frozen=True)
class ServiceRow:
    """A subscription as the services page shows it, formatted here once from the values
    the selector reads: template tags, filters and includes per row, and model instances,
    were most of the page's time."""

    url: str
    product_code: str
    product_name: str
    capacity: str
    state: str
    state_label: str
    monthly_price: str
    monthly_charge: str
    wished_start: str
    active_on: str
    ends_on: str
    wave: str


def services_tables(by_location: list) -> SafeString:
    """A table per location of (ServiceLocation, [ServiceRow]). They are the services
    page's bulk (up to hundreds of rows per page), written here in one pass: as template
    loops they took half the page's time (bundel.core.tables)."""
    head = "".join(
        f'<th scope="col"{cls}>{escape(str(label))}</th>'
        for label, cls in (
            (_("Product"), ""),
            (_("Capacity"), ""),
            (_("State"), ""),
            (_("Price per month"), ' class="num"'),
            (_("With surcharges"), ' class="num"'),
            (_("Wished start"), ""),
            (_("Active since"), ""),
            (_("Ends on"), ""),
            (_("Wave"), ""),
        )
    )
    tables = []
    for location, rows in by_location:
        code = escape(location.code)
        where = f", {escape(place(location.place))}" if location.place else ""
        tables.append(
            f'<table class="list compact location-services" id="location-{code}">'
            f"<caption>{code} {escape(location.name)}{where}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{_rows_html(rows)}</tbody></table>"
        )
    return mark_safe("\n".join(tables))


def _rows_html(rows: list[ServiceRow]) -> str:
    return "".join(
        f'<tr data-product="{escape(r.product_code)}">'
        f'<td><a href="{escape(r.url)}">{escape(r.product_name)}</a></td>'
        f"<td>{escape(r.capacity)}</td>"
        f'<td><span class="service-state state-{escape(r.state)}" '
        f'data-state="{escape(r.state)}">{escape(r.state_label)}</span></td>'
        f'<td class="num nowrap">€ {escape(r.monthly_price)}</td>'
        f'<td class="num nowrap">€ {escape(r.monthly_charge)}</td>'
        f'<td class="nowrap">{escape(r.wished_start)}</td>'
        f'<td class="nowrap">{escape(r.active_on)}</td>'
        f'<td class="nowrap">{escape(r.ends_on)}</td>'
        f"<td>{escape(r.wave)}</td></tr>"
        for r in rows
    )


def _service_rows(board: Board, subscriptions: list[dict]) -> list:
    """[(ServiceLocation, [ServiceRow])] of `board_services` values, in their order."""
    states = dict(SubscriptionState.choices)
    label = cache(lambda state: str(states.get(state, state)))
    money = cache(lambda amount: formats.number_format(amount, 2, force_grouping=True))
    url = url_pattern("subscriptions:detail", board.duo_number)
    by_location = []
    for _location_id, values in groupby(subscriptions, itemgetter("location_id")):
        values = list(values)
        first = values[0]
        location = ServiceLocation(
            first["location__code"], first["location__name"], first["location__place"]
        )
        rows = [
            ServiceRow(
                url=url.format(s["pk"]),
                product_code=s["product__code"],
                product_name=s["product_name"],
                capacity=s["capacity__label"],
                state=s["state"],
                state_label=label(s["state"]),
                monthly_price=money(s["monthly_price"]),
                monthly_charge=money(charge_per_month(s["monthly_price"], s["surcharge_factor"])),
                wished_start=day(s["wished_start"]),
                active_on=day(s["active_on"]),
                ends_on=day(s["ended_on"] or s["ends_on"]),
                wave=s["wave__name"] or "",
            )
            for s in values
        ]
        by_location.append((location, rows))
    return by_location


def _services(request, board: Board, acts: bool) -> dict:
    """The board's services, a page of locations at a time, with the board's totals."""
    user = request.user
    places = board_service_locations(board, user)
    page = Paginator(places, LOCATIONS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = [location_id for location_id, _count in page.object_list]
    by_location = _service_rows(board, board_services(board, user, locations=on_page))
    return {
        "board": board,
        "acts": acts,
        "membership_note": _membership_note(board),
        "by_location": by_location,
        "tables": services_tables(by_location),
        "page": page,
        "query": "",
        "service_count": sum(count for _location_id, count in places),
        "service_location_count": len(places),
    }


@login_required
def board(request, duo_number: str):
    user = request.user
    board = _services_board(user, duo_number)
    acts = _acts_for(user, board)
    if request.htmx and request.method == "GET":  # the pager of the services
        return render(request, "subscriptions/_services.html", _services(request, board, acts))
    bound = None
    if request.method == "POST":  # staff start and complete the waves
        name = request.POST.get("action", "")
        if name not in forms.WAVE_ACTIONS:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
        wave = waves_visible_to(user).filter(board=board, pk=_int(request.POST.get("wave")))
        wave = wave.first()
        if wave is None:
            raise Http404(_("No such migration wave."))
        form = forms.WAVE_ACTIONS[name](
            request.POST, user=user, obj=wave, prefix=f"{name}-{wave.pk}"
        )
        if run_action(request, form):
            return redirect("subscriptions:board", board.duo_number)
        bound = (name, wave.pk, form)
    plan = migration_plan(board, user)
    context = _services(request, board, acts) | {
        "points": plan.points,
        "timeline": migration_timeline(
            plan.points, total_locations=plan.location_count, today=timezone.localdate()
        ),
        "location_count": plan.location_count,
        "waves": _waves(user, plan.points, bound),
    }
    return render(request, "subscriptions/board.html", context)


@login_required
def wave_new(request, duo_number: str):
    """Plan a migration wave: its name, date and a checkbox per location of the board (on
    a page of its own: a large board has hundreds)."""
    user = request.user
    board = _services_board(user, duo_number)
    if not _acts_for(user, board):
        raise PermissionDenied(
            _("Only the board's contacts and the cooperative's staff plan its migration waves.")
        )
    locations = list(
        locations_visible_to(user).filter(board=board).order_by("code").values_list("code", "name")
    )
    form = forms.WaveCreateForm(
        request.POST if request.method == "POST" else None,
        user=user,
        board=board,
        locations=_wave_location_choices(locations, board_migration(board, user)),
        prefix="wave",
    )
    if request.method == "POST" and run_action(request, form):
        return redirect(reverse("subscriptions:board", args=[board.duo_number]) + "#migration")
    return render(request, "subscriptions/wave_new.html", {"board": board, "form": form})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- one subscription -------------------------------------------------------------------------


def _subscription_actions(user, subscription: Subscription, bound) -> list:
    if not _acts_for(user, subscription.board):
        return []  # e.g. a council member reading its own board's services
    names = []
    if subscription.state not in (SubscriptionState.TERMINATING, SubscriptionState.ENDED):
        names += ["change_capacity", "terminate"]
    shown = []
    for name in names:
        if bound and bound[0] == name:
            shown.append(bound)
            continue
        form = forms.SUBSCRIPTION_ACTIONS[name](user=user, obj=subscription, prefix=name)
        if getattr(form, "available", True):
            shown.append((name, form))
    return shown


def _history(subscription: Subscription) -> list[dict]:
    """What happened to the subscription, and what is planned, by date."""
    events = [{"date": timezone.localtime(subscription.order.placed_at).date(), "kind": "ordered"}]
    changes = subscription.changes.select_related("old_capacity", "new_capacity")
    events += [{"date": change.date, "kind": "capacity", "change": change} for change in changes]
    if subscription.wave:
        events.append({"date": subscription.wave.date, "kind": "wave"})
    if subscription.active_on:
        events.append({"date": subscription.active_on, "kind": "active"})
    if subscription.ends_on:
        events.append({"date": subscription.ends_on, "kind": "end"})
    return sorted(events, key=lambda event: event["date"])


@login_required
def detail(request, duo_number: str, pk: int):
    user = request.user
    board = _services_board(user, duo_number)
    subscription = (
        subscriptions_visible_to(user)
        .filter(board=board)
        .select_related("order__placed_by")
        .prefetch_related(
            Prefetch("product__capacities", queryset=CapacityOption.objects.order_by("position"))
        )
        .filter(pk=pk)
        .first()
    )
    if subscription is None:
        raise Http404(_("No such subscription."))
    bound = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in forms.SUBSCRIPTION_ACTIONS:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
        form = forms.SUBSCRIPTION_ACTIONS[name](
            request.POST, user=user, obj=subscription, prefix=name
        )
        if run_action(request, form):
            return redirect("subscriptions:detail", board.duo_number, subscription.pk)
        bound = (name, form)
    context = {
        "board": board,
        "subscription": subscription,
        "history": _history(subscription),
        "audit": audit_entries_for(obj=subscription, user=user)[:100],
        "actions": _subscription_actions(user, subscription, bound),
    }
    return render(request, "subscriptions/detail.html", context)


# -- ordering -------------------------------------------------------------------------------


def _orderable_products() -> list[Product]:
    return list(
        Product.objects.filter(lifecycle=Lifecycle.AVAILABLE).prefetch_related(
            Prefetch("capacities", queryset=CapacityOption.objects.order_by("position", "pk"))
        )
    )


def _missing_required(user, board, lines, *, requiring: str, required: str) -> dict:
    """{wished start: [location codes]}: where the order takes `requiring` without
    `required`, neither in the order nor open already."""
    ordered = {(line.location.upper(), line.product) for line in lines}
    taken = set(  # what the rule counts: open and not ending
        subscriptions_visible_to(user)
        .filter(board=board, product__code=required, state__in=OPEN_STATES)
        .exclude(state=SubscriptionState.TERMINATING)
        .values_list("location__code", flat=True)
    )
    missing: dict = defaultdict(dict)  # start -> {code: None}, in the order's order
    for line in lines:
        code = line.location.upper()
        if line.product == requiring and (code, required) not in ordered and code not in taken:
            missing[line.start][code] = None
    return {start: list(codes) for start, codes in missing.items()}


def _with_required(data: QueryDict, value: str, formset, *, user, board) -> QueryDict:
    """The posted order with a line added of the required product, for every location
    that needs it (the "Add <product>" button: `required:capacity:requiring`)."""
    try:
        required, capacity, requiring = value.split(":")
    except ValueError:
        raise BadRequest(_("Unknown product %(value)r.") % {"value": value}) from None
    if not formset.is_valid():
        return data
    missing = _missing_required(
        user, board, formset.order_lines(), requiring=requiring, required=required
    )
    data = data.copy()
    count = int(data.get("lines-TOTAL_FORMS", 0))
    for start, codes in missing.items():
        data[f"lines-{count}-product"] = f"{required}:{capacity}"
        data.setlist(f"lines-{count}-locations", codes)
        data[f"lines-{count}-start"] = start.isoformat()
        count += 1
    data["lines-TOTAL_FORMS"] = str(count)
    return data


def _offer(error: ValidationError, products: list[Product]) -> dict | None:
    """After a "requires" refusal: the button that adds the required product (when it
    can be ordered and has a single capacity), or a hint to add it by hand."""
    if getattr(error, "code", None) != "requires" or not error.params:
        return None
    params = error.params
    required_code = params.get("required_code", params.get("required"))
    requiring_code = params.get("product_code", params.get("product"))
    required = next((p for p in products if p.code == required_code), None)
    if required is None:
        return None
    capacities = list(required.capacities.all())
    value = None
    if len(capacities) == 1:
        value = f"{required.code}:{capacities[0].code}:{requiring_code}"
    return {"product": required, "value": value}


@login_required
def order(request, duo_number: str):
    user = request.user
    board = _services_board(user, duo_number)
    if not _acts_for(user, board):
        raise PermissionDenied(_("Only the board's contacts and the cooperative's staff order."))
    note = _membership_note(board)
    products = _orderable_products()
    locations = list(locations_visible_to(user).filter(board=board).order_by("code"))
    kwargs = {"products": products, "locations": locations, "default_start": forms.default_start()}
    refusal, offer = [], None
    if request.method == "POST" and not note:
        data = request.POST
        if "add_required" in data:
            posted = forms.OrderFormSet(data, prefix="lines", form_kwargs=kwargs)
            data = _with_required(data, data["add_required"], posted, user=user, board=board)
        formset = forms.OrderFormSet(data, prefix="lines", form_kwargs=kwargs)
        if formset.is_valid():
            lines = formset.order_lines()
            try:
                placed = services.order_place(board=board, lines=lines, by=user)
            except ValidationError as error:
                refusal, offer = error.messages, _offer(error, products)
            else:
                places = len({s.location_id for s in placed})
                messages.success(
                    request,
                    ngettext(
                        "%(n)s service ordered for %(places)s location(s).",
                        "%(n)s services ordered for %(places)s location(s).",
                        len(placed),
                    )
                    % {"n": len(placed), "places": places},
                )
                return redirect("subscriptions:board", board.duo_number)
    else:
        formset = forms.OrderFormSet(prefix="lines", form_kwargs=kwargs)
    context = {
        "board": board,
        "membership_note": note,
        "formset": formset,
        "refusal": refusal,
        "offer": offer,
        "has_locations": bool(locations),
    }
    return render(request, "subscriptions/order.html", context)


# -- costs ------------------------------------------------------------------------------------


@login_required
def costs(request, duo_number: str):
    user = request.user
    board = _services_board(user, duo_number)
    form = forms.YearForm(request.GET)
    year = form.year_or(timezone.localdate().year)
    costs = board_costs(board, year, user=user)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _costs_export(fmt, board, costs)
    context = {
        "board": board,
        "form": form,
        "costs": costs,
        "year": year,
        "by_location": sorted(costs.by(attrgetter("location")).items(), key=lambda i: i[0].code),
        "by_product": sorted(costs.by(attrgetter("product")).items(), key=lambda i: i[0].code),
    }
    return render(request, "subscriptions/costs.html", context)


def _costs_export(fmt: str, board: Board, costs):
    header = [
        _("Location code"),
        _("Location"),
        _("Product"),
        _("Capacity"),
        _("State"),
        _("Price per month (EUR)"),
        _("Surcharge factor"),
        _("Months"),
        _("Amount (EUR)"),
    ]
    rows = [
        [
            line.subscription.location.code,
            line.subscription.location.name,
            line.subscription.product.name,
            line.subscription.capacity.label,
            line.subscription.get_state_display(),
            line.subscription.monthly_price,
            line.subscription.surcharge_factor,
            line.months,
            line.amount,
        ]
        for line in costs.lines
    ]
    return export_response(
        fmt, filename=f"kosten-{board.duo_number}-{costs.year}", header=header, rows=rows
    )


# -- the national migration calendar (staff) --------------------------------------------------


def _calendar_waves(user, state: str):
    waves = waves_visible_to(user).annotate(location_count=Count("locations"))
    if state:
        waves = waves.filter(state=state)
    return waves.order_by("date", "board__duo_number", "pk")


@login_required
def calendar(request):
    user = request.user
    if not user.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may see this page."))
    jump = forms.BoardJumpForm(request.GET if "duo_number" in request.GET else None)
    if jump.is_bound and jump.is_valid():
        return redirect("subscriptions:board", jump.cleaned_data["duo_number"])
    state = request.GET.get("state", "")
    state = state if state in WaveState.values else ""
    waves = _calendar_waves(user, state)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _waves_export(fmt, waves)
    weeks = national_calendar(user, start=timezone.localdate(), weeks=CALENDAR_WEEKS)
    chart = bar_chart(
        [(str(monday.isocalendar().week), count) for monday, count in weeks],
        width=960,
        height=200,
        gap=6,
    )
    page = Paginator(waves, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "weeks": weeks,
        "chart": chart,
        "total": sum(count for _monday, count in weeks),
        "page": page,
        "query": query.urlencode(),
        "state": state,
        "states": WaveState.choices,
        "jump": jump,
    }
    return render(request, "subscriptions/calendar.html", context)


def _waves_export(fmt: str, waves):
    header = [_("Date"), _("DUO number"), _("Board"), _("Wave"), _("State"), _("Locations")]
    rows = (
        [
            w.date,
            w.board.duo_number,
            w.board.display_name,
            w.name,
            w.get_state_display(),
            w.location_count,
        ]
        for w in waves.iterator(chunk_size=2000)
    )
    return export_response(fmt, filename="migratiekalender", header=header, rows=rows)
