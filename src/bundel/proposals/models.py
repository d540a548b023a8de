"""A run that writes the proposal PDFs of every prospective board, started by staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import BatchState


class ProposalBatch(models.Model):
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BatchState.choices, default=BatchState.RUNNING
    )
    total = models.PositiveIntegerField(_("boards"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    zip_path = models.CharField(_("ZIP file"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)

    class Meta:
        verbose_name = _("proposal batch")
        verbose_name_plural = _("proposal batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
