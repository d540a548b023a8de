"""Showing audit entries to people: translated verbs and field names, not raw codes."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

register = template.Library()

VERBS = {
    "created": _("created"),
    "updated": _("changed"),
    "added": _("added"),
    "changed": _("changed"),
    "deleted": _("deleted"),
    "recorded": _("recorded"),
    "interest_declared": _("interest declared"),
    "applied": _("applied"),
    "admitted": _("admitted"),
    "rejected": _("rejected"),
    "founding_marked": _("marked as founding member"),
    "notice_given": _("notice given"),
    "notice_withdrawn": _("notice withdrawn"),
    "ended": _("ended"),
    "agreement_signed": _("agreement signed"),
    "settlement_recorded": _("settlement recorded"),
    "ordered": _("ordered"),
    "terminating": _("termination requested"),
    "capacity_changed": _("capacity changed"),
    "planned": _("planned"),
    "started": _("started"),
    "completed": _("completed"),
    # governance
    "opened": _("opened"),
    "nominated": _("nominated"),
    "granted": _("granted"),
    "revoked": _("revoked"),
    "cast": _("vote cast"),
    "counted": _("counted and published"),
    "voted": _("voted"),
    "decided": _("decided"),
    "published": _("published"),
    # tenders
    "demand_opened": _("opened for demand registration"),
    "closed": _("closed"),
    "evaluation_started": _("evaluation started"),
    "award_decided": _("award decided"),
    "standstill_started": _("standstill started"),
    "contracted": _("contracted"),
    "cancelled": _("cancelled"),
    # events
    "confirmed": _("place confirmed"),
    "waitlisted": _("on the waiting list"),
    "promoted": _("moved up from the waiting list"),
    "reminded": _("reminder sent"),
    "renewed": _("renewed"),
    # bidding
    "uploaded": _("uploaded"),
    "asked": _("question asked"),
    "answered": _("answered"),
    "submitted": _("submitted"),
    "superseded": _("superseded"),
    "saved": _("saved"),
    "consolidated": _("consolidated"),
    # accounts
    "two_factor_set_up": _("two-factor login set up"),
    "two_factor_turned_off": _("two-factor login turned off"),
    "two_factor_reset": _("two-factor login reset"),
    "two_factor_installed": _("two-factor login installed"),
    "backup_codes_generated": _("backup codes generated"),
    "backup_code_used": _("backup code used"),
    "retried": _("to be sent again"),
    "api_token_created": _("API token created"),
    "api_token_revoked": _("API token revoked"),
}


@register.filter
def audit_action(entry) -> str:
    """'membership.admitted' -> 'admitted'; 'registry.board.updated' -> 'changed'."""
    verb = entry.action.rsplit(".", 1)[-1]
    return str(VERBS.get(verb, verb.replace("_", " ")))


@register.filter
def audit_field(entry, name: str) -> str:
    model = entry.content_type.model_class()
    field_name = name[:-3] if name.endswith("_id") else name
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name.replace("_", " ")
