from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "bundel.subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from bundel.catalogue.models import CapacityOption, Product
        from bundel.core.versions import bumper

        from .constants import SUBSCRIPTIONS_VERSION
        from .models import MigrationWave, Subscription

        # What the services pages read of a board is cached under this version
        # (selectors.board_cached): any change of a subscription, a wave or its
        # locations, or a product's name or capacity has it computed anew. The services'
        # bulk writes (no signals) move it themselves.
        receiver = bumper(SUBSCRIPTIONS_VERSION)
        for model in (Subscription, MigrationWave, Product, CapacityOption):
            for signal in (post_save, post_delete):
                uid = f"subscriptions-{model.__name__}-{signal is post_save}"
                signal.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        m2m_changed.connect(
            receiver,
            sender=MigrationWave.locations.through,
            weak=False,
            dispatch_uid="subscriptions-wave-locations",
        )
