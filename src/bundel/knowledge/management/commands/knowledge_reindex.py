"""Rebuild the search index of every document (after changing KNOWLEDGE_SEARCH_CONFIG,
or after moving the data between SQLite and PostgreSQL)."""

from django.core.management.base import BaseCommand

from bundel.knowledge.services import reindex_all


class Command(BaseCommand):
    help = "Rebuild the knowledge base's search index."

    def handle(self, *args, **options) -> None:
        count = reindex_all()
        self.stdout.write(f"Search index rebuilt for {count} documents.")
