"""The knowledge pages through the test client: search with highlighted snippets and
filters, a document with its versions, downloads that check who asks, the negotiated
rates; outsiders get nothing of what is not theirs, and list pages cost a fixed number
of queries."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from bundel.knowledge import services
from bundel.knowledge.constants import Visibility

from .factories import make_document, pdf_bytes, upload

pytestmark = pytest.mark.usefixtures("english")


def page_titles(response) -> list[str]:
    import re

    html = response.content.decode()
    return [
        re.sub(r"</?mark>", "", t) for t in re.findall(r'<h2><a href="[^"]+">(.*?)</a></h2>', html)
    ]


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def test_anyone_searches_the_public_documents(client, library):
    response = client.get("/knowledge/", {"q": "wifi"})

    assert response.status_code == 200
    assert page_titles(response) == ["Wifi in de klas: basisadvies"]
    assert b"<mark>Wifi</mark> in de klas: basisadvies</a>" in response.content
    assert b"1 document" in response.content
    assert b"<mark>Wifi</mark>-advies voor iedereen" in response.content


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("supplier", {"public"}),
        ("outsider", {"public"}),
        ("former_member", {"public"}),
        ("interested", {"public", "interested"}),
        ("member", {"public", "interested", "members"}),
        ("council_member", {"public", "interested", "members"}),
        ("staff", {"public", "interested", "members", "withdrawn"}),
    ],
)
def test_each_user_sees_the_documents_of_their_levels_on_every_page(
    request, login, library, who, expected
):
    client = login(request.getfixturevalue(who))

    listed = client.get("/knowledge/", {"q": "wifi"}).content.decode()
    for name, document in library.items():
        shown = name in expected
        assert (f'id="document-{document.pk}"' in listed) is shown, name
        assert client.get(document.get_absolute_url()).status_code == (200 if shown else 404)
        version = reverse("knowledge:version", args=[document.pk, 1])
        assert client.get(version).status_code in ((302,) if shown else (404,))


def test_the_outsider_gets_nothing_of_members_documents_and_their_files(
    login, staff, outsider, supplier, client
):
    secret = make_document(
        staff,
        title="Tarieven leden",
        visibility=Visibility.MEMBERS,
        body="Alleen voor leden.",
        upload=upload("tarieven.pdf", pdf_bytes("Vertrouwelijke tarieven")),
    )
    services.document_add_version(document=secret, by=staff, body="Versie 2 voor leden.")
    paths = [
        secret.get_absolute_url(),
        reverse("knowledge:version", args=[secret.pk, 1]),
        reverse("knowledge:download", args=[secret.pk, 1]),
        reverse("knowledge:download", args=[secret.pk, 2]),
        "/knowledge/?q=tarieven",
    ]
    for user in (None, outsider, supplier):
        client.logout()
        if user:
            client.force_login(user)
        for path in paths:
            response = client.get(path)
            if "?" in path:  # a list: shown, without the document
                assert response.status_code == 200
                assert b"Tarieven leden" not in response.content
            else:
                assert response.status_code == 404, (user, path)


def test_filters_by_category_and_date_and_a_wrong_range_says_so(client, staff, categories):
    make_document(staff, title="Leidraad", category=categories["procurement"], visibility="public")
    make_document(staff, title="Wifi", category=categories["ict"], visibility="public")

    by_category = client.get("/knowledge/", {"category": "procurement"})
    wrong_range = client.get("/knowledge/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})

    assert page_titles(by_category) == ["Leidraad"]
    assert b"The start date 01-05-2026 is after the end date 01-04-2026." in wrong_range.content
    assert sorted(page_titles(wrong_range)) == ["Leidraad", "Wifi"]  # the range is left out


def test_htmx_gets_only_the_results(client, library):
    response = client.get("/knowledge/", {"q": "wifi"}, HTTP_HX_REQUEST="true")

    assert b"<html" not in response.content
    assert b'class="knowledge-results"' in response.content


def test_the_search_page_asks_a_fixed_number_of_queries(
    client, staff, member, django_assert_max_num_queries
):
    client.force_login(member)
    for n in range(2):
        make_document(staff, title=f"Aanbesteding {n}", tags=["a", "b"], body="Aanbestedingen.")
    with django_assert_max_num_queries(10) as two:
        response = client.get("/knowledge/", {"q": "aanbesteding"})
    assert len(page_titles(response)) == 2
    # Asked again: the page is cached for this audience (session, user, its levels, and
    # the board named in the header).
    with django_assert_max_num_queries(4):
        again = client.get("/knowledge/", {"q": "aanbesteding"})
    assert page_titles(again) == page_titles(response)
    for n in range(2, 50):
        make_document(staff, title=f"Aanbesteding {n}", tags=[f"t{n}"], body="Aanbestedingen.")

    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get("/knowledge/", {"q": "aanbesteding"})
    assert len(page_titles(response)) == 50
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get("/knowledge/")
    assert len(page_titles(response)) == 50


def test_a_document_page_shows_the_current_version_and_the_earlier_ones(login, staff, member):
    document = make_document(
        staff,
        title="Model raamovereenkomst",
        body="Artikel 1 <b>oud</b>",
        upload=upload("raam.pdf", pdf_bytes("Raam")),
        tags=["contract"],
    )
    services.document_add_version(
        document=document, by=staff, body="Artikel 1 nieuw", note="Art. 1"
    )
    client = login(member)

    page = client.get(document.get_absolute_url()).content.decode()
    old = client.get(reverse("knowledge:version", args=[document.pk, 1])).content.decode()

    assert "<p>Artikel 1 nieuw</p>" in page
    assert "Download raam.pdf" in page and "Art. 1" in page
    assert 'href="/knowledge/?tag=contract"' in page
    assert "Keep this document" not in page  # staff only
    assert "This is version 1" in old
    assert "Artikel 1 &lt;b&gt;oud&lt;/b&gt;" in old


def test_a_download_is_an_attachment_of_its_checked_type(login, staff, member):
    content = pdf_bytes("Leidraad")
    document = make_document(
        staff, title="Leidraad", upload=upload("../Leidraad 2026.pdf", content, "text/html")
    )
    client = login(member)

    response = client.get(reverse("knowledge:download", args=[document.pk, 1]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Leidraad_2026.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_version_without_a_file_has_no_download(login, staff, member):
    document = make_document(staff, body="Alleen tekst")

    response = login(member).get(reverse("knowledge:download", args=[document.pk, 1]))

    assert response.status_code == 404


def test_staff_create_a_document_with_a_file_on_the_page(login, staff, categories, media):
    client = login(staff)
    assert client.get("/knowledge/new/").status_code == 200

    response = client.post(
        "/knowledge/new/",
        {
            "new-title": "Model nota van inlichtingen",
            "new-summary": "Sjabloon.",
            "new-category": categories["procurement"].pk,
            "new-visibility": "interested",
            "new-tags": "aanbesteding, model",
            "new-owner": staff.pk,
            "new-body": "",
            "new-upload": upload("nota.pdf", pdf_bytes("Vragen en antwoorden")),
            "new-note": "Eerste versie",
        },
    )

    from bundel.knowledge.models import Document

    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.current_version.file_name == "nota.pdf"
    assert sorted(document.tags.values_list("name", flat=True)) == ["aanbesteding", "model"]


def test_a_refused_upload_on_the_page_says_why_and_stores_nothing(
    login, staff, categories, media, settings
):
    from bundel.knowledge.models import Document

    from .factories import stored_files

    response = login(staff).post(
        "/knowledge/new/",
        {
            "new-title": "Virus",
            "new-category": categories["ict"].pk,
            "new-visibility": "public",
            "new-owner": staff.pk,
            "new-upload": upload("leidraad.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )

    assert response.status_code == 200
    assert "of the type “program (executable)”" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_staff_add_a_version_change_details_and_withdraw_on_the_document_page(login, staff, member):
    document = make_document(staff, title="Wifi", body="Versie 1", visibility="members")
    client = login(staff)
    url = document.get_absolute_url()

    page = client.get(url).content.decode()
    assert "Keep this document" in page and "Changes" in page
    client.post(url, {"action": "version", "version-body": "Versie 2", "version-note": "Nieuw"})
    client.post(
        url,
        {
            "action": "details",
            "details-title": "Wifi-richtlijnen",
            "details-category": document.category.pk,
            "details-visibility": "public",
            "details-owner": staff.pk,
            "details-tags": "wifi",
        },
    )
    refused = client.post(url, {"action": "version", "version-body": "Versie 2"})
    client.post(url, {"action": "withdraw", "withdraw-reason": "Vervangen door nieuw beleid"})

    document.refresh_from_db()
    assert (document.title, document.visibility, document.current_version.number) == (
        "Wifi-richtlijnen",
        "public",
        2,
    )
    assert document.is_withdrawn
    assert "would be the same as version 2" in refused.content.decode()
    assert login(member).get(url).status_code == 404


def test_only_staff_may_post_to_a_document_or_open_the_new_page(login, staff, member):
    document = make_document(staff, visibility="public")
    client = login(member)

    assert client.post(document.get_absolute_url(), {"action": "withdraw"}).status_code == 403
    assert client.get("/knowledge/new/").status_code == 403
    document.refresh_from_db()
    assert not document.is_withdrawn


def test_the_rates_page_explains_itself_until_tenders_fill_it(login, client, member, supplier):
    members_page = login(member).get("/knowledge/rates/").content.decode()
    client.force_login(supplier)
    supplier_page = client.get("/knowledge/rates/").content.decode()

    assert 'id="rates-empty"' in members_page
    assert "There are no framework contracts yet, so there are no negotiated rates." in members_page
    assert 'id="rates-members-only"' in supplier_page
    assert 'id="rates-empty"' not in supplier_page


def test_the_rates_page_lists_what_the_selector_returns(login, member, monkeypatch):
    from datetime import date
    from decimal import Decimal

    from bundel.knowledge import selectors

    rate = selectors.NegotiatedRate(
        contract="RO-2027-01",
        supplier="Netwerk B.V.",
        lot="Perceel 1",
        product="Wifi, middel",
        unit="per maand",
        price=Decimal("912.50"),
        valid_from=date(2027, 1, 1),
        valid_until=None,
    )
    monkeypatch.setattr(selectors, "negotiated_rates", lambda *, user: [rate])

    page = login(member).get("/knowledge/rates/").content.decode()

    assert "RO-2027-01" in page and "912.50" in page
    assert 'id="rates-empty"' not in page


def test_everyone_sees_the_knowledge_link(client, db):
    assert b'href="/knowledge/"' in client.get("/knowledge/rates/").content


def test_staff_export_the_list(login, staff, library):
    response = login(staff).get("/knowledge/", {"q": "wifi", "format": "csv"})

    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(lines) == 5
    assert lines[0].startswith("Title;Category;Visible to")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_only_staff_export_the_list(client, login, library, staff, member, outsider, supplier, fmt):
    """The export lists every document a user may see, withdrawn ones for staff: a staff
    tool, as the link (shown to staff only) says."""
    anonymous = client.get("/knowledge/", {"format": fmt})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    for user in (member, outsider, supplier):
        response = login(user).get("/knowledge/", {"q": "wifi", "format": fmt})
        assert response.status_code == 403, user
        assert "Content-Disposition" not in response
    assert b"format=csv" not in login(member).get("/knowledge/").content
    assert b"format=csv" in login(staff).get("/knowledge/").content


def test_the_export_dates_a_document_by_the_local_day(login, staff):
    """Changed at 23:30 UTC on 1 March: 2 March in Amsterdam."""
    make_document(staff, title="Laat op de avond", at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))

    response = login(staff).get("/knowledge/", {"format": "csv"})

    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    assert rows[1][0] == "Laat op de avond"
    assert rows[1][rows[0].index("Updated")] == "2026-03-02"


def test_the_cached_search_page_follows_changes_and_audiences(client, staff, member):
    """The search page is cached per audience; a new or changed document shows at once,
    and staff (their own audience) keep their link to a new document."""
    make_document(staff, title="Aanbesteding Wifi", visibility="members")
    client.force_login(member)
    assert page_titles(client.get("/knowledge/")) == ["Aanbesteding Wifi"]
    make_document(staff, title="Leidraad Glasvezel", visibility="members")
    assert sorted(page_titles(client.get("/knowledge/"))) == [
        "Aanbesteding Wifi",
        "Leidraad Glasvezel",
    ]
    client.logout()
    assert page_titles(client.get("/knowledge/")) == []  # anonymous: public only
    client.force_login(staff)
    assert b'href="/knowledge/new/"' in client.get("/knowledge/").content
