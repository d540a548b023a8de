"""Forms of the council, bodies and meetings pages. They collect input only: every rule
and the audit are the services' (`services/bodies.py`, `services/meetings.py`), whose
refusals the pages show on the form."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bundel.core.forms import DateInput, ServiceActionForm
from bundel.registry.models import Board

from .constants import Body, Chamber, Choice, MeetingKind, Role, SeatKind
from .services import bodies as body_services
from .services import meetings as meeting_services


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _board(number: str) -> Board | None:
    number = (number or "").strip()
    if not number:
        return None
    board = Board.objects.filter(duo_number=number).first()
    if board is None:
        raise forms.ValidationError(_("No board with DUO number %(n)s.") % {"n": number})
    return board


# -- bodies ---------------------------------------------------------------------------------


class AppointForm(ServiceActionForm):
    title = _("Appoint someone")
    submit_label = _("Appoint")
    done = _("The appointment is recorded.")

    body = forms.ChoiceField(label=_("Body"), choices=Body.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    account = forms.CharField(
        label=_("Login"),
        required=False,
        help_text=_("Username or e-mail address of the login this person votes with."),
    )
    board = forms.CharField(
        label=_("From board (DUO number)"),
        required=False,
        max_length=5,
        help_text=_("For the council and a board seat from the members: their member board."),
    )
    chamber = forms.ChoiceField(
        label=_("Chamber"), required=False, choices=[("", "-"), *Chamber.choices]
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    seat_kind = forms.ChoiceField(
        label=_("Kind of seat"),
        required=False,
        choices=[("", "-"), *SeatKind.choices],
        help_text=_("For the board only."),
    )
    employer = forms.CharField(
        label=_("Employer"),
        required=False,
        max_length=200,
        help_text=_("For the supervisory board: who employs this person."),
    )
    employer_board = forms.CharField(
        label=_("Employed by board (DUO number)"),
        required=False,
        max_length=5,
        help_text=_("If a school board employs this person."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Term ends on"), required=False, widget=DateInput())

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["ends_on"].help_text = _("Empty: the full term of %(years)s years.") % {
            "years": settings.GOVERNANCE_TERM_YEARS
        }

    def clean_board(self):
        return _board(self.cleaned_data["board"])

    def clean_employer_board(self):
        return _board(self.cleaned_data["employer_board"])

    def clean_account(self):
        login = self.cleaned_data["account"].strip()
        if not login:
            return None
        account = (
            get_user_model()
            .objects.filter(Q(username=login) | Q(email__iexact=login), is_active=True)
            .first()
        )
        if account is None:
            raise forms.ValidationError(_("No active login %(login)s.") % {"login": login})
        return account

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "body": data["body"],
            "name": data["name"],
            "email": data["email"],
            "user": data["account"],
            "board": data["board"],
            "chamber": data["chamber"],
            "role": data["role"],
            "seat_kind": data["seat_kind"],
            "employer": data["employer"],
            "employer_board": data["employer_board"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }

    def run(self):
        return body_services.appointment_create(by=self.user, **self.values())


class EndSeatForm(ServiceActionForm):
    title = _("End this seat early")
    description = _("The seat stays in the history with the date and the reason.")
    submit_label = _("End the seat")
    done = _("The seat has ended.")
    danger = True

    on = forms.DateField(label=_("Ends on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("E.g. resigned, a new job, moved to another board."),
    )

    def __init__(self, data=None, *, user, appointment, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.appointment = user, appointment
        self.fields["on"].initial = timezone.localdate()

    def run(self):
        return body_services.appointment_end(
            appointment=self.appointment,
            on=self.cleaned_data["on"],
            reason=self.cleaned_data["reason"],
            by=self.user,
        )


# -- meetings -------------------------------------------------------------------------------


class MeetingActionForm(ServiceActionForm):
    """An action on a meeting page; `proposal` is the row it acts on, if any."""

    def __init__(self, data=None, files=None, *, user, meeting=None, proposal=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.user, self.meeting, self.proposal = user, meeting, proposal


class MeetingForm(MeetingActionForm):
    title = _("Plan a meeting")
    submit_label = _("Save the meeting")
    done = _("The meeting is planned.")

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title_ = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place or link"), max_length=300)
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_("One item a line.")
    )

    def __init__(self, data=None, files=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["title_"].widget.attrs["autocomplete"] = "off"
        if self.meeting is not None:
            self.initial.update(
                kind=self.meeting.kind,
                title_=self.meeting.title,
                starts_at=timezone.localtime(self.meeting.starts_at),
                place=self.meeting.place,
                agenda=self.meeting.agenda,
            )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title_"],
            "starts_at": data["starts_at"],
            "place": data["place"],
            "agenda": data["agenda"],
        }

    def run(self):
        return meeting_services.meeting_create(by=self.user, **self.values())


class MeetingEditForm(MeetingForm):
    title = _("Change the meeting")
    submit_label = _("Save the changes")
    done = _("The meeting is changed.")

    def run(self):
        return meeting_services.meeting_update(meeting=self.meeting, by=self.user, **self.values())


class DocumentForm(MeetingActionForm):
    title = _("Add a document")
    description = _("A PDF, e.g. the proposal's text or the multi-year plan.")
    submit_label = _("Upload")
    done = _("The document is added.")

    title_ = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )

    def run(self):
        return meeting_services.document_add(
            meeting=self.meeting,
            title=self.cleaned_data["title_"],
            file=self.cleaned_data["file"],
            by=self.user,
        )


class ProposalForm(MeetingActionForm):
    title = _("Add a proposal")
    submit_label = _("Add the proposal")
    done = _("The proposal is added.")

    title_ = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 5}))
    document = forms.ModelChoiceField(
        label=_("Document"), queryset=None, required=False, empty_label="-"
    )

    def __init__(self, data=None, files=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["document"].queryset = self.meeting.documents.order_by("title")

    def run(self):
        return meeting_services.proposal_add(
            meeting=self.meeting,
            title=self.cleaned_data["title_"],
            text=self.cleaned_data["text"],
            document=self.cleaned_data["document"],
            by=self.user,
        )


class OpenVoteForm(MeetingActionForm):
    title = _("Open the vote")
    submit_label = _("Open the vote")
    done = _("The vote is open.")

    def run(self):
        return meeting_services.proposal_open(proposal=self.proposal, by=self.user)


class CloseVoteForm(MeetingActionForm):
    title = _("Close the vote")
    submit_label = _("Close and count")
    danger = True

    def run(self):
        return meeting_services.proposal_close(proposal=self.proposal, by=self.user)

    def message(self, result) -> str:
        return str(
            _("The vote is closed: %(outcome)s (%(f)s for, %(a)s against, %(x)s abstentions).")
            % {
                "outcome": result.get_outcome_display(),
                "f": result.votes_for,
                "a": result.votes_against,
                "x": result.abstentions,
            }
        )


class CountForm(CloseVoteForm):
    title = _("Record a count from the room")
    description = _("Instead of online votes: the show of hands at the meeting.")
    submit_label = _("Record and decide")
    danger = False

    votes_for = forms.IntegerField(label=_("For"), min_value=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)

    def run(self):
        return meeting_services.proposal_count_record(
            proposal=self.proposal, by=self.user, **self.cleaned_data
        )


class VoteForm(MeetingActionForm):
    title = _("Your vote")
    submit_label = _("Vote")
    done = _("Your vote is recorded.")

    choice = forms.ChoiceField(label=_("Vote"), choices=Choice.choices, widget=forms.RadioSelect)

    def run(self):
        return meeting_services.proposal_vote(
            proposal=self.proposal, choice=self.cleaned_data["choice"], by=self.user
        )


class MinutesForm(MeetingActionForm):
    title = _("Minutes")
    description = _("Publishing makes the minutes and their PDF available to the members.")
    submit_label = _("Publish the minutes")
    done = _("The minutes are published.")

    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, data=None, files=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.initial["minutes"] = self.meeting.minutes
        if self.meeting.minutes_published_at:
            self.submit_label = _("Publish the corrected minutes")

    def run(self):
        return meeting_services.minutes_publish(
            meeting=self.meeting, minutes=self.cleaned_data["minutes"], by=self.user
        )


MEETING_ACTIONS: dict[str, type[MeetingActionForm]] = {
    "vote": VoteForm,
    "open": OpenVoteForm,
    "close": CloseVoteForm,
    "count": CountForm,
    "edit": MeetingEditForm,
    "document": DocumentForm,
    "proposal": ProposalForm,
    "minutes": MinutesForm,
}
# Actions on one proposal (its id posted as "proposal").
PROPOSAL_ACTIONS = ("vote", "open", "close", "count")
