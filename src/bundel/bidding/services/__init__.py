"""The writes of bidding: documents, questions and the nota, sealed bids, evaluation.
Every rule lives here; pages, API and admin call these."""

from .bids import bid_submit, canonical_json, contents_sha256
from .documents import document_upload
from .evaluation import (
    ScoreInput,
    award_reasons_set,
    committee_set,
    current_bids,
    scale_of,
    scores_consolidate,
    scores_save,
)
from .questions import question_answer, question_ask, questions_close_at

__all__ = [
    "ScoreInput",
    "award_reasons_set",
    "bid_submit",
    "canonical_json",
    "committee_set",
    "contents_sha256",
    "current_bids",
    "document_upload",
    "question_answer",
    "question_ask",
    "questions_close_at",
    "scale_of",
    "scores_consolidate",
    "scores_save",
]
