"""The events pages: the list and an event's page (registering, the waiting list,
cancelling) for whoever may see it; one's own registrations and calendar link; the
staff's pages to add, change and cancel events, with the attendee list (CSV/XLSX), the
name badges (PDF) and the audit trail; and the secret calendar feed.

Every read goes through `selectors.events_visible_to` (an event someone may not see is a
404, as a page that is not there), every change through an action form whose `run()`
calls a service, so the rules and the audit trail are those of the API and the admin.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bundel.core.exports import FORMATS, export_response
from bundel.membership.views import staff_required

from . import forms, ical, selectors, services
from .constants import EventState, RegistrationState
from .models import Event, Registration
from .pdf import badges_response


def _run(request, form):
    """Run a bound action form: its result when done (its message shown), else None with
    the errors, or the service's refusal, on the form."""
    if form.is_valid():
        try:
            result = form.run()
        except ValidationError as error:  # RuleViolation, StateConflict: the rule's message
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, form.message(result))
            return result
    return None


def _visible_event(user, pk: int) -> Event:
    event = selectors.with_figures(selectors.events_visible_to(user), user).filter(pk=pk).first()
    if event is None:
        raise Http404(_("No such event."))
    return event


# -- the list and an event's page -------------------------------------------------------------


def event_list(request):
    user = request.user
    form = forms.FilterForm(request.GET)

    def results() -> str:
        past = form.value("when") == "past"
        events = selectors.events_for(user, past=past, kind=form.value("kind"))
        page = Paginator(events, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"page": page, "past": past, "query": query.urlencode()}
        return render_to_string("events/_results.html", context, request)

    # The same for everyone shown the same (selectors.viewer): cached, per URL and
    # language, under the events' version.
    parts = (selectors.viewer(user), request.get_full_path(), get_language())
    content = mark_safe(selectors.cached_list("event-results", parts, results))  # rendered
    if request.htmx:
        return HttpResponse(content)
    return render(request, "events/list.html", {"form": form, "results": content})


def _my_registration(user, event: Event) -> Registration | None:
    if not user.is_authenticated or event.my_registration_id is None:
        return None
    rows = selectors.with_waitlist_position(Registration.objects.select_related("event"))
    return rows.get(pk=event.my_registration_id)


@login_required
def detail(request, pk: int):
    user = request.user
    event = _visible_event(user, pk)
    registration = _my_registration(user, event)
    active = registration if registration and registration.is_active else None
    if request.method == "POST":
        # Button-only forms: done or refused, the page is shown again with the message.
        action = request.POST.get("action", "")
        if action == "register":
            form = forms.RegisterForm(request.POST, user=user, event=event, prefix="register")
        elif action == "cancel" and active:
            form = forms.RegistrationCancelForm(
                request.POST, user=user, registration=active, prefix="cancel"
            )
        else:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": action})
        if _run(request, form) is None:
            for error in form.non_field_errors():
                messages.error(request, error)
        return redirect("events:detail", event.pk)
    may_attend = selectors.may_attend(user, event)
    context = {
        "event": event,
        "registration": active,
        "may_attend": may_attend,
        "can_register": may_attend and active is None and event.registration_open,
        "can_cancel": active is not None and event.starts_at > timezone.now(),
        "show_link": user.is_cooperative_staff
        or (active is not None and active.state == RegistrationState.CONFIRMED),
        "register_form": forms.RegisterForm(user=user, event=event, prefix="register"),
        "cancel_form": forms.RegistrationCancelForm(
            user=user, registration=active, prefix="cancel"
        ),
    }
    return render(request, "events/detail.html", context)


# -- one's own registrations and calendar feed ------------------------------------------------


@login_required
def mine(request):
    user = request.user
    if request.method == "POST":
        if request.POST.get("action") != "feed":
            raise BadRequest(_("Unknown action %(name)r.") % {"name": request.POST.get("action")})
        services.feed_renew(user=user, by=user)
        messages.success(request, _("Your calendar link is ready. An earlier link stops working."))
        return redirect("events:mine")
    registrations = list(selectors.with_waitlist_position(selectors.my_registrations(user)))
    feed = selectors.feed_of(user)
    feed_url = request.build_absolute_uri(feed.get_absolute_url()) if feed else ""
    context = {
        "registrations": registrations,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[-1] if feed_url else "",
    }
    return render(request, "events/mine.html", context)


@require_GET
def feed(request, token: str):
    """The person's events as iCalendar, for a calendar app (no login: the secret address
    is the key; a new link in "My events" replaces it)."""
    found = selectors.feed_by_token(token)
    if found is None:
        raise Http404(_("No such calendar."))
    registrations = selectors.my_registrations(found.user)
    with translation.override(settings.LANGUAGE_CODE):
        body = ical.calendar(registrations, name=_("Bundel events"), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bundel-events.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# -- staff --------------------------------------------------------------------------------------


@staff_required
def event_new(request):
    form = forms.EventForm(request.POST or None, user=request.user, prefix="event")
    if request.method == "POST":
        created = _run(request, form)
        if created is not None:
            return redirect("events:manage", created.pk)
    return render(request, "events/new.html", {"form": form})


def _manage_forms(request, event: Event):
    return {
        "edit": forms.EventForm(user=request.user, event=event, prefix="event"),
        "cancel_event": forms.EventCancelForm(user=request.user, event=event, prefix="cancel"),
    }


@staff_required
def manage(request, pk: int):
    user = request.user
    event = _visible_event(user, pk)
    bound = _manage_forms(request, event)
    row = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "edit":
            form = forms.EventForm(request.POST, user=user, event=event, prefix="event")
        elif action == "cancel_event":
            form = forms.EventCancelForm(request.POST, user=user, event=event, prefix="cancel")
        elif action == "cancel_registration":
            registration = _event_registration(user, event, request.POST.get("registration"))
            form = forms.RegistrationCancelForm(
                request.POST, user=user, registration=registration, prefix="row"
            )
            row = (registration.pk, form)
        else:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": action})
        if _run(request, form) is not None:
            return redirect("events:manage", event.pk)
        if action in bound:
            bound[action] = form
    registrations = list(selectors.event_registrations(event, user))
    for registration in registrations:
        if row and row[0] == registration.pk:
            registration.cancel_form = row[1]
        else:
            registration.cancel_form = forms.RegistrationCancelForm(
                user=user, registration=registration, prefix="row"
            )
        registration.cancel_form.title = _("Cancel the registration of")
        registration.cancel_form.submit_label = _("Cancel")
    context = {
        "event": event,
        "form": bound["edit"],
        "cancel_form": bound["cancel_event"],
        "can_cancel_event": event.state == EventState.SCHEDULED and event.ends_at >= timezone.now(),
        "registrations": registrations,
        "audit": selectors.event_audit_entries(event=event, user=user)[:100],
    }
    return render(request, "events/manage.html", context)


def _event_registration(user, event: Event, pk) -> Registration:
    try:
        return selectors.registrations_visible_to(user).get(event=event, pk=int(pk))
    except (TypeError, ValueError, Registration.DoesNotExist):
        raise Http404(_("No such registration.")) from None


@staff_required
def attendees_export(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    event = _visible_event(request.user, pk)
    header = [
        _("Last name"),
        _("First name"),
        _("E-mail"),
        _("Role"),
        _("DUO number"),
        _("Board"),
        _("State"),
        _("Waiting list position"),
        _("Registered at"),
        _("Place since"),
    ]

    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    rows = [
        [
            r.user.last_name,
            r.user.first_name,
            r.user.email,
            r.user.get_role_display(),
            r.board.duo_number if r.board else "",
            r.board.display_name if r.board else "",
            r.get_state_display(),
            r.position or "",
            local(r.registered_at),
            local(r.confirmed_at),
        ]
        for r in selectors.event_registrations(event, request.user)
        if r.is_active
    ]
    filename = f"deelnemers-{event.pk}-{timezone.localtime(event.starts_at):%Y%m%d}"
    return export_response(fmt, filename=filename, header=header, rows=rows)


@staff_required
def badges(request, pk: int):
    event = _visible_event(request.user, pk)
    return badges_response(request, event=event, attendees=selectors.attendees(event, request.user))
