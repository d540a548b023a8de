from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "bundel.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from . import summaries
        from .models import Board, Location, PupilCount

        # Keep BoardSummary current on single saves; the DUO import (bulk writes, no
        # signals) refreshes every board itself.
        post_save.connect(summaries.board_saved, sender=Board, dispatch_uid="summary-board")
        post_delete.connect(summaries.board_deleted, sender=Board, dispatch_uid="summary-board-d")
        pre_save.connect(
            summaries.location_before_save, sender=Location, dispatch_uid="summary-loc-pre"
        )
        for signal, uid in ((post_save, "summary-loc"), (post_delete, "summary-loc-d")):
            signal.connect(summaries.location_changed, sender=Location, dispatch_uid=uid)
        for signal, uid in ((post_save, "summary-count"), (post_delete, "summary-count-d")):
            signal.connect(summaries.pupil_count_changed, sender=PupilCount, dispatch_uid=uid)
