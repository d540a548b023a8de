"""Forms of the events pages. They only collect input: every rule and the audit trail are
the services' (`services.py`), whose messages the forms show."""

import copy

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bundel.core.forms import ServiceActionForm

from . import services
from .constants import EventKind
from .models import Event


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    """A new event (no `event`), or a change of one."""

    title_text = _("Event")
    submit_label = _("Save")
    danger = False

    link = forms.URLField(
        label=capfirst(Event._meta.get_field("link").verbose_name),
        required=False,
        assume_scheme="https",
        help_text=Event._meta.get_field("link").help_text,
    )

    class Meta:
        model = Event
        fields = services.EVENT_FIELDS
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_deadline": DateTimeInput(),
            "programme": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, data=None, *, user, event: Event | None = None, **kwargs):
        # A copy: a refused change must not show in the rest of the page.
        super().__init__(data, instance=copy.copy(event) if event else None, **kwargs)
        self.user, self.event = user, event
        if event is None:
            self.submit_label = _("Add the event")

    def run(self) -> Event:
        values = {name: self.cleaned_data[name] for name in services.EVENT_FIELDS}
        if self.event is None:
            return services.event_create(by=self.user, **values)
        return services.event_update(event=self.event, by=self.user, **values)

    def message(self, result: Event) -> str:
        if self.event is None:
            return gettext("The event %(title)s is added.") % {"title": result.title}
        return gettext("The event %(title)s is saved.") % {"title": result.title}


class EventCancelForm(ServiceActionForm):
    title = _("Cancel the event")
    description = _(
        "Everyone with a place or on the waiting list gets an e-mail with the reason. "
        "A cancelled event cannot be changed or registered for again."
    )
    submit_label = _("Cancel the event")
    danger = True
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, user, event: Event, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.event = user, event

    def run(self) -> Event:
        return services.event_cancel(
            event=self.event, by=self.user, reason=self.cleaned_data["reason"]
        )

    def message(self, result: Event) -> str:
        return gettext("%(title)s is cancelled; everyone registered is told by e-mail.") % {
            "title": result.title
        }


class RegisterForm(ServiceActionForm):
    submit_label = _("Register")

    def __init__(self, data=None, *, user, event: Event, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.event = user, event
        if hasattr(event, "confirmed_count") and event.is_full and event.waiting_list:
            self.submit_label = _("Join the waiting list")

    def run(self):
        return services.registration_register(event=self.event, by=self.user)

    def message(self, result) -> str:
        if result.state == "confirmed":
            return gettext("You have a place at %(title)s.") % {"title": self.event.title}
        return gettext(
            "%(title)s is full: you are on the waiting list. When a place comes free, the "
            "first on the list moves up and is told by e-mail."
        ) % {"title": self.event.title}


class RegistrationCancelForm(ServiceActionForm):
    submit_label = _("Cancel my registration")
    danger = True

    def __init__(self, data=None, *, user, registration, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.registration = user, registration

    def run(self):
        return services.registration_cancel(registration=self.registration, by=self.user)

    def message(self, result) -> str:
        if result.user_id == self.user.pk:
            return gettext("Your registration for %(title)s is cancelled.") % {
                "title": result.event.title
            }
        name = result.user.get_full_name() or result.user.get_username()
        return gettext("The registration of %(name)s is cancelled.") % {"name": name}


class FilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", _("Upcoming")), ("past", _("Past"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""
