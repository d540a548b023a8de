"""A bid is sealed until the closing time: before it, staff and other suppliers get
nothing of its contents through the API, the pages or the admin; board contacts and
anonymous visitors never see a bid at all; from the closing time on staff read it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bundel.bidding import selectors
from bundel.bidding.models import BidAttachment

from .conftest import logged_in
from .factories import pdf, submit, upload

PRICE = "987654.32"
SECRET = "Geheime aanpak met glasvezelring"
ATTACHMENT = "prijsblad-geheim.pdf"


@pytest.fixture
def bid(tender, supplier):
    return submit(
        tender,
        supplier,
        price=PRICE,
        answer=SECRET,
        attachments=[upload(ATTACHMENT, pdf("vertrouwelijk"))],
    )


def leaks(response) -> list[str]:
    text = response.content.decode(errors="replace")
    return [s for s in ("987654", "987.654", SECRET, ATTACHMENT, "vertrouwelijk") if s in text]


def test_staff_get_403_with_the_closing_time_for_the_contents_through_the_api(
    staff_browser, bid, tender
):
    response = staff_browser.get(f"/api/v1/bids/{bid.pk}/contents/")

    assert response.status_code == 403
    closing = selectors.moment(tender.closing_at)
    assert response.json() == {"detail": f"Bids are sealed until the closing time, {closing}."}
    assert leaks(response) == []


def test_staff_see_only_the_envelope_before_the_closing_time(staff_browser, bid, tender):
    receipt = staff_browser.get(f"/api/v1/bids/{bid.pk}/")
    listing = staff_browser.get(f"/api/v1/tenders/{tender.pk}/bids/")

    assert receipt.status_code == 200
    assert receipt.json()["sha256"] == bid.sha256
    assert "price" not in receipt.json() and "answers" not in receipt.json()
    assert [row["id"] for row in listing.json()["results"]] == [bid.pk]
    for response in (receipt, listing):
        assert leaks(response) == []


def test_staff_pages_show_no_contents_before_the_closing_time(staff_browser, bid, tender):
    attachment = BidAttachment.objects.get()
    pages = [
        staff_browser.get(f"/bidding/inschrijvingen/{bid.pk}/"),
        staff_browser.get(f"/bidding/{tender.pk}/"),
        staff_browser.get(f"/bidding/{tender.pk}/beoordeling/"),
        staff_browser.get("/bidding/"),
    ]

    for page in pages:
        assert page.status_code == 200
        assert leaks(page) == []
    assert "Bids are sealed until the closing time" in pages[0].content.decode()
    download = staff_browser.get(f"/bidding/inschrijvingen/{bid.pk}/bijlagen/{attachment.pk}/")
    assert download.status_code == 403
    assert b"vertrouwelijk" not in b"".join(getattr(download, "streaming_content", [b""]))


def test_the_admin_shows_only_the_envelope_before_the_closing_time(staff_browser, bid):
    changelist = staff_browser.get("/admin/bidding/bid/")
    change = staff_browser.get(f"/admin/bidding/bid/{bid.pk}/change/")

    assert changelist.status_code == 200 and change.status_code == 200
    assert "Netwerk B.V." in changelist.content.decode()
    assert bid.sha256 in change.content.decode()
    assert "Bids are sealed until the closing time" in change.content.decode()
    for page in (changelist, change):
        assert leaks(page) == []
    # The contents' own tables are not in the admin at all.
    assert staff_browser.get("/admin/bidding/bidcontent/").status_code == 404
    assert staff_browser.get("/admin/bidding/bidattachment/").status_code == 404
    assert staff_browser.get("/admin/bidding/score/").status_code == 404


def test_another_supplier_gets_nothing_of_the_bid(rival_client, bid, tender):
    attachment = BidAttachment.objects.get()
    responses = [
        rival_client.get(f"/api/v1/bids/{bid.pk}/"),
        rival_client.get(f"/api/v1/bids/{bid.pk}/contents/"),
        rival_client.get(f"/bidding/inschrijvingen/{bid.pk}/"),
        rival_client.get(f"/bidding/inschrijvingen/{bid.pk}/bijlagen/{attachment.pk}/"),
    ]
    listing = rival_client.get(f"/api/v1/tenders/{tender.pk}/bids/")
    tender_page = rival_client.get(f"/bidding/{tender.pk}/")

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert listing.json()["results"] == []
    for response in [*responses, listing, tender_page]:
        assert leaks(response) == []


def test_after_closing_another_supplier_still_gets_nothing(rival_client, bid, clock, tender):
    clock.after_closing(tender)

    assert rival_client.get(f"/api/v1/bids/{bid.pk}/contents/").status_code == 404
    assert rival_client.get(f"/bidding/inschrijvingen/{bid.pk}/").status_code == 404


def test_the_supplier_reads_its_own_bid(supplier_client, bid):
    response = supplier_client.get(f"/api/v1/bids/{bid.pk}/contents/")

    assert response.status_code == 200
    assert response.json()["price"] == PRICE
    assert response.json()["answers"] == {"Plan van aanpak": SECRET}
    assert [a["file_name"] for a in response.json()["attachments"]] == [ATTACHMENT]


@pytest.mark.parametrize("who", ["board_contact", "anonymous"])
def test_outsiders_see_no_bids(who, contact, bid, tender):
    client = logged_in(contact) if who == "board_contact" else Client()
    attachment = BidAttachment.objects.get()
    responses = [
        client.get(f"/api/v1/bids/{bid.pk}/"),
        client.get(f"/api/v1/bids/{bid.pk}/contents/"),
        client.get(f"/api/v1/tenders/{tender.pk}/bids/"),
        client.get(f"/bidding/inschrijvingen/{bid.pk}/"),
        client.get(f"/bidding/inschrijvingen/{bid.pk}/bijlagen/{attachment.pk}/"),
        client.get(f"/bidding/{tender.pk}/"),
        client.get("/admin/bidding/bid/"),
    ]

    for response in responses:
        assert response.status_code in (302, 403, 404)
        assert bid.sha256 not in response.content.decode()
        assert leaks(response) == []


def test_from_the_closing_time_on_staff_read_the_contents(staff_browser, bid, clock, tender):
    clock.set(tender.closing_at)
    attachment = BidAttachment.objects.get()

    api = staff_browser.get(f"/api/v1/bids/{bid.pk}/contents/")
    page = staff_browser.get(f"/bidding/inschrijvingen/{bid.pk}/")
    admin = staff_browser.get(f"/admin/bidding/bid/{bid.pk}/change/")
    download = staff_browser.get(f"/bidding/inschrijvingen/{bid.pk}/bijlagen/{attachment.pk}/")

    assert api.status_code == 200 and api.json()["price"] == PRICE
    assert SECRET in page.content.decode() and "987,654.32" in page.content.decode()
    assert SECRET in admin.content.decode()
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == pdf("vertrouwelijk")


def test_the_selector_refuses_the_contents_to_staff_until_the_closing_time(
    staff, bid, clock, tender
):
    with pytest.raises(selectors.SealedBid):
        selectors.bid_contents(bid=bid, user=staff)
    with pytest.raises(selectors.SealedBid):
        selectors.lot_rankings(tender)

    clock.after_closing(tender)
    assert str(selectors.bid_contents(bid=bid, user=staff).price) == PRICE


def test_before_the_closing_time_staff_requests_do_not_even_read_the_contents(
    staff_browser, bid, tender
):
    """Not just hidden: the contents' tables are not queried for staff at all."""
    urls = [
        "/admin/bidding/bid/",
        f"/admin/bidding/bid/{bid.pk}/change/",
        f"/bidding/inschrijvingen/{bid.pk}/",
        f"/bidding/{tender.pk}/",
        f"/bidding/{tender.pk}/beoordeling/",
        f"/api/v1/bids/{bid.pk}/",
        f"/api/v1/bids/{bid.pk}/contents/",
        f"/api/v1/tenders/{tender.pk}/bids/",
        f"/api/v1/tenders/{tender.pk}/ranking/",
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            staff_browser.get(url)
        read = [q["sql"] for q in queries if "bidding_bidcontent" in q["sql"]]
        read += [q["sql"] for q in queries if "bidding_bidattachment" in q["sql"]]
        assert read == [], url
