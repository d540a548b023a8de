"""The admin: memberships read-only (they change on their service-backed page), agreement
versions and historical support figures kept by staff."""

from datetime import date

import pytest

from bundel.membership.models import AgreementVersion, Membership, NationalTotal, SupportSnapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_membership_list_and_filters(staff_client, member):
    response = staff_client.get("/admin/membership/membership/?state__exact=member")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [member]
    assert "/admin/membership/membership/add/" not in response.content.decode()


def test_membership_change_form_is_read_only_and_links_to_its_page(staff_client, member):
    url = f"/admin/membership/membership/{member.pk}/change/"

    page = staff_client.get(url)
    staff_client.post(url, {"state": "ended", "board": member.board_id})

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/membership/{member.pk}/"' in html
    assert 'name="_save"' not in html and 'name="state"' not in html
    assert "Anna de Vries, voorzitter" in html  # the agreements inline
    assert Membership.objects.get(pk=member.pk).state == "member"
    assert (
        staff_client.post(
            f"/admin/membership/membership/{member.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_staff_add_an_agreement_version(staff_client):
    response = staff_client.post(
        "/admin/membership/agreementversion/add/",
        {"kind": "service", "version": "2027.1", "valid_from": "2027-01-01", "summary": "SLA"},
    )

    assert response.status_code == 302
    assert AgreementVersion.objects.get(kind="service").version == "2027.1"


def test_a_signed_version_keeps_its_identity(staff_client, member, membership_version):
    response = staff_client.get(
        f"/admin/membership/agreementversion/{membership_version.pk}/change/"
    )

    form_fields = response.context["adminform"].form.fields
    assert "version" not in form_fields and "valid_from" not in form_fields
    assert "summary" in form_fields


def test_staff_record_historical_support_figures(staff_client):
    snapshot = staff_client.post(
        "/admin/membership/supportsnapshot/add/",
        {
            "date": "2017-03-24",
            "national_pupils": "2530522",
            "start_group_boards": "0",
            "start_group_pupils": "202745",
            "coalition_boards": "0",
            "coalition_pupils": "195098",
            "members_boards": "0",
            "members_pupils": "0",
            "note": "Seed",
        },
    )
    total = staff_client.post(
        "/admin/membership/nationaltotal/add/",
        {"valid_from": "2016-10-01", "pupils": "2530522", "source": "DUO"},
    )

    assert (snapshot.status_code, total.status_code) == (302, 302)
    assert SupportSnapshot.objects.get().date == date(2017, 3, 24)
    assert NationalTotal.objects.get().pupils == 2530522


def test_board_contacts_have_no_admin(contact_client, member):
    response = contact_client.get("/admin/membership/membership/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
