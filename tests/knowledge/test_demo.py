"""The demo content: created through the services, once, and searchable in Dutch."""

import pytest

from bundel.audit.models import AuditEntry
from bundel.knowledge import selectors
from bundel.knowledge.demo import DOCUMENTS, seed_demo
from bundel.knowledge.models import Category, Document, DocumentVersion


@pytest.mark.django_db
def test_the_demo_content_is_created_once_and_found_in_dutch(staff, member, outsider):
    assert seed_demo(staff=staff) == len(DOCUMENTS) == 16
    assert seed_demo(staff=staff) == 0

    assert Document.objects.count() == 16
    assert list(Category.objects.values_list("code", flat=True)) == [
        "procurement",
        "ict",
        "security",
        "rates",
    ]
    assert DocumentVersion.objects.count() == 18  # two documents have a second version
    assert AuditEntry.objects.filter(action="knowledge.document.created").count() == 16
    leidraad = Document.objects.get(title__startswith="Model aanbestedingsleidraad")
    assert leidraad.current_version.number == 2 and leidraad.current_version.file_kind == "pdf"

    def found(user, q):
        documents = selectors.document_search(user=user, filters=selectors.Filters(q=q))
        return {d.title for d in documents}

    # "gunnen op waarde" is only in the text of the leidraad's PDF and in the guidance.
    assert found(member, "gunnen op waarde") == {
        "Model aanbestedingsleidraad Europese openbare procedure",
        "Handreiking gunningscriteria: beste prijs-kwaliteitverhouding",
    }
    assert "Model aanbestedingsleidraad Europese openbare procedure" in found(
        member, "aanbesteding"
    )
    assert found(outsider, "gunnen op waarde") == {
        "Handreiking gunningscriteria: beste prijs-kwaliteitverhouding"
    }
