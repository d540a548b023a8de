"""The membership API: same rules as the services; 400/403/404/409 with a message."""

import json
from datetime import date

import pytest
from django.utils import timezone
from rest_framework.serializers import ModelSerializer

from bundel.membership.api import AgreementSerializer, MembershipSerializer
from bundel.membership.constants import AgreementKind
from bundel.membership.models import AgreementVersion, Membership

TODAY = timezone.localdate().isoformat()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def version(db):
    return AgreementVersion.objects.create(
        kind=AgreementKind.MEMBERSHIP, version="2026.1", valid_from=date(2026, 1, 1)
    )


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.mark.django_db
def test_whole_lifecycle_through_the_api(contact_client, client, staff, version):
    created = post(contact_client, "/api/v1/memberships/", {"board": "41211", "kind": "interest"})
    assert created.status_code == 201, created.json()
    mid = created.json()["id"]
    assert (created.json()["state"], created.json()["interested_on"]) == ("interested", TODAY)

    assert post(contact_client, f"/api/v1/memberships/{mid}/apply/").json()["state"] == "applied"
    signed = post(
        contact_client,
        f"/api/v1/memberships/{mid}/agreements/",
        {"kind": "membership", "version": "2026.1", "signer": "A. Bakker"},
    )
    assert signed.status_code == 201
    assert signed.json()["agreements"] == [
        {"kind": "membership", "version": "2026.1", "signed_on": TODAY, "signer": "A. Bakker"}
    ]
    assert post(contact_client, f"/api/v1/memberships/{mid}/admit/").status_code == 403

    client.force_login(staff)
    admitted = post(client, f"/api/v1/memberships/{mid}/admit/", {"date": TODAY})
    assert admitted.json()["state"] == "member"
    notice = post(
        client,
        f"/api/v1/memberships/{mid}/notice/",
        {"by": "cooperative", "reason": "Voldoet niet meer", "date": "2026-08-31"},
    )
    assert notice.status_code == 400
    assert "before the admission" in notice.json()["detail"][0]


@pytest.mark.django_db
def test_cooperative_notice_end_date_is_month_end_aware(client, staff, board, version):
    client.force_login(staff)
    mid = post(
        client,
        "/api/v1/memberships/",
        {"board": "41211", "kind": "application", "date": "2024-01-05"},
    ).json()["id"]
    post(
        client,
        f"/api/v1/memberships/{mid}/agreements/",
        {"kind": "membership", "version": "2026.1", "signer": "X", "signed_on": "2026-01-05"},
    )
    post(client, f"/api/v1/memberships/{mid}/admit/", {"date": "2026-01-06"})

    response = post(
        client,
        f"/api/v1/memberships/{mid}/notice/",
        {"by": "cooperative", "reason": "Geen bekostigd onderwijs meer", "date": "2026-08-31"},
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["ends_on"]) == ("notice_given", "2027-02-28")


@pytest.mark.django_db
def test_refusals_name_the_rule_and_change_nothing(contact_client, board):
    past = post(
        contact_client,
        "/api/v1/memberships/",
        {"board": "41211", "kind": "interest", "date": "2020-01-01"},
    )
    assert past.status_code == 403
    assert "staff" in past.json()["detail"]

    assert (
        post(
            contact_client, "/api/v1/memberships/", {"board": "41211", "kind": "interest"}
        ).status_code
        == 201
    )
    second = post(contact_client, "/api/v1/memberships/", {"board": "41211", "kind": "application"})
    assert second.status_code == 409
    assert "already has an open membership" in second.json()["detail"][0]

    unknown = post(contact_client, "/api/v1/memberships/", {"board": "99999", "kind": "interest"})
    assert unknown.status_code == 400 and "99999" in unknown.json()["board"]
    mid = Membership.objects.get().pk
    admit = post(contact_client, f"/api/v1/memberships/{mid}/withdraw-notice/")
    assert admit.status_code == 409
    assert "interested" in admit.json()["detail"][0]
    assert Membership.objects.get().state == "interested"


@pytest.mark.django_db
def test_ineligible_board_is_refused_with_the_reason(client, staff):
    from ..factories import BoardFactory

    BoardFactory(duo_number="77777")
    client.force_login(staff)

    response = post(client, "/api/v1/memberships/", {"board": "77777", "kind": "application"})

    assert response.status_code == 400
    assert "no po or vo locations" in response.json()["detail"][0]
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_outsider_gets_nothing_of_another_boards_membership(contact_client, client, outsider):
    mid = post(
        contact_client, "/api/v1/memberships/", {"board": "41211", "kind": "interest"}
    ).json()["id"]
    client.force_login(outsider)

    assert client.get("/api/v1/memberships/").json()["results"] == []
    assert client.get(f"/api/v1/memberships/{mid}/").status_code == 404
    assert post(client, f"/api/v1/memberships/{mid}/apply/").status_code == 404
    assert post(client, f"/api/v1/memberships/{mid + 1000}/apply/").status_code == 404
    created = post(client, "/api/v1/memberships/", {"board": "41211", "kind": "application"})
    assert created.status_code == 403
    assert Membership.objects.get().state == "interested"


@pytest.mark.django_db
def test_anonymous_gets_401_or_403(client):
    assert client.get("/api/v1/memberships/").status_code in (401, 403)


@pytest.mark.django_db
def test_a_membership_reads_as_drfs_generic_serializer_writes_it(staff, version):
    """`MembershipSerializer.to_representation` (and its agreements') read the row
    straight: it must give what DRF's walk over the declared fields gives, whatever is
    filled in."""
    from ..factories import BoardFactory

    service = AgreementVersion.objects.create(
        kind=AgreementKind.SERVICE, version="SLA-1", valid_from=date(2026, 1, 1)
    )
    full = Membership.objects.create(
        board=BoardFactory(name="Stichting <Één>"),
        state="notice_given",
        is_founding=True,
        founding_since=date(2025, 6, 1),
        interested_on=date(2025, 1, 2),
        applied_on=date(2025, 2, 3),
        admitted_on=date(2025, 3, 4),
        notice_on=date(2026, 5, 6),
        notice_by="member",
        notice_reason="Fusie",
        ends_on=date(2027, 1, 1),
    )
    for kind_version in (version, service):
        full.agreements.create(
            version=kind_version, signed_on=date(2025, 2, 3), signer="A. de Vries"
        )
    Membership.objects.create(
        board=BoardFactory(name=""),  # shown as "Board <number>"
        state="rejected",
        interested_on=date(2025, 1, 2),
        rejected_on=date(2025, 4, 1),
        rejection_reason="Geen bevoegd gezag",
    )
    Membership.objects.create(board=BoardFactory(), state="interested")

    serializer = MembershipSerializer()
    rows = Membership.objects.select_related("board").prefetch_related("agreements__version")
    assert rows.count() == 3
    for row in rows:
        fast = serializer.to_representation(row)
        generic = ModelSerializer.to_representation(serializer, row)
        assert list(fast) == list(MembershipSerializer.Meta.fields)
        assert json.dumps(fast) == json.dumps(generic)
        for agreement in row.agreements.all():
            child = AgreementSerializer()
            assert child.to_representation(agreement) == dict(
                ModelSerializer.to_representation(child, agreement)
            )


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 50])
def test_list_queries_do_not_grow(client, staff, django_assert_num_queries, rows):
    from ..factories import BoardFactory

    for _ in range(rows):
        Membership.objects.create(
            board=BoardFactory(), state="interested", interested_on=date(2026, 1, 1)
        )
    client.force_login(staff)
    with django_assert_num_queries(4):  # user (session: cached), count, page, agreements
        response = client.get("/api/v1/memberships/?state=interested&page_size=100")
    assert len(response.json()["results"]) == rows
