"""Form pieces shared by the apps' pages."""

from django import forms
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
