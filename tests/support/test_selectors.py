"""Support figures, computed live from memberships and pupil counts."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundel.membership.constants import State
from bundel.membership.models import Membership, NationalTotal, SupportSnapshot
from bundel.registry.models import Board, Location, PupilCount, School
from bundel.support.selectors import support_at, support_breakdown, support_history

from ..factories import BoardFactory, LocationFactory, PupilCountFactory

COUNT_DATE = date(2016, 10, 1)


def board_with(pupils: int, *, count_date=COUNT_DATE, sector_type="bo", province="Utrecht"):
    board = BoardFactory()
    location = LocationFactory(board=board, sector_type=sector_type, province=province)
    PupilCountFactory(location=location, pupils=pupils, count_date=count_date)
    return board


def founding(board, since):
    return Membership.objects.create(
        board=board, state=State.MEMBER, is_founding=True, founding_since=since, applied_on=since
    )


def interested(board, on):
    return Membership.objects.create(board=board, state=State.INTERESTED, interested_on=on)


@pytest.mark.django_db
def test_the_seeds_2017_percentages_come_out_of_the_live_computation():
    start = [board_with(100_000), board_with(60_000), board_with(42_745)]
    later_start = board_with(19_997)
    coalition = [board_with(120_000), board_with(75_098)]
    later_coalition = board_with(161_504)
    board_with(2_530_522 - 202_745 - 19_997 - 195_098 - 161_504)  # everyone else
    for board in start:
        founding(board, date(2017, 3, 1))
    founding(later_start, date(2017, 5, 1))
    for board in coalition:
        interested(board, date(2017, 3, 10))
    interested(later_coalition, date(2017, 5, 15))

    march = support_at(date(2017, 3, 24))
    june = support_at(date(2017, 6, 9))

    assert march.national_pupils == june.national_pupils == 2_530_522
    assert (march.start_group.pupils, march.start_group.percent) == (202_745, 8)
    assert (march.coalition.pupils, march.coalition.percent) == (195_098, 8)
    assert (march.together.pupils, march.together.percent) == (397_843, 16)
    assert (june.start_group.pupils, june.start_group.percent) == (222_742, 9)
    assert (june.coalition.pupils, june.coalition.percent) == (356_602, 14)
    assert (june.together.pupils, june.together.percent) == (579_344, 23)
    assert (march.start_group.boards, june.start_group.boards) == (3, 4)
    assert str(march.together.share) == "0.157218"


@pytest.mark.django_db
def test_recorded_snapshots_show_exactly():
    SupportSnapshot.objects.create(
        date=date(2017, 3, 24),
        national_pupils=2_530_522,
        start_group_boards=24,
        start_group_pupils=202_745,
        coalition_pupils=195_098,
    )

    figures = support_at(date(2017, 3, 24))

    assert figures.is_snapshot
    assert (figures.together.pupils, figures.together.percent) == (397_843, 16)
    assert (figures.start_group.percent, figures.coalition.percent) == (8, 8)
    assert figures.coalition.boards is None and figures.together.boards is None


@pytest.mark.django_db
def test_each_sector_type_at_its_latest_count_date():
    po = board_with(300, count_date=date(2019, 10, 1), sector_type="bo")
    PupilCountFactory(location=po.locations.get(), pupils=999, count_date=date(2018, 10, 1))
    vo = board_with(700, count_date=date(2025, 10, 1), sector_type="vo")
    PupilCountFactory(
        location=vo.locations.get(), pupils=650, count_date=date(2019, 10, 1), sector_type="vo"
    )
    interested(po, date(2020, 1, 1))
    interested(vo, date(2020, 1, 1))

    figures = support_at(date(2026, 6, 1))
    earlier = support_at(date(2024, 6, 1))

    assert figures.count_dates == {"bo": date(2019, 10, 1), "vo": date(2025, 10, 1)}
    assert (figures.coalition.pupils, figures.national_pupils) == (1000, 1000)
    assert earlier.count_dates == {"bo": date(2019, 10, 1), "vo": date(2019, 10, 1)}
    assert earlier.coalition.pupils == 950


@pytest.mark.django_db
def test_groups_follow_the_dates_of_each_transition():
    board = board_with(500)
    board_with(1500)
    Membership.objects.create(
        board=board,
        state=State.ENDED,
        interested_on=date(2017, 1, 1),
        applied_on=date(2017, 2, 1),
        admitted_on=date(2017, 3, 1),
        ended_on=date(2018, 3, 1),
    )

    def group(on):
        f = support_at(on)
        return f.coalition.boards, f.members.boards, f.together.pupils

    assert group(date(2016, 12, 31)) == (0, 0, 0)
    assert group(date(2017, 1, 1)) == (1, 0, 500)
    assert group(date(2017, 3, 1)) == (0, 1, 500)
    assert group(date(2018, 3, 1)) == (0, 0, 0)
    assert support_at(date(2017, 3, 1)).members.percent == 25


@pytest.mark.django_db
def test_a_recorded_national_total_replaces_the_registrys_for_its_period():
    interested(board_with(500), date(2017, 1, 1))
    NationalTotal.objects.create(
        valid_from=date(2017, 1, 1), valid_until=date(2017, 12, 31), pupils=10_000
    )

    assert support_at(date(2017, 6, 1)).national_pupils == 10_000
    assert support_at(date(2017, 6, 1)).coalition.percent == 5
    assert support_at(date(2018, 6, 1)).national_pupils == 500


@pytest.mark.django_db
def test_breakdown_by_province_and_sector_type():
    interested(board_with(300, province="Drenthe"), date(2017, 1, 1))
    board_with(700, province="Drenthe", sector_type="sbo")
    board_with(1000, province="Limburg")

    breakdown = support_breakdown(support_at(date(2017, 6, 1)))

    assert breakdown["province"] == {
        "Drenthe": {"pupils": 300, "national": 1000},
        "Limburg": {"pupils": 0, "national": 1000},
    }
    assert breakdown["sector_type"] == {
        "bo": {"pupils": 300, "national": 1300},
        "sbo": {"pupils": 0, "national": 700},
    }


@pytest.mark.django_db
def test_history_costs_the_same_queries_for_many_dates(django_assert_num_queries):
    for day in range(1, 21):
        interested(board_with(100 + day), date(2017, 1, day))

    with django_assert_num_queries(4):
        history = support_history(date(2017, 3, 15))

    # the count date, the first of each month since the first membership, the day asked
    assert [f.date for f in history] == [
        COUNT_DATE,
        date(2017, 1, 1),
        date(2017, 2, 1),
        date(2017, 3, 1),
        date(2017, 3, 15),
    ]
    assert [f.coalition.boards for f in history] == [0, 1, 20, 20, 20]


memberships = st.lists(
    st.tuples(
        st.integers(0, 2000),  # pupils
        st.sampled_from(["founding", "interested", "applied", "member", "ended", "none"]),
        st.integers(0, 400),  # day offset of the transition
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(memberships)
def test_laws_shares_between_0_and_1_and_together_is_the_sum(rows):
    Membership.objects.all().delete()
    PupilCount.objects.all().delete()
    Location.objects.all().delete()
    School.objects.all().delete()
    Board.objects.all().delete()
    start = date(2017, 1, 1)
    for pupils, kind, offset in rows:
        board = board_with(pupils)
        on = date.fromordinal(start.toordinal() + offset)
        if kind == "founding":
            founding(board, on)
        elif kind == "interested":
            interested(board, on)
        elif kind == "applied":
            Membership.objects.create(board=board, state=State.APPLIED, applied_on=on)
        elif kind == "member":
            Membership.objects.create(
                board=board, state=State.MEMBER, applied_on=on, admitted_on=on
            )
        elif kind == "ended":
            Membership.objects.create(
                board=board, state=State.ENDED, interested_on=start, ended_on=on
            )

    for figures in support_history(date(2018, 6, 1)):
        groups = [figures.start_group, figures.coalition, figures.members]
        assert figures.together.pupils == sum(g.pupils for g in groups)
        assert figures.together.boards == sum(g.boards for g in groups)
        for group in [*groups, figures.together]:
            assert 0 <= group.share <= 1
            assert 0 <= group.percent <= 100
