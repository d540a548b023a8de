"""/tenders/simulation/: the staff page that tries an award method on hypothetical bids."""

import re

import pytest

URL = "/tenders/simulation/"


def ranking(response) -> list[tuple[str, ...]]:
    """The ranking table as (rank, bidder, ...figures) rows of text."""
    html = response.content.decode()
    table = html.split('id="ranking"', 1)[1]
    rows = re.findall(r"<tr data-bidder=\"[^\"]*\">(.*?)</tr>", table, re.S)
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).replace("\xa0", " ").strip() for cell in cells)
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows)
    ]


def points_query(**overrides) -> dict[str, str]:
    query = {
        "method": "points",
        "price_weight": "50",
        "criterion_0_name": "Plan",
        "criterion_0_weight": "30",
        "criterion_0_scale_max": "10",
        "criterion_1_name": "Service",
        "criterion_1_weight": "20",
        "criterion_1_scale_max": "5",
        "bid_0_bidder": "X",
        "bid_0_price": "90000",
        "bid_0_score_0": "7",
        "bid_0_score_1": "3",
        "bid_1_bidder": "Y",
        "bid_1_price": "95000",
        "bid_1_score_0": "9",
        "bid_1_score_1": "4",
        "bid_2_bidder": "Z",
        "bid_2_price": "135000",
        "bid_2_score_0": "10",
        "bid_2_score_1": "5",
    }
    return {**query, **overrides}


def test_the_page_opens_with_the_issues_example_and_its_ranking(staff_client):
    response = staff_client.get(URL)

    assert response.status_code == 200
    assert ranking(response) == [
        ("1", "B", "€ 120,000.00", "50.00", "40.00", "40.00", "90.00"),
        ("2", "A", "€ 100,000.00", "60.00", "20.00", "20.00", "80.00"),
    ]
    assert 'value="Quality"' in response.content.decode()


def test_weighted_points_with_two_criteria(staff_client):
    response = staff_client.get(URL, points_query())

    assert ranking(response) == [
        ("1", "Y", "€ 95,000.00", "47.37", "27.00", "16.00", "43.00", "90.37"),
        ("2", "Z", "€ 135,000.00", "33.33", "30.00", "20.00", "50.00", "83.33"),
        ("3", "X", "€ 90,000.00", "50.00", "21.00", "12.00", "33.00", "83.00"),
    ]
    html = response.content.decode()
    assert "Points: Plan" in html
    assert "Points: Service" in html


def test_award_on_value(staff_client):
    query = {
        "method": "value",
        "criterion_0_name": "Quality",
        "criterion_0_scale_min": "0",
        "criterion_0_scale_max": "10",
        "criterion_0_max_value": "20000",
        "criterion_1_name": "Sustainability",
        "criterion_1_scale_min": "1",
        "criterion_1_scale_max": "5",
        "criterion_1_max_value": "5000",
        "bid_0_bidder": "A",
        "bid_0_price": "100000",
        "bid_0_score_0": "5",
        "bid_0_score_1": "3",
        "bid_1_bidder": "B",
        "bid_1_price": "110000",
        "bid_1_score_0": "10",
        "bid_1_score_1": "5",
    }

    response = staff_client.get(URL, query)

    assert ranking(response) == [
        ("1", "B", "€ 110,000.00", "€ 20,000.00", "€ 5,000.00", "€ 25,000.00", "€ 85,000.00"),
        ("2", "A", "€ 100,000.00", "€ 10,000.00", "€ 2,500.00", "€ 12,500.00", "€ 87,500.00"),
    ]


def test_the_rule_a_simulation_breaks_is_shown_and_no_ranking(staff_client):
    response = staff_client.get(URL, points_query(price_weight="60"))

    html = response.content.decode()
    assert 'id="ranking"' not in html
    assert (
        "The weights must add up to 100: the price weight 60 and the criteria weights 50 add up "
        "to 110." in html
    )


def test_a_score_outside_the_scale_is_named(staff_client):
    response = staff_client.get(URL, points_query(bid_1_score_1="6"))

    html = response.content.decode()
    assert 'id="ranking"' not in html
    assert "The score 6 of Y for &#x27;Service&#x27; is outside its scale of 0 to 5." in html


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"bid_0_score_1": ""}, "Give the score of X for Service."),
        ({"bid_0_price": ""}, "Give the price of X."),
        ({"criterion_1_weight": ""}, "Give the weight of Service."),
        ({"price_weight": ""}, "Give the price weight."),
        ({"bid_0_score_2": "4"}, "Criterion 3 has no name; name it or clear this score."),
        ({"bid_0_price": "cheap"}, "Enter a number."),
    ],
)
def test_missing_cells_are_named_at_the_cell(staff_client, override, message):
    response = staff_client.get(URL, points_query(**override))

    html = response.content.decode()
    assert 'id="ranking"' not in html
    assert message in html
    assert response.context["form"].errors


def test_columns_of_the_other_method_are_ignored(staff_client):
    # A weight typed in while simulating on value does not matter; neither does a
    # price weight.
    query = {
        "method": "value",
        "price_weight": "70",
        "criterion_0_name": "Q",
        "criterion_0_weight": "99",
        "criterion_0_scale_min": "0",
        "criterion_0_scale_max": "4",
        "criterion_0_max_value": "1000",
        "bid_0_bidder": "A",
        "bid_0_price": "2000",
        "bid_0_score_0": "1",
    }

    response = staff_client.get(URL, query)

    assert ranking(response) == [
        ("1", "A", "€ 2,000.00", "€ 250.00", "€ 250.00", "€ 1,750.00"),
    ]


def test_dutch_users_type_decimal_commas(staff_client, settings):
    settings.LANGUAGE_CODE = "nl"

    response = staff_client.get(URL, points_query(bid_0_score_0="7,5"))

    rows = ranking(response)
    # 7.5 / 10 x 30 = 22.50: X 50 + 22.50 + 12 = 84.50, now ahead of Z (83.33)
    assert rows[1] == ("2", "X", "€ 90.000,00", "50,00", "22,50", "12,00", "34,50", "84,50")


@pytest.mark.parametrize("who", ["contact_client", "outsider_client", "supplier_client"])
def test_only_staff_see_the_page(request, who):
    response = request.getfixturevalue(who).get(URL)

    assert response.status_code == 403
    assert b"ranking" not in response.content


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_see_the_tenders_link_and_others_do_not(staff_client, client, contact):
    assert 'href="/tenders/">Tenders</a>' in staff_client.get("/").content.decode()
    client.force_login(contact)
    assert 'href="/tenders/"' not in client.get("/").content.decode()
