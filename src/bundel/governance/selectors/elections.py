"""Reading elections: who sees them, who may vote for which board, the results."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from bundel.membership.selectors import is_member, user_is_member
from bundel.registry.models import Board

from ..constants import Chamber, Phase
from ..models import Candidate, Election, ElectionChamber, Proxy, Result, VoteReceipt


def elections_visible_to(user) -> QuerySet[Election]:
    """Staff and the people of member boards see elections; nobody else does."""
    if not user_is_member(user):
        return Election.objects.none()
    return (
        Election.objects.prefetch_related(
            Prefetch("chambers", queryset=ElectionChamber.objects.order_by("chamber"))
        )
        .annotate(candidate_count=Count("candidates", distinct=True))
        .order_by("-voting_closes_at", "-pk")
    )


@dataclass
class BoardVote:
    """A board the user may vote for in an election, and what stands in the way."""

    board: Board
    chamber: Chamber | None
    via_proxy: bool
    voted: bool
    blocked: str = ""


def boards_user_votes_for(user, election: Election) -> list[BoardVote]:
    """The user's own board (unless it gave its proxy away) and the boards whose proxy its
    board holds. Staff vote for nobody."""
    if not (user.is_authenticated and user.is_board_contact and user.board_id):
        return []
    own = user.board
    given = Proxy.objects.filter(election=election, grantor=own).select_related("holder").first()
    boards = [] if given else [(own, False)]
    held = Proxy.objects.filter(election=election, holder=own).select_related("grantor")
    boards += [(proxy.grantor, True) for proxy in held]
    ids = [b.pk for b, _ in boards]
    voted = set(
        VoteReceipt.objects.filter(election=election, board__in=ids).values_list(
            "board_id", flat=True
        )
    )
    roll = dict(election.roll.filter(board__in=ids).values_list("board_id", "chamber"))
    voters = []
    for board, via_proxy in boards:
        chamber = Chamber(roll[board.pk]) if board.pk in roll else None
        voter = BoardVote(board, chamber, via_proxy, board.pk in voted)
        if chamber is None:
            voter.blocked = "not_on_roll"
        elif not is_member(board):
            voter.blocked = "not_member"
        voters.append(voter)
    return voters


@dataclass
class ChamberResult:
    chamber: Chamber
    seats: int
    results: list[Result] = field(default_factory=list)
    ballots: int = 0

    @property
    def elected(self) -> list[Result]:
        return [r for r in self.results if r.elected]

    @property
    def vacant(self) -> int:
        return max(self.seats - len(self.elected), 0)


def election_results(election: Election) -> list[ChamberResult]:
    """Per chamber: its seats, the candidates by rank with their votes, who was elected."""
    if election.phase() != Phase.COUNTED:
        return []
    chambers = {
        c.chamber: ChamberResult(Chamber(c.chamber), c.seats)
        for c in election.chambers.order_by("chamber")
    }
    for result in Result.objects.filter(election=election).select_related("candidate__board"):
        chambers[result.chamber].results.append(result)
        chambers[result.chamber].ballots += result.votes
    for chamber in chambers.values():
        chamber.results.sort(key=lambda r: r.rank)
    return list(chambers.values())


def candidates_by_chamber(election: Election) -> dict[str, list[Candidate]]:
    chambers = election.chambers.values_list("chamber", flat=True)
    grouped: dict[str, list[Candidate]] = {chamber: [] for chamber in chambers}
    for candidate in election.candidates.select_related("board").order_by("name", "pk"):
        grouped.setdefault(candidate.chamber, []).append(candidate)
    return grouped


def turnout(election: Election) -> dict[str, int]:
    """Boards that voted per chamber (receipts, not ballots)."""
    rows = (
        VoteReceipt.objects.filter(election=election)
        .values("chamber")
        .annotate(n=Count("pk"))
        .values_list("chamber", "n")
    )
    return dict(rows)
