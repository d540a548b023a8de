from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "bundel.knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from bundel.core.versions import bumper

        from .models import Category, Document, DocumentVersion, Tag

        # The search results are cached under this version: any change of a document,
        # its versions, tags or categories gives the next search a new key.
        receiver = bumper("knowledge")
        for model in (Category, Document, DocumentVersion, Tag):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"kb-{model}")
        m2m_changed.connect(
            receiver, sender=Document.tags.through, weak=False, dispatch_uid="kb-tags"
        )
