"""The writes of governance: elections, bodies, meetings. Every rule lives here."""

from .bodies import appointment_create, appointment_end
from .elections import (
    candidate_nominate,
    election_count,
    election_open,
    proxy_grant,
    proxy_revoke,
    vote_cast,
)
from .meetings import (
    document_add,
    meeting_create,
    minutes_publish,
    proposal_add,
    proposal_close,
    proposal_open,
    proposal_vote,
)

__all__ = [
    "appointment_create",
    "appointment_end",
    "candidate_nominate",
    "document_add",
    "election_count",
    "election_open",
    "meeting_create",
    "minutes_publish",
    "proposal_add",
    "proposal_close",
    "proposal_open",
    "proposal_vote",
    "proxy_grant",
    "proxy_revoke",
    "vote_cast",
]
