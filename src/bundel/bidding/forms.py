"""The bidding pages' forms. Each change is a `ServiceActionForm` whose `run()` calls a
service, so the rules and the audit trail are the API's and the admin's too."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.core.forms import ServiceActionForm

from . import services
from .services import ScoreInput

PDF_ACCEPT = {"accept": "application/pdf,.pdf"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's documented pattern); empty is an empty list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs=PDF_ACCEPT))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _upload_help() -> str:
    return _("PDF, at most %(size)s.") % {"size": filesizeformat(settings.BIDDING_UPLOAD_MAX_BYTES)}


class TenderActionForm(ServiceActionForm):
    def __init__(self, *args, user, tender, **kwargs):
        self.user, self.tender = user, tender
        super().__init__(*args, **kwargs)


class DocumentForm(TenderActionForm):
    title = _lazy("Add a document")
    description = _lazy(
        "A document uploaded under the title of an existing one is its next version."
    )
    submit_label = _lazy("Upload")
    done = _lazy("The document is uploaded.")

    doc_title = forms.CharField(label=_lazy("Title"), max_length=200)
    file = forms.FileField(label=_lazy("File"), widget=forms.ClearableFileInput(attrs=PDF_ACCEPT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _upload_help()

    def run(self):
        return services.document_upload(
            tender=self.tender,
            title=self.cleaned_data["doc_title"],
            upload=self.cleaned_data["file"],
            by=self.user,
        )


class QuestionForm(TenderActionForm):
    title = _lazy("Ask a question")
    description = _lazy(
        "The answer is published to every supplier in the nota van inlichtingen, without "
        "your name or your company's."
    )
    submit_label = _lazy("Send the question")
    done = _lazy("Your question is sent. Its answer will appear in the nota van inlichtingen.")

    lot = forms.ModelChoiceField(
        label=_lazy("Lot"),
        queryset=None,
        required=False,
        empty_label=_lazy("The tender as a whole"),
    )
    text = forms.CharField(
        label=_lazy("Question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = self.tender.lots.all()

    def run(self):
        return services.question_ask(
            tender=self.tender,
            lot=self.cleaned_data["lot"],
            text=self.cleaned_data["text"],
            by=self.user,
        )


class AnswerForm(ServiceActionForm):
    title = _lazy("Answer")
    submit_label = _lazy("Publish the answer")
    done = _lazy("The answer is published in the nota van inlichtingen.")

    published_text = forms.CharField(
        label=_lazy("Question as published"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_lazy("Word it anew when the question gives away who asked it."),
    )
    answer = forms.CharField(
        label=_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, user, question, **kwargs):
        self.user, self.question = user, question
        kwargs.setdefault("initial", {"published_text": question.text})
        super().__init__(*args, **kwargs)

    def run(self):
        return services.question_answer(
            question=self.question,
            published_text=self.cleaned_data["published_text"],
            answer=self.cleaned_data["answer"],
            by=self.user,
        )


class BidForm(ServiceActionForm):
    """A bid for one lot: the price, an answer per quality criterion, PDF attachments."""

    submit_label = _lazy("Submit the bid")
    done = _lazy("Your bid is submitted. Keep this receipt.")

    price = forms.DecimalField(
        label=_lazy("Price (EUR, excluding VAT)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, user, tender, lot, previous=None, **kwargs):
        self.user, self.tender, self.lot = user, tender, lot
        self.criteria = list(tender.criteria.all())
        super().__init__(*args, **kwargs)
        for criterion in self.criteria:
            self.fields[f"answer_{criterion.pk}"] = forms.CharField(
                label=_("Answer to “%(criterion)s”") % {"criterion": criterion.name},
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=20_000,
            )
        self.fields["attachments"] = MultipleFileField(
            label=_lazy("Attachments"),
            required=False,
            help_text=_("PDF files, at most %(count)s, each at most %(size)s.")
            % {
                "count": settings.BIDDING_MAX_ATTACHMENTS,
                "size": filesizeformat(settings.BIDDING_UPLOAD_MAX_BYTES),
            },
        )
        if previous is not None and not self.is_bound:
            self.initial["price"] = previous.price
            for criterion in self.criteria:
                self.initial[f"answer_{criterion.pk}"] = previous.answers.get(criterion.name, "")

    def answer_fields(self):
        return [self[f"answer_{criterion.pk}"] for criterion in self.criteria]

    def run(self):
        return services.bid_submit(
            tender=self.tender,
            lot=self.lot,
            by=self.user,
            price=self.cleaned_data["price"],
            answers={c.name: self.cleaned_data[f"answer_{c.pk}"] for c in self.criteria},
            attachments=self.cleaned_data["attachments"],
        )


def staff_users():
    return User.objects.filter(role=Role.STAFF, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class CommitteeForm(TenderActionForm):
    title = _lazy("Evaluation committee")
    description = _lazy(
        "At least two staff members, who score the bids independently; the chair "
        "consolidates their scores."
    )
    submit_label = _lazy("Save the committee")
    done = _lazy("The committee is saved.")

    members = StaffMultipleChoiceField(
        label=_lazy("Members"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    chair = StaffChoiceField(label=_lazy("Chair"), queryset=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = staff_users()
        self.fields["chair"].queryset = staff_users()
        if not self.is_bound and members:
            self.initial["members"] = [m.user_id for m in members]
            self.initial["chair"] = next((m.user_id for m in members if m.is_chair), None)

    def run(self):
        return services.committee_set(
            tender=self.tender,
            members=list(self.cleaned_data["members"]),
            chair=self.cleaned_data["chair"],
            by=self.user,
        )


def _score_field(label: str, low, high) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "size": 5, "data-min": low, "data-max": high}
        ),
    )


class ScoresForm(TenderActionForm):
    """A score (and a note) per current bid and criterion, as a grid. A member's own
    sheet (`save` or `submit`), or the chair's consolidation (notes required)."""

    consolidating = False

    def __init__(self, *args, bids, criteria, initial_scores=None, others=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bids, self.criteria = bids, criteria
        self.rows = []
        for bid in bids:
            cells = []
            for criterion in criteria:
                low, high = services.scale_of(self.tender, criterion)
                name = f"s_{bid.pk}_{criterion.pk}"
                who = _("%(bidder)s (lot %(lot)s), %(criterion)s") % {
                    "bidder": bid.organisation,
                    "lot": bid.lot.number,
                    "criterion": criterion.name,
                }
                score = _score_field(_("Score: %(who)s") % {"who": who}, low, high)
                note = forms.CharField(
                    label=_("Reasons: %(who)s") % {"who": who}
                    if self.consolidating
                    else _("Note: %(who)s") % {"who": who},
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                # The grid shows no label per cell: the inputs carry their own.
                score.widget.attrs["aria-label"] = score.label
                note.widget.attrs["aria-label"] = note.label
                self.fields[name] = score
                self.fields[f"n_{bid.pk}_{criterion.pk}"] = note
                existing = (initial_scores or {}).get((bid.pk, criterion.pk))
                if existing is not None and not self.is_bound:
                    self.initial[name] = existing[0]
                    self.initial[f"n_{bid.pk}_{criterion.pk}"] = existing[1]
                cells.append(
                    {
                        "criterion": criterion,
                        "score": self[name],
                        "note": self[f"n_{bid.pk}_{criterion.pk}"],
                        "low": low,
                        "high": high,
                        "others": (others or {}).get((bid.pk, criterion.pk), []),
                    }
                )
            self.rows.append((bid, cells))

    def inputs(self) -> list[ScoreInput]:
        given = []
        for bid in self.bids:
            for criterion in self.criteria:
                score = self.cleaned_data.get(f"s_{bid.pk}_{criterion.pk}")
                if score is None:
                    continue
                note = self.cleaned_data.get(f"n_{bid.pk}_{criterion.pk}", "")
                given.append(ScoreInput(bid=bid, criterion=criterion, score=score, note=note))
        return given


class SheetForm(ScoresForm):
    title = _lazy("Your scores")
    description = _lazy(
        "Only you see these until you submit them; then they are final and you see the "
        "other members' scores."
    )
    submit_label = _lazy("Save")
    done = _lazy("Your scores are saved.")

    def run(self):
        submit = self.data.get("submit") == "1"
        sheet = services.scores_save(
            tender=self.tender, by=self.user, scores=self.inputs(), submit=submit
        )
        self.done = _("Your scores are submitted.") if submit else _("Your scores are saved.")
        return sheet


class ConsolidationForm(ScoresForm):
    consolidating = True
    title = _lazy("Consolidated scores")
    description = _lazy(
        "The committee's score of each bid on each criterion with its reasons; the ranking "
        "and the award decision letters use these."
    )
    submit_label = _lazy("Save the consolidated scores")
    done = _lazy("The consolidated scores are saved.")

    def run(self):
        return services.scores_consolidate(tender=self.tender, by=self.user, scores=self.inputs())


class ReasonsForm(ServiceActionForm):
    submit_label = _lazy("Save the reasons")
    done = _lazy("The reasons are saved.")

    text = forms.CharField(
        label=_lazy("Reasons of the award decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_lazy("The characteristics and relative advantages of the winning bid."),
    )

    def __init__(self, *args, user, lot, **kwargs):
        self.user, self.lot = user, lot
        super().__init__(*args, **kwargs)
        self.title = _("Reasons for lot %(number)s") % {"number": lot.number}

    def run(self):
        return services.award_reasons_set(
            lot=self.lot, text=self.cleaned_data["text"], by=self.user
        )
