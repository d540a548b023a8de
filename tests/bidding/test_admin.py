"""Bidding in the admin is read-only: nothing is added, changed or deleted there (the
services on the pages enforce the rules); staff see who asked a question."""

from bundel.bidding import services

from .factories import submit, upload


def test_nothing_is_added_changed_or_deleted_in_the_admin(staff_browser, tender, supplier, staff):
    bid = submit(tender, supplier)
    document = services.document_upload(tender=tender, title="Leidraad", upload=upload(), by=staff)

    for model in ("bid", "question", "tenderdocument", "committeemember"):
        assert staff_browser.get(f"/admin/bidding/{model}/add/").status_code == 403
    assert staff_browser.get(f"/admin/bidding/bid/{bid.pk}/delete/").status_code == 403
    response = staff_browser.post(
        f"/admin/bidding/tenderdocument/{document.pk}/change/", {"title": "Anders"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Leidraad"


def test_staff_see_who_asked_in_the_admin(staff_browser, tender, supplier):
    question = services.question_ask(tender=tender, text="Wat is de looptijd?", by=supplier)

    page = staff_browser.get(f"/admin/bidding/question/{question.pk}/change/")

    assert page.status_code == 200
    assert "supplier" in page.content.decode() and "Wat is de looptijd?" in page.content.decode()


def test_the_admin_is_for_staff_only(supplier_client, tender, supplier):
    bid = submit(tender, supplier)
    response = supplier_client.get(f"/admin/bidding/bid/{bid.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
