"""Tags are reference data staff keep in the admin: renaming or deleting one goes through
`services.tag_update` / `tag_delete`, which reindex the documents it is on (their search
index holds the tag's name), audited. On PostgreSQL the stored tsvector is searched."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation
from bundel.knowledge import selectors, services
from bundel.knowledge.models import Document, Tag

from .factories import make_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/admin/knowledge/tag/"


def found(user, q: str) -> list[str]:
    documents = selectors.document_search(user=user, filters=selectors.Filters(q=q))
    return sorted(d.title for d in documents)


@pytest.fixture
def tagged(staff):
    """Two documents tagged "Wifi" whose own texts do not say wifi or draadloos, and one
    without the tag."""
    return [
        make_document(staff, title=title, body="Eén access point per lokaal.", tags=tags)
        for title, tags in (
            ("Netwerkadvies", ["Wifi", "netwerk"]),
            ("Dekking per lokaal", ["Wifi"]),
            ("Phishing", ["beveiliging"]),
        )
    ]


def test_renaming_a_tag_reindexes_its_documents_audited(staff, tagged):
    tag = Tag.objects.get(name="Wifi")
    assert found(staff, "wifi") == ["Dekking per lokaal", "Netwerkadvies"]

    renamed = services.tag_update(tag=tag, by=staff, name="  Draadloos   netwerk ")

    assert (renamed.name, renamed.slug) == ("Draadloos netwerk", "wifi")
    assert found(staff, "wifi") == []
    assert found(staff, "draadloos") == ["Dekking per lokaal", "Netwerkadvies"]
    entry = AuditEntry.objects.get(action="knowledge.tag.changed")
    assert entry.actor == staff and entry.object_id == str(tag.pk)
    assert entry.changes == {"name": ["Wifi", "Draadloos netwerk"]}
    assert entry.data == {"documents": 2}


def test_renaming_in_the_admin_goes_through_the_service(staff_client, staff, tagged):
    tag = Tag.objects.get(name="Wifi")

    response = staff_client.post(f"{URL}{tag.pk}/change/", {"name": "Draadloos", "slug": "wifi"})

    assert response.status_code == 302
    assert found(staff, "draadloos") == ["Dekking per lokaal", "Netwerkadvies"]
    assert found(staff, "wifi") == []
    assert AuditEntry.objects.filter(action="knowledge.tag.changed").count() == 1


def test_deleting_a_tag_in_the_admin_takes_it_out_of_the_index(staff_client, staff, tagged):
    tag = Tag.objects.get(name="Wifi")

    response = staff_client.post(f"{URL}{tag.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Tag.objects.filter(name="Wifi").exists()
    assert found(staff, "wifi") == []
    assert found(staff, "netwerk") == ["Netwerkadvies"]
    entry = AuditEntry.objects.get(action="knowledge.tag.deleted")
    assert entry.data == {"name": "Wifi", "slug": "wifi", "documents": 2}


def test_a_tag_added_in_the_admin_is_audited(staff_client, staff):
    response = staff_client.post(f"{URL}add/", {"name": "Cloud", "slug": "cloud"})

    assert response.status_code == 302
    tag = Tag.objects.get(slug="cloud")
    entry = AuditEntry.objects.get(action="knowledge.tag.added")
    assert entry.object_id == str(tag.pk) and entry.data == {"name": "Cloud", "slug": "cloud"}


def test_an_unchanged_save_writes_nothing(staff, tagged):
    tag = Tag.objects.get(name="Wifi")
    before = AuditEntry.objects.count()

    services.tag_update(tag=tag, by=staff, name="Wifi", slug="wifi")

    assert AuditEntry.objects.count() == before


def test_a_rename_is_refused_like_a_new_tag_and_stores_nothing(staff, member, tagged):
    tag = Tag.objects.get(name="Wifi")
    before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.tag_update(tag=tag, by=member, name="Draadloos")
    with pytest.raises(RuleViolation) as empty:
        services.tag_update(tag=tag, by=staff, name="!!!")
    with pytest.raises(ValidationError):  # the name of another tag
        services.tag_update(tag=tag, by=staff, name="netwerk")

    assert empty.value.code == "tag_invalid"
    tag.refresh_from_db()
    assert tag.name == "Wifi" and AuditEntry.objects.count() == before
    assert found(staff, "wifi") == ["Dekking per lokaal", "Netwerkadvies"]
    assert Document.objects.count() == 3


def test_the_admin_form_shows_a_refused_name_and_stores_nothing(staff_client, staff, tagged):
    tag = Tag.objects.get(name="Wifi")

    response = staff_client.post(f"{URL}{tag.pk}/change/", {"name": "!!!", "slug": "wifi"})

    assert response.status_code == 200
    assert "The tag “!!!” has no letters or digits." in response.content.decode()
    tag.refresh_from_db()
    assert tag.name == "Wifi"
    assert not AuditEntry.objects.filter(action__startswith="knowledge.tag.").exists()
