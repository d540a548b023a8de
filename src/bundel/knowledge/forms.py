"""Forms of the knowledge pages. They only collect input: the rules and the audit are the
services' (`services.py`), whose refusals the pages show on the form."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.core.forms import DateInput

from . import selectors, services
from .constants import Visibility
from .models import Category, Document, Tag

TEXTAREA = forms.Textarea(attrs={"rows": 3})
BODY = forms.Textarea(attrs={"rows": 14})


class ActionForm(forms.Form):
    """One change through a service: `run()` calls it, `done` is said when it is done.
    (Like `core.forms.ServiceActionForm`, with `heading` for the form's title, since a
    document has a field called title.)"""

    heading = ""
    description = ""
    submit_label = _("Save")
    done = _("Saved.")
    danger = False

    def run(self):
        raise NotImplementedError


def parse_tags(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. aanbesteding, wifi, phishing")}
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.all(),
        to_field_name="code",
        empty_label=_("All categories"),
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        required=False,
        queryset=Tag.objects.all(),
        to_field_name="slug",
        widget=forms.HiddenInput,
    )
    date_from = forms.DateField(label=_("Changed from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Changed until"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(
                _("The start date %(start)s is after the end date %(end)s.")
                % {"start": start.strftime("%d-%m-%Y"), "end": end.strftime("%d-%m-%Y")}
            )
        return data

    def filters(self) -> selectors.Filters:
        """The filters to apply; a field with an invalid value is left out (and shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if self.non_field_errors():
            data = {**data, "date_from": None, "date_to": None}
        return selectors.Filters(
            q=data.get("q") or "",
            category=data.get("category"),
            tag=data.get("tag"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class UploadField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "PDF, Word (DOCX), Excel (XLSX), OpenDocument (ODT), PNG, JPEG or plain text; "
                "at most %(limit)s. The text of PDFs and office files is searched too."
            )
            % {"limit": filesizeformat(settings.KNOWLEDGE_UPLOAD_MAX_BYTES)},
        )
        super().__init__(**kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class DocumentForm(ActionForm):
    """A document's details: title, summary, category, visibility, tags, owner."""

    heading = _("Details")
    submit_label = _("Save details")
    done = _("The document is saved.")

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXTAREA)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Visibility.choices,
        help_text=_(
            "Public: everyone. Interested boards: boards that declared interest or applied, "
            "and members. Members only: members. Staff see everything."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. wifi, security.")
    )
    owner = StaffChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        help_text=_("The staff member who keeps this document up to date."),
    )

    def __init__(self, data=None, files=None, *, user, document: Document | None = None, **kwargs):
        if document is not None and data is None:
            kwargs.setdefault(
                "initial",
                {
                    "title": document.title,
                    "summary": document.summary,
                    "category": document.category_id,
                    "visibility": document.visibility,
                    "owner": document.owner_id,
                    "tags": ", ".join(tag.name for tag in document.tags.all()),
                },
            )
        super().__init__(data, files, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            role=Role.STAFF, is_active=True
        ).order_by("first_name", "last_name", "username")
        if document is None:
            self.fields["owner"].initial = user.pk
            self.fields["visibility"].initial = Visibility.MEMBERS
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        self.user, self.document = user, document

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "category": data["category"],
            "visibility": data["visibility"],
            "owner": data["owner"],
            "tags": parse_tags(data["tags"]),
        }

    def run(self) -> Document:
        return services.document_update(document=self.document, by=self.user, **self.values())


class DocumentCreateForm(DocumentForm):
    heading = _("New document")
    submit_label = _("Publish")
    done = _("The document is published.")

    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=BODY,
        help_text=_("The article itself, or an introduction to the file."),
    )
    upload = UploadField(label=_("File"), required=False)
    note = forms.CharField(label=_("Note on this version"), required=False, max_length=300)

    def run(self) -> Document:
        data = self.cleaned_data
        return services.document_create(
            by=self.user,
            body=data["body"],
            upload=data["upload"],
            note=data["note"],
            **self.values(),
        )


class VersionForm(ActionForm):
    heading = _("New version")
    description = _(
        "The new version becomes the current one; earlier versions stay readable. Without "
        "a new file the version keeps the current file."
    )
    submit_label = _("Add version")
    done = _("The new version is added.")

    body = forms.CharField(label=_("Text"), required=False, widget=BODY)
    upload = UploadField(label=_("New file"), required=False)
    remove_file = forms.BooleanField(label=_("Without a file"), required=False)
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)

    def __init__(self, data=None, files=None, *, user, document: Document, **kwargs):
        version = document.current_version
        if data is None and version is not None:
            kwargs.setdefault("initial", {"body": version.body})
        super().__init__(data, files, **kwargs)
        if version is None or not version.file:
            del self.fields["remove_file"]
        self.user, self.document = user, document

    def run(self):
        data = self.cleaned_data
        return services.document_add_version(
            document=self.document,
            by=self.user,
            body=data["body"],
            upload=data["upload"],
            remove_file=data.get("remove_file", False),
            note=data["note"],
        )


class WithdrawForm(ActionForm):
    heading = _("Withdraw")
    description = _("Only staff see a withdrawn document; its versions are kept.")
    submit_label = _("Withdraw document")
    done = _("The document is withdrawn.")
    danger = True

    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA)

    def __init__(self, data=None, files=None, *, user, document: Document, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.document = user, document

    def run(self):
        return services.document_withdraw(
            document=self.document, by=self.user, reason=self.cleaned_data["reason"]
        )


class ReinstateForm(ActionForm):
    heading = _("Reinstate")
    description = _("The document is shown again to those its visibility allows.")
    submit_label = _("Reinstate document")
    done = _("The document is reinstated.")

    def __init__(self, data=None, files=None, *, user, document: Document, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.document = user, document

    def run(self):
        return services.document_reinstate(document=self.document, by=self.user)
