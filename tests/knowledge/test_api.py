"""GET /api/v1/documents/?q= and its detail: the same search and visibility as the
pages, paginated like the other API lists, a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.knowledge import services
from bundel.knowledge.constants import Visibility
from bundel.knowledge.models import Document

from .factories import make_document, pdf_bytes, upload

pytestmark = pytest.mark.usefixtures("english")


def listed(client, **params) -> dict:
    response = client.get("/api/v1/documents/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_search_answers_ranked_documents_with_marked_snippets(client, staff, categories):
    document = make_document(
        staff,
        title="Europese aanbestedingen",
        category=categories["procurement"],
        visibility=Visibility.PUBLIC,
        tags=["aanbesteding", "Europees"],
        body="Bij aanbestedingen boven de drempel geldt een Europese procedure.",
        upload=upload("leidraad.pdf", pdf_bytes("Leidraad")),
    )

    body = listed(client, q="aanbesteding")

    assert body["count"] == 1 and body["next"] is None
    (shown,) = body["results"]
    assert shown["rank"] > 0
    assert "<mark>aanbestedingen</mark>" in shown["snippet"]
    del shown["rank"], shown["snippet"], shown["updated_at"]
    assert shown == {
        "id": document.pk,
        "title": "Europese aanbestedingen",
        "category": "procurement",
        "category_name": "Procurement documents",
        "visibility": "public",
        "state": "published",
        "tags": ["aanbesteding", "Europees"],
        "version": 1,
        "file": {
            "name": "leidraad.pdf",
            "kind": "pdf",
            "size": len(pdf_bytes("Leidraad")),
            "download_url": f"http://testserver/knowledge/{document.pk}/versions/1/file/",
        },
        "url": f"http://testserver/api/v1/documents/{document.pk}/",
        "web_url": f"http://testserver/knowledge/{document.pk}/",
    }


def test_the_detail_has_the_text_and_every_version(client, staff):
    document = make_document(staff, title="Wifi", visibility=Visibility.PUBLIC, body="Versie 1")
    services.document_add_version(document=document, by=staff, body="Versie 2", note="Bijgewerkt")

    response = client.get(f"/api/v1/documents/{document.pk}/")

    shown = response.json()
    assert response.status_code == 200
    assert (shown["body"], shown["version"], shown["owner"]) == (
        "Versie 2",
        2,
        staff.get_full_name(),
    )
    assert [(v["number"], v["note"], v["file"]) for v in shown["versions"]] == [
        (2, "Bijgewerkt", None),
        (1, "", None),
    ]
    assert (
        shown["versions"][1]["web_url"] == f"http://testserver/knowledge/{document.pk}/versions/1/"
    )


@pytest.mark.parametrize(
    ("who", "count"),
    [
        (None, 1),
        ("supplier", 1),
        ("outsider", 1),
        ("interested", 2),
        ("member", 3),
        ("staff", 4),
    ],
)
def test_each_user_gets_the_documents_of_their_levels(request, client, library, who, count):
    if who:
        client.force_login(request.getfixturevalue(who))

    body = listed(client, q="wifi")

    assert body["count"] == count
    for name, document in library.items():
        listed_ids = {d["id"] for d in body["results"]}
        detail = client.get(f"/api/v1/documents/{document.pk}/")
        assert detail.status_code == (200 if document.pk in listed_ids else 404), name


def test_the_outsider_gets_nothing_of_a_members_document(client, outsider, staff):
    secret = make_document(staff, title="Tarieven", visibility=Visibility.MEMBERS, body="Geheim")
    client.force_login(outsider)

    assert listed(client)["count"] == 0
    assert listed(client, q="tarieven")["count"] == 0
    response = client.get(f"/api/v1/documents/{secret.pk}/")
    assert response.status_code == 404
    assert b"Tarieven" not in response.content


def test_filters_by_category_tag_and_dates_and_refuses_a_wrong_range(client, staff, categories):
    now = timezone.now()
    today = timezone.localdate()
    make_document(
        staff,
        title="Leidraad",
        visibility="public",
        category=categories["procurement"],
        tags=["wifi"],
        at=now - timedelta(days=30),
    )
    make_document(staff, title="Wifi-ontwerp", visibility="public", category=categories["ict"])

    def found(**params):
        return [d["title"] for d in listed(client, **params)["results"]]

    assert found(category="ict") == ["Wifi-ontwerp"]
    assert found(tag="wifi") == ["Leidraad"]
    assert found(date_to=(today - timedelta(days=10)).isoformat()) == ["Leidraad"]
    assert found(date_from=(today - timedelta(days=10)).isoformat()) == ["Wifi-ontwerp"]
    wrong = client.get("/api/v1/documents/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    unknown = client.get("/api/v1/documents/", {"category": "nope"})
    assert wrong.status_code == 400
    assert wrong.json() == {"date_to": ["The end date is before the start date."]}
    assert unknown.status_code == 400 and "category" in unknown.json()


def test_pages_like_the_other_lists(client, staff):
    for n in range(3):
        make_document(staff, title=f"Wifi {n}", visibility="public", body="Wifi.")

    first = listed(client, q="wifi", page_size=2)
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (3, 2, 1)
    assert second["previous"] is not None


def test_the_list_asks_a_fixed_number_of_queries(
    client, staff, member, django_assert_max_num_queries
):
    client.force_login(member)
    for n in range(2):
        make_document(staff, title=f"Leidraad {n}", tags=["a"], body="Aanbestedingen.")
    with django_assert_max_num_queries(8) as two:
        assert listed(client, q="aanbesteding")["count"] == 2
    for n in range(2, 50):
        make_document(
            staff,
            title=f"Leidraad {n}",
            tags=[f"t{n}"],
            body="Aanbestedingen.",
            upload=upload("l.pdf", pdf_bytes("Aanbesteding")),
        )

    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(listed(client, q="aanbesteding")["results"]) == 50
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(listed(client)["results"]) == 50


def test_a_repeated_list_is_answered_from_the_cache(
    client, staff, member, django_assert_max_num_queries
):
    """The session, the user and their membership state (which decides the audience)."""
    client.force_login(member)
    for n in range(3):
        make_document(staff, title=f"Leidraad {n}", body="Aanbestedingen.")
    first = listed(client, q="aanbesteding")

    with django_assert_max_num_queries(3):
        again = listed(client, q="aanbesteding")

    assert again == first and first["count"] == 3


def test_what_one_audience_was_shown_is_not_shown_to_another(
    client, library, member, interested, outsider, staff
):
    """Each in turn, the widest first: nobody is shown another audience's cached list."""
    seen = {}
    for who in (staff, member, interested, outsider, None):
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        seen[who.username if who else "public"] = (
            listed(client, q="wifi")["count"],
            listed(client)["count"],
        )

    assert seen == {
        "staff": (4, 4),
        "member": (3, 3),
        "interested": (2, 2),
        "outsider": (1, 1),
        "public": (1, 1),
    }


def test_a_change_shows_in_the_next_list(client, staff, member, library):
    client.force_login(member)
    assert listed(client, q="wifi")["count"] == 3

    services.document_update(document=library["members"], by=staff, title="Tarieven")
    services.document_withdraw(document=library["interested"], by=staff, reason="Vervangen")

    body = listed(client, q="wifi")
    assert body["count"] == 2
    assert {d["title"] for d in listed(client)["results"]} == {
        "Wifi in de klas: basisadvies",
        "Tarieven",
    }


def test_a_reindex_shows_in_the_next_search(client, staff):
    """Rebuilding the index saves no document, yet cached searches are computed anew."""
    make_document(staff, title="Wifi-advies", visibility="public", body="Wifi.")
    Document.objects.update(search_vector=None, search_stems="", search_title_stems="")
    assert listed(client, q="wifi")["count"] == 0  # an index that lost the document

    services.reindex_all()

    assert listed(client, q="wifi")["count"] == 1


def test_the_api_is_read_only(client, staff):
    document = make_document(staff, visibility="public")
    client.force_login(staff)

    assert client.post("/api/v1/documents/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v1/documents/{document.pk}/").status_code == 405


def test_the_schema_describes_the_endpoints(client, db):
    schema = client.get("/api/v1/schema/").content.decode()

    assert "/api/v1/documents/" in schema and "/api/v1/documents/{id}/" in schema
