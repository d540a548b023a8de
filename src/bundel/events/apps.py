from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "bundel.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from bundel.core.versions import bumper

        from .models import Event, Registration

        # The lists of events are cached under this version (selectors.cached_list): any
        # change of an event or a registration (the places taken) has them computed anew.
        receiver = bumper("events")
        for model in (Event, Registration):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"events-{model}")
