"""Election pages: the list, opening one (staff), and one election with the actions its
phase allows the viewer: nominate, give or revoke a proxy, vote, count."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bundel.core.forms import run_action
from bundel.membership.selectors import is_member, user_is_member
from bundel.membership.views import staff_required

from .. import election_forms as forms
from ..constants import Chamber, Phase
from ..models import Election, Proxy, VoteReceipt
from ..selectors import chamber_seats
from ..selectors.elections import (
    boards_user_votes_for,
    candidates_by_chamber,
    election_results,
    elections_visible_to,
    turnout,
)


def _require_member(user) -> None:
    if not user_is_member(user):
        raise PermissionDenied(_("Elections are for the cooperative's members and staff."))


@login_required
def election_list(request):
    _require_member(request.user)
    page = Paginator(elections_visible_to(request.user), settings.LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "governance/elections.html", {"page": page})


@staff_required
def election_new(request):
    allocation = chamber_seats().allocation
    seats = allocation.seats if allocation else {}
    form = forms.ElectionForm(request.POST or None, user=request.user, seats=seats)
    if request.method == "POST" and run_action(request, form):
        return redirect(form.result)
    return render(request, "governance/election_new.html", {"form": form})


def _actions(user, election: Election, bound: dict) -> dict:
    """The forms the viewer may use now, keyed by action name; a bound one replaces its
    blank form so its errors show."""
    phase = election.phase()
    shown: dict = {}

    def offer(name, form_class):
        shown[name] = bound.get(name) or form_class(user=user, election=election, prefix=name)

    if user.is_cooperative_staff and phase == Phase.CLOSED:
        offer("count", forms.CountForm)
    if not (user.is_board_contact and is_member(user.board)):
        return shown
    if phase == Phase.NOMINATION:
        offer("nominate", forms.NominateForm)
    voted = VoteReceipt.objects.filter(election=election, board=user.board).exists()
    if not voted and phase in (Phase.PLANNED, Phase.NOMINATION, Phase.WAITING, Phase.VOTING):
        given = Proxy.objects.filter(election=election, grantor=user.board).exists()
        if given:
            offer("revoke", forms.RevokeProxyForm)
        else:
            offer("proxy", forms.ProxyForm)
    return shown


def _vote_forms(user, election: Election, voters, bound: dict) -> list:
    if election.phase() != Phase.VOTING:
        return [(voter, None) for voter in voters]
    rows = []
    for voter in voters:
        form = None
        if not voter.voted and not voter.blocked:
            name = f"vote-{voter.board.duo_number}"
            form = bound.get(name) or forms.VoteForm(
                user=user,
                election=election,
                board=voter.board,
                chamber=voter.chamber.value,
                prefix=name,
            )
        rows.append((voter, form))
    return rows


def _bind(request, user, election: Election, voters) -> tuple[dict, bool]:
    """Bind the posted action's form and run it: (bound forms, done)."""
    name = request.POST.get("action", "")
    simple = {
        "count": forms.CountForm,
        "nominate": forms.NominateForm,
        "proxy": forms.ProxyForm,
        "revoke": forms.RevokeProxyForm,
    }
    if name in simple:
        form = simple[name](request.POST, user=user, election=election, prefix=name)
    elif name.startswith("vote-"):
        voter = next((v for v in voters if f"vote-{v.board.duo_number}" == name), None)
        if voter is None or voter.chamber is None:
            raise PermissionDenied(_("You may not vote for this board."))
        form = forms.VoteForm(
            request.POST,
            user=user,
            election=election,
            board=voter.board,
            chamber=voter.chamber.value,
            prefix=name,
        )
    else:
        raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
    return {name: form}, run_action(request, form)


def _turnout_rows(election: Election) -> list[tuple[str, int]]:
    voted = turnout(election)
    return [(c.get_chamber_display(), voted.get(c.chamber, 0)) for c in election.chambers.all()]


@login_required
def election_detail(request, pk: int):
    user = request.user
    election = elections_visible_to(user).filter(pk=pk).first()
    if election is None:
        _require_member(user)
        raise Http404(_("No such election."))
    voters = boards_user_votes_for(user, election)
    bound: dict = {}
    if request.method == "POST":
        bound, done = _bind(request, user, election, voters)
        if done:
            return redirect(election)
    phase = election.phase()
    given = (
        Proxy.objects.filter(election=election, grantor=user.board).select_related("holder").first()
        if user.board_id
        else None
    )
    context = {
        "election": election,
        "phase": phase,
        "Phase": Phase,
        "chambers": list(election.chambers.all()),
        "candidates": [
            (Chamber(chamber).label, people)
            for chamber, people in candidates_by_chamber(election).items()
        ],
        "votes": _vote_forms(user, election, voters, bound),
        "actions": _actions(user, election, bound),
        "proxy_given": given,
        "results": election_results(election),
        "turnout": _turnout_rows(election) if user.is_cooperative_staff else None,
    }
    return render(request, "governance/election.html", context)
