"""POST /api/v1/award-simulations/: staff try an award method on hypothetical bids."""

import pytest

from bundel.audit.models import AuditEntry

URL = "/api/v1/award-simulations/"

ISSUE_EXAMPLE = {
    "method": "points",
    "price_weight": 60,
    "criteria": [{"name": "Quality", "weight": 40, "scale_max": 10}],
    "bids": [
        {"bidder": "A", "price": 100000, "scores": {"Quality": 5}},
        {"bidder": "B", "price": 120000, "scores": {"Quality": 10}},
    ],
}

VALUE_EXAMPLE = {
    "method": "value",
    "criteria": [
        {"name": "Quality", "max_value": "20000", "scale_min": 0, "scale_max": 10},
        {"name": "Sustainability", "max_value": "5000", "scale_min": 1, "scale_max": 5},
    ],
    "bids": [
        {"bidder": "A", "price": "100000", "scores": {"Quality": 5, "Sustainability": 3}},
        {"bidder": "B", "price": "110000", "scores": {"Quality": 10, "Sustainability": 5}},
        {"bidder": "C", "price": "95000", "scores": {"Quality": 2, "Sustainability": 1}},
    ],
}


def post(client, payload):
    return client.post(URL, payload, content_type="application/json")


def test_the_issues_example_ranks_b_first_with_90_points(staff_client):
    response = post(staff_client, ISSUE_EXAMPLE)

    assert response.status_code == 200
    assert response.json() == {
        "method": "points",
        "ranking": [
            {
                "bidder": "B",
                "rank": 1,
                "price": "120000.00",
                "price_points": "50.00",
                "quality_points": {"Quality": "40.00"},
                "quality_total": "40.00",
                "total": "90.00",
            },
            {
                "bidder": "A",
                "rank": 2,
                "price": "100000.00",
                "price_points": "60.00",
                "quality_points": {"Quality": "20.00"},
                "quality_total": "20.00",
                "total": "80.00",
            },
        ],
    }


def test_award_on_value_ranks_by_the_lowest_fictitious_price(staff_client):
    response = post(staff_client, VALUE_EXAMPLE)

    assert response.status_code == 200
    ranking = response.json()["ranking"]
    assert [(r["bidder"], r["rank"], r["fictitious_price"]) for r in ranking] == [
        ("B", 1, "85000.00"),
        ("A", 2, "87500.00"),
        ("C", 3, "91000.00"),
    ]
    assert ranking[1] == {
        "bidder": "A",
        "rank": 2,
        "price": "100000.00",
        "earned_values": {"Quality": "10000.00", "Sustainability": "2500.00"},
        "total_value": "12500.00",
        "fictitious_price": "87500.00",
    }


def test_a_simulation_stores_nothing(staff_client):
    before = AuditEntry.objects.count()
    assert post(staff_client, ISSUE_EXAMPLE).status_code == 200
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("who", ["contact_client", "outsider_client", "supplier_client"])
def test_only_staff_may_simulate(request, who):
    response = post(request.getfixturevalue(who), ISSUE_EXAMPLE)
    assert response.status_code == 403
    assert "ranking" not in response.json()


def test_anonymous_gets_no_ranking(client):
    response = post(client, ISSUE_EXAMPLE)
    assert response.status_code in (401, 403)
    assert "ranking" not in response.json()


def test_weights_that_do_not_add_up_to_100_are_refused_with_the_rule(staff_client):
    payload = {**ISSUE_EXAMPLE, "price_weight": 50}

    response = post(staff_client, payload)

    assert response.status_code == 400
    assert response.json() == {
        "detail": [
            "The weights must add up to 100: the price weight 50.00 and the criteria weights "
            "40.00 add up to 90.00."
        ],
        "code": "weights_total",
        "params": {"price": "50.00", "quality": "40.00", "total": "90.00"},
    }


def test_a_score_outside_the_scale_is_refused_naming_bidder_and_criterion(staff_client):
    payload = {
        **ISSUE_EXAMPLE,
        "bids": [{"bidder": "A", "price": 100000, "scores": {"Quality": 11}}],
    }

    response = post(staff_client, payload)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "score_outside_scale"
    assert body["detail"] == [
        "The score 11.00 of A for 'Quality' is outside its scale of 0 to 10.00."
    ]


def test_a_missing_score_is_refused(staff_client):
    payload = {**ISSUE_EXAMPLE, "bids": [{"bidder": "A", "price": 100000, "scores": {}}]}

    body = post(staff_client, payload).json()

    assert (body["code"], body["detail"]) == ("missing_score", ["A has no score for 'Quality'."])


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {**ISSUE_EXAMPLE, "method": "lottery"},
            {"method": ["Choose the award method: points, value."]},
        ),
        ({"criteria": []}, {"method": ["Choose the award method: points, value."]}),
        (
            {k: v for k, v in ISSUE_EXAMPLE.items() if k != "price_weight"},
            {"price_weight": ["This field is required."]},
        ),
        (
            {**ISSUE_EXAMPLE, "bids": [{"bidder": "A", "price": "cheap", "scores": {}}]},
            {"bids": {"0": {"price": ["A valid number is required."]}}},
        ),
        (
            {**ISSUE_EXAMPLE, "criteria": [{"name": "Quality", "weight": 40}]},
            {"criteria": {"0": {"scale_max": ["This field is required."]}}},
        ),
        (
            {**VALUE_EXAMPLE, "criteria": [{"name": "Q", "max_value": 1, "scale_max": 5}]},
            {"criteria": {"0": {"scale_min": ["This field is required."]}}},
        ),
    ],
)
def test_malformed_input_is_refused_naming_the_field(staff_client, payload, errors):
    response = post(staff_client, payload)

    assert response.status_code == 400
    assert response.json() == errors


def test_no_bids_is_refused(staff_client):
    body = post(staff_client, {**VALUE_EXAMPLE, "bids": []}).json()
    assert (body["code"], body["detail"]) == ("no_bids", ["Give at least one bid."])


def test_the_schema_describes_both_methods(staff_client):
    response = staff_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    schema = response.json()
    operation = schema["paths"]["/api/v1/award-simulations/"]["post"]
    request = operation["requestBody"]["content"]
    assert list(request) == ["application/json"]
    assert request["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AwardSimulationRequest"
    }
    components = schema["components"]["schemas"]
    assert components["AwardSimulationRequest"]["discriminator"]["mapping"] == {
        "points": "#/components/schemas/PointsSimulation",
        "value": "#/components/schemas/ValueSimulation",
    }
    assert set(components["PointsResult"]["properties"]) == {
        "bidder",
        "rank",
        "price",
        "price_points",
        "quality_points",
        "quality_total",
        "total",
    }
    assert set(components["ValueResult"]["properties"]) == {
        "bidder",
        "rank",
        "price",
        "earned_values",
        "total_value",
        "fictitious_price",
    }
