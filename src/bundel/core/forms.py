"""Form pieces shared by the apps' pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceActionForm(forms.Form):
    """One change through a domain service: `run()` calls it with the cleaned input; the
    page shows `message()` when it is done, and the service's refusal on the form."""

    title = ""
    description = ""
    submit_label = _("Save")
    done = _("Saved.")
    danger = False

    def run(self):
        raise NotImplementedError

    def message(self, result) -> str:
        return str(self.done)


def run_action(request, form: ServiceActionForm) -> bool:
    """Run a bound action form: True when done (its message shown, the service's return
    value in `form.result`), else False with the errors, or the service's refusal, on the
    form."""
    if form.is_valid():
        try:
            result = form.run()
        except ValidationError as error:  # RuleViolation, StateConflict: the rule's message
            form.add_error(None, error.messages)
        else:
            form.result = result
            messages.success(request, form.message(result))
            return True
    return False
