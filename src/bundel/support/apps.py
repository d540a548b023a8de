from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "bundel.support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from bundel.core.versions import bumper
        from bundel.membership.models import Membership, NationalTotal, SupportSnapshot

        # The dashboard is cached under this version (and the registry's): any change of
        # what its figures are made of gives the next request a new key.
        receiver = bumper("support")
        for model in (Membership, NationalTotal, SupportSnapshot):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"support-{model}")
