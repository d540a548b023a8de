"""Council elections: opening, nominations, proxies, the secret vote, the count."""

import random
import secrets
from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.selectors import is_member, member_board_ids
from bundel.registry.models import Board
from bundel.registry.selectors import with_registry_figures

from ..chambers import chamber_for
from ..constants import Body, Chamber, Phase
from ..models import (
    Appointment,
    Ballot,
    Candidate,
    Election,
    ElectionChamber,
    Proxy,
    Result,
    Voter,
    VoteReceipt,
)
from .common import require_staff, term_end


def _require_phase(election: Election, phase: Phase, action: str) -> None:
    current = election.phase()
    if current != phase:
        raise StateConflict(
            _("Cannot %(action)s: the election is in the phase “%(phase)s” (must be “%(must)s”).")
            % {"action": action, "phase": current.label, "must": phase.label},
            code="phase",
            params={"phase": current.value, "must": phase.value},
        )


def _require_member_chamber(election: Election, board: Board) -> Chamber:
    """The board's chamber on the election's roll, if the board is still a member."""
    if not is_member(board):
        raise PermissionDenied(
            _("Board %(n)s is not a member of the cooperative.") % {"n": board.duo_number}
        )
    chamber = election.roll.filter(board=board).values_list("chamber", flat=True).first()
    if chamber is None:
        raise PermissionDenied(
            _(
                "Board %(n)s is not on the electoral roll of this election: its chamber has no "
                "seats, or it was not a member when the election opened."
            )
            % {"n": board.duo_number}
        )
    return Chamber(chamber)


def _roll(seats: dict[str, int]) -> list[tuple[Board, Chamber]]:
    """The member boards now, with their chambers, for the chambers that have seats."""
    boards = with_registry_figures(Board.objects.filter(pk__in=member_board_ids()))
    roll = []
    for board in boards:
        chamber = chamber_for(has_po=board.has_po, has_vo=board.has_vo, pupils=board.current_pupils)
        if chamber is not None and chamber.value in seats:
            roll.append((board, chamber))
    return roll


@transaction.atomic
def election_open(
    *,
    title: str,
    seats: dict[str, int],
    nomination_opens_at: datetime,
    nomination_closes_at: datetime,
    voting_opens_at: datetime,
    voting_closes_at: datetime,
    term_starts_on: date | None = None,
    by,
) -> Election:
    """Open an election: the seats per chamber and the two periods. The electoral roll
    (today's member boards in those chambers) is fixed now, and the seed of the lot that
    breaks ties is drawn now; only its SHA-256 is shown until the count."""
    require_staff(by)
    seats = {chamber: n for chamber, n in seats.items() if n}
    unknown = set(seats) - set(Chamber.values)
    if unknown:
        raise RuleViolation(
            _("Unknown chamber: %(c)s.") % {"c": ", ".join(sorted(unknown))}, code="chamber"
        )
    if not seats:
        raise RuleViolation(_("An election needs seats in at least one chamber."), code="seats")
    if any(n < 0 for n in seats.values()):
        raise RuleViolation(_("Seats cannot be negative."), code="seats")
    close_day = timezone.localdate(voting_closes_at)
    term_starts_on = term_starts_on or close_day
    if term_starts_on < close_day:
        raise RuleViolation(
            _("Terms cannot start (%(start)s) before voting closes (%(close)s).")
            % {"start": term_starts_on, "close": close_day},
            code="term_start",
        )
    election = Election(
        title=title,
        nomination_opens_at=nomination_opens_at,
        nomination_closes_at=nomination_closes_at,
        voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at,
        term_starts_on=term_starts_on,
        seed=secrets.token_hex(16),
        created_by=by,
    )
    election.full_clean()
    election.save()
    ElectionChamber.objects.bulk_create(
        ElectionChamber(election=election, chamber=c, seats=n) for c, n in sorted(seats.items())
    )
    roll = _roll(seats)
    Voter.objects.bulk_create(Voter(election=election, board=b, chamber=c) for b, c in roll)
    audit_log(
        action="governance.election.opened",
        obj=election,
        actor=by,
        data={"seats": seats, "seed_sha256": election.seed_sha256, "roll": len(roll)},
    )
    return election


@transaction.atomic
def candidate_nominate(
    *, election: Election, name: str, email: str, board: Board, motivation: str, by
) -> Candidate:
    """A member board's contact nominates a person from a member board in its own chamber."""
    _require_phase(election, Phase.NOMINATION, _("nominate"))
    chamber = _require_member_chamber(election, board)
    if not by.is_cooperative_staff:
        if not (by.is_board_contact and by.board_id):
            raise PermissionDenied(_("Only a member board's contact may nominate."))
        own = _require_member_chamber(election, by.board)
        if own != chamber:
            raise RuleViolation(
                _(
                    "%(board)s is in the chamber %(chamber)s; you nominate in your own chamber "
                    "(%(own)s)."
                ),
                code="other_chamber",
                params={"board": board, "chamber": chamber.label, "own": own.label},
            )
    candidate = Candidate(
        election=election,
        chamber=chamber,
        name=name.strip(),
        email=email.strip().lower(),
        board=board,
        motivation=motivation.strip(),
        nominated_by=by,
    )
    candidate.full_clean()
    candidate.save()
    audit_log(
        action="governance.candidate.nominated",
        obj=candidate,
        actor=by,
        data={"election": election.pk, "board": board.duo_number, "chamber": chamber.value},
    )
    return candidate


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


@transaction.atomic
def proxy_grant(*, election: Election, grantor: Board, holder: Board, by) -> Proxy:
    """The grantor lets the holder vote for it. A holder holds at most ELECTION_MAX_PROXIES;
    a board that gave its vote away holds none, so a proxy is never passed on."""
    election = _locked(election)  # proxies of one election are granted one at a time
    if grantor is None or holder is None:
        raise RuleViolation(_("A proxy is given by a member board to another."), code="boards")
    if election.phase() not in (Phase.PLANNED, Phase.NOMINATION, Phase.WAITING, Phase.VOTING):
        raise StateConflict(_("Voting has closed; proxies can no longer be given."), code="phase")
    if not (by.is_cooperative_staff or by.acts_for(grantor)):
        raise PermissionDenied(_("You do not act for board %(n)s.") % {"n": grantor.duo_number})
    _require_member_chamber(election, grantor)
    if not is_member(holder):
        raise RuleViolation(
            _("Board %(n)s is not a member; only a member can hold a proxy.")
            % {"n": holder.duo_number},
            code="holder_not_member",
        )
    if grantor.pk == holder.pk:
        raise RuleViolation(_("A board cannot give a proxy to itself."), code="self")
    if VoteReceipt.objects.filter(election=election, board=grantor).exists():
        raise StateConflict(_("%(b)s has already voted.") % {"b": grantor}, code="voted")
    if Proxy.objects.filter(election=election, grantor=grantor).exists():
        raise StateConflict(
            _("%(b)s has already given a proxy; revoke it first.") % {"b": grantor}, code="given"
        )
    if Proxy.objects.filter(election=election, grantor=holder).exists():
        raise RuleViolation(
            _("%(h)s gave its own vote to another board and cannot hold a proxy.") % {"h": holder},
            code="holder_gave_proxy",
        )
    if Proxy.objects.filter(election=election, holder=grantor).exists():
        raise RuleViolation(
            _("%(g)s holds proxies of other boards and cannot give its vote away.")
            % {"g": grantor},
            code="grantor_holds",
        )
    held = Proxy.objects.filter(election=election, holder=holder).count()
    if held >= settings.ELECTION_MAX_PROXIES:
        raise RuleViolation(
            _("%(h)s already holds %(n)s proxies, the most a member may hold."),
            code="max_proxies",
            params={"h": str(holder), "n": held, "held": held},
        )
    proxy = Proxy(election=election, grantor=grantor, holder=holder, granted_by=by)
    proxy.full_clean()
    proxy.save()
    audit_log(
        action="governance.proxy.granted",
        obj=proxy,
        actor=by,
        data={"grantor": grantor.duo_number, "holder": holder.duo_number},
    )
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, by) -> None:
    election = _locked(proxy.election)
    if not (by.is_cooperative_staff or by.acts_for(proxy.grantor)):
        raise PermissionDenied(
            _("You do not act for board %(n)s.") % {"n": proxy.grantor.duo_number}
        )
    if VoteReceipt.objects.filter(election=election, board=proxy.grantor).exists():
        raise StateConflict(
            _("The proxy has been used: %(b)s has voted.") % {"b": proxy.grantor}, code="voted"
        )
    audit_log(
        action="governance.proxy.revoked",
        obj=proxy,
        actor=by,
        data={"grantor": proxy.grantor.duo_number, "holder": proxy.holder.duo_number},
    )
    proxy.delete()


def _via_proxy(election: Election, board: Board, by) -> bool:
    """Whether `by` votes for `board` as proxy holder; refuses who may not vote for it."""
    proxy = Proxy.objects.filter(election=election, grantor=board).select_related("holder").first()
    if by.acts_for(board):
        if proxy:
            raise RuleViolation(
                _("%(b)s gave its proxy to %(h)s; that board votes for it.")
                % {"b": board, "h": proxy.holder},
                code="proxy_given",
            )
        return False
    if proxy and by.acts_for(proxy.holder):
        return True
    raise PermissionDenied(
        _("You may not vote for board %(n)s: you are not its contact or its proxy holder.")
        % {"n": board.duo_number}
    )


@transaction.atomic
def vote_cast(*, election: Election, board: Board, candidate: Candidate, by) -> VoteReceipt:
    """One vote per member board, in its chamber on the roll, by its contact or its proxy
    holder.

    The receipt (who voted) and the ballot (for whom) are written in one transaction under
    a lock on the election, so a vote, a proxy being revoked and the count never interleave;
    the unique receipt per board makes a second vote fail in the database, also when two
    arrive at the same moment."""
    election = _locked(election)
    _require_phase(election, Phase.VOTING, _("vote"))
    chamber = _require_member_chamber(election, board)
    via_proxy = _via_proxy(election, board, by)
    if candidate.election_id != election.pk:
        raise RuleViolation(_("This candidate is not standing in this election."), code="candidate")
    if candidate.chamber != chamber:
        raise RuleViolation(
            _("%(name)s stands in the chamber %(other)s; %(board)s votes in %(chamber)s.")
            % {
                "name": candidate.name,
                "other": Chamber(candidate.chamber).label,
                "board": board,
                "chamber": chamber.label,
            },
            code="other_chamber",
        )
    try:
        with transaction.atomic():
            receipt = VoteReceipt.objects.create(
                election=election, board=board, chamber=chamber, cast_by=by, via_proxy=via_proxy
            )
            Ballot.objects.create(election=election, chamber=chamber, candidate=candidate)
    except IntegrityError:
        raise StateConflict(
            _("%(b)s has already voted in this election.") % {"b": board}, code="voted"
        ) from None
    audit_log(
        action="governance.vote.cast",
        obj=receipt,
        actor=by,
        data={"board": board.duo_number, "via_proxy": via_proxy},
    )
    return receipt


def _reshuffle_ballots(election: Election) -> list[tuple[str, int]]:
    """Write the election's ballots anew, in a random order with new keys, in this one
    transaction: afterwards neither their order nor the database's transaction ids
    (PostgreSQL's xmin) follow the order of the receipts. Returns (chamber, candidate)."""
    votes = list(Ballot.objects.filter(election=election).values_list("chamber", "candidate_id"))
    secrets.SystemRandom().shuffle(votes)
    Ballot.objects.filter(election=election).delete()
    Ballot.objects.bulk_create(
        Ballot(election=election, chamber=chamber, candidate_id=candidate)
        for chamber, candidate in votes
    )
    return votes


def ranked(votes: dict[int, int], seed: str) -> list[tuple[int, int, bool]]:
    """`(candidate, votes, by_lot)` best first: more votes first, equal votes in an order
    drawn by lot from the seed, so the same count always gives the same ranking."""
    draw = random.Random(seed)
    order = sorted(votes)
    draw.shuffle(order)
    lot = {pk: i for i, pk in enumerate(order)}
    counts: dict[int, int] = defaultdict(int)
    for n in votes.values():
        counts[n] += 1
    ranking = sorted(votes, key=lambda pk: (-votes[pk], lot[pk]))
    return [(pk, votes[pk], counts[votes[pk]] > 1) for pk in ranking]


def _end_sitting_council(election: Election, by) -> None:
    """The new council takes over the chambers it was elected for: seats of those chambers
    still running on the day the new terms start end that day."""
    day = election.term_starts_on
    sitting = Appointment.objects.filter(
        body=Body.COUNCIL,
        chamber__in=election.chambers.values("chamber"),
        starts_on__lt=day,
        ends_on__gt=day,
        ended_on__isnull=True,
    )
    for seat in sitting:
        seat.ended_on = day
        seat.end_reason = _("Succeeded by the council elected in “%(e)s”.") % {"e": election}
        seat.save(update_fields=["ended_on", "end_reason"])
        audit_log(
            action="governance.appointment.ended",
            obj=seat,
            actor=by,
            data={"ended_on": day, "reason": seat.end_reason},
        )


@transaction.atomic
def election_count(*, election: Election, by) -> list[Result]:
    """After voting closes: count per candidate, rank per chamber, seat the elected for a
    term and publish. Counting twice is refused."""
    require_staff(by)
    election = _locked(election)
    _require_phase(election, Phase.CLOSED, _("count the votes"))
    seats = dict(election.chambers.values_list("chamber", "seats"))
    candidates = {c.pk: c for c in election.candidates.select_related("board")}
    votes = dict.fromkeys(candidates, 0)
    for _chamber, candidate_id in _reshuffle_ballots(election):
        votes[candidate_id] += 1
    by_chamber: dict[str, dict[int, int]] = defaultdict(dict)
    for pk, n in votes.items():
        by_chamber[candidates[pk].chamber][pk] = n
    results = []
    for chamber, chamber_votes in sorted(by_chamber.items()):
        for rank, (pk, n, by_lot) in enumerate(
            ranked(chamber_votes, f"{election.seed}:{chamber}"), start=1
        ):
            results.append(
                Result(
                    election=election,
                    candidate=candidates[pk],
                    chamber=chamber,
                    votes=n,
                    rank=rank,
                    elected=rank <= seats.get(chamber, 0),
                    by_lot=by_lot,
                )
            )
    Result.objects.bulk_create(results)
    elected_emails = [candidates[r.candidate_id].email for r in results if r.elected]
    users = {
        u.email.lower(): u
        for u in get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=elected_emails)
    }
    _end_sitting_council(election, by)
    ends_on = term_end(election.term_starts_on)
    for result in results:
        if result.elected:
            candidate = candidates[result.candidate_id]
            appointment = Appointment.objects.create(
                body=Body.COUNCIL,
                name=candidate.name,
                email=candidate.email,
                user=users.get(candidate.email),
                board=candidate.board,
                chamber=candidate.chamber,
                starts_on=election.term_starts_on,
                ends_on=ends_on,
                election=election,
            )
            audit_log(
                action="governance.appointment.created",
                obj=appointment,
                actor=by,
                data={"body": Body.COUNCIL, "election": election.pk},
            )
    election.counted_at = timezone.now()
    election.save(update_fields=["counted_at"])
    audit_log(
        action="governance.election.counted",
        obj=election,
        actor=by,
        data={
            "ballots": sum(votes.values()),
            "elected": sum(r.elected for r in results),
            "seed": election.seed,
        },
    )
    return results
