import pytest


@pytest.mark.django_db
def test_404_page_says_why_in_dutch(client):
    response = client.get("/registry/boards/99999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Geen bestuur met DUO-nummer 99999." in html
    assert "<nav" in html  # the site's own page, not a bare one


@pytest.mark.django_db
def test_403_page_gives_the_services_reason(contact_client):
    response = contact_client.get("/membership/all/")

    assert response.status_code == 403
    assert "coöperatie" in response.content.decode()
