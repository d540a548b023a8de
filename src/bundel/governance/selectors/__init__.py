"""The reads of governance. One visibility rule per model lives here (see access.py)."""

from .bodies import appointment_history as appointment_history
from .bodies import appointments_visible_to as appointments_visible_to
from .bodies import composition_on as composition_on
from .chambers import ChamberSeats, board_chamber, chamber_seats, member_chambers
from .meetings import documents_visible_to as documents_visible_to
from .meetings import meetings_visible_to as meetings_visible_to
from .meetings import proposals_visible_to as proposals_visible_to

__all__ = ["ChamberSeats", "board_chamber", "chamber_seats", "member_chambers"]
