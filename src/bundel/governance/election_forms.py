"""The forms of the election pages; each runs one service."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bundel.core.forms import DateInput, ServiceActionForm
from bundel.registry.models import Board

from . import services
from .constants import Chamber
from .models import Candidate, Election, Proxy


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ElectionForm(ServiceActionForm):
    title = _("Open an election")
    submit_label = _("Open the election")
    name = forms.CharField(label=_("Title"), max_length=200)
    nomination_opens_at = forms.DateTimeField(label=_("Nomination opens"), widget=DateTimeInput())
    nomination_closes_at = forms.DateTimeField(label=_("Nomination closes"), widget=DateTimeInput())
    voting_opens_at = forms.DateTimeField(label=_("Voting opens"), widget=DateTimeInput())
    voting_closes_at = forms.DateTimeField(label=_("Voting closes"), widget=DateTimeInput())
    term_starts_on = forms.DateField(
        label=_("Terms start on"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the day voting closes."),
    )

    def __init__(self, data=None, *, user, seats: dict[str, int], **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        for chamber in Chamber:
            self.fields[f"seats_{chamber.value}"] = forms.IntegerField(
                label=_("Seats in %(chamber)s") % {"chamber": chamber.label},
                min_value=0,
                max_value=100,
                initial=seats.get(chamber.value, 0),
            )

    def run(self) -> Election:
        data = self.cleaned_data
        return services.election_open(
            title=data["name"],
            seats={c.value: data[f"seats_{c.value}"] for c in Chamber},
            nomination_opens_at=data["nomination_opens_at"],
            nomination_closes_at=data["nomination_closes_at"],
            voting_opens_at=data["voting_opens_at"],
            voting_closes_at=data["voting_closes_at"],
            term_starts_on=data["term_starts_on"],
            by=self.user,
        )

    def message(self, result) -> str:
        return gettext("The election “%(title)s” is open.") % {"title": result.title}


class ElectionActionForm(ServiceActionForm):
    def __init__(self, data=None, *, user, election: Election, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.election = user, election


class NominateForm(ElectionActionForm):
    title = _("Nominate a candidate")
    description = _(
        "A person from a member board in your chamber, with a short motivation. The "
        "candidate stands in the chamber of their board."
    )
    submit_label = _("Nominate")
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    board = forms.CharField(
        label=_("Board (DUO number)"), max_length=10, help_text=_("Empty: your own board.")
    )
    motivation = forms.CharField(
        label=_("Motivation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].required = False
        if self.user.board_id:
            self.fields["board"].initial = self.user.board.duo_number

    def clean_board(self) -> Board:
        number = self.cleaned_data["board"].strip() or (
            self.user.board.duo_number if self.user.board_id else ""
        )
        board = Board.objects.filter(duo_number=number).first()
        if board is None:
            raise forms.ValidationError(_("No board with DUO number %(n)s.") % {"n": number})
        return board

    def run(self) -> Candidate:
        data = self.cleaned_data
        return services.candidate_nominate(
            election=self.election,
            name=data["name"],
            email=data["email"],
            board=data["board"],
            motivation=data["motivation"],
            by=self.user,
        )

    def message(self, result) -> str:
        return gettext("%(name)s is a candidate in the chamber %(chamber)s.") % {
            "name": result.name,
            "chamber": result.get_chamber_display(),
        }


class ProxyForm(ElectionActionForm):
    title = _("Give a proxy")
    description = _(
        "Another member board votes for your board in this election. A board holds at most "
        "two proxies; you can revoke the proxy until it has been used."
    )
    submit_label = _("Give the proxy")
    holder = forms.CharField(label=_("Proxy holder (DUO number)"), max_length=10)

    def clean_holder(self) -> Board:
        number = self.cleaned_data["holder"].strip()
        board = Board.objects.filter(duo_number=number).first()
        if board is None:
            raise forms.ValidationError(_("No board with DUO number %(n)s.") % {"n": number})
        return board

    def run(self) -> Proxy:
        return services.proxy_grant(
            election=self.election,
            grantor=self.user.board,
            holder=self.cleaned_data["holder"],
            by=self.user,
        )

    def message(self, result) -> str:
        return gettext("%(holder)s now votes for %(grantor)s.") % {
            "holder": result.holder,
            "grantor": result.grantor,
        }


class RevokeProxyForm(ElectionActionForm):
    title = _("Revoke the proxy")
    submit_label = _("Revoke the proxy")
    danger = True

    def run(self):
        proxy = Proxy.objects.filter(election=self.election, grantor=self.user.board).first()
        if proxy is None:
            raise forms.ValidationError(_("Your board has not given a proxy."))
        services.proxy_revoke(proxy=proxy, by=self.user)

    def message(self, result) -> str:
        return gettext("The proxy is revoked; your board votes itself.")


class VoteForm(ElectionActionForm):
    """A vote for one board; the page shows one per board the user may vote for."""

    submit_label = _("Cast the vote")
    candidate = forms.ModelChoiceField(
        label=_("Candidate"), queryset=Candidate.objects.none(), widget=forms.RadioSelect
    )

    def __init__(self, *args, board: Board, chamber: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self.title = gettext("Vote for %(board)s") % {"board": board}
        self.fields["candidate"].queryset = self.election.candidates.filter(
            chamber=chamber
        ).order_by("name", "pk")
        self.fields["candidate"].label_from_instance = lambda c: f"{c.name} ({c.board})"

    def run(self):
        return services.vote_cast(
            election=self.election,
            board=self.board,
            candidate=self.cleaned_data["candidate"],
            by=self.user,
        )

    def message(self, result) -> str:
        return gettext(
            "The vote of %(board)s is cast. It is secret: Bundel records that the board "
            "voted, not for whom."
        ) % {"board": result.board}


class CountForm(ElectionActionForm):
    title = _("Count the votes and publish the results")
    description = _(
        "The candidates with the most votes take their chamber's seats; ties are decided "
        "by the lot drawn from the election's recorded seed. The elected take their seats "
        "for a full term."
    )
    submit_label = _("Count and publish")

    def run(self):
        return services.election_count(election=self.election, by=self.user)

    def message(self, result) -> str:
        return gettext("The results are published: %(n)s elected.") % {
            "n": sum(r.elected for r in result)
        }
