"""Who counts as what."""

import pytest


@pytest.mark.django_db
def test_user_is_member_needs_a_member_board_and_a_role_that_acts_for_it():
    from bundel.membership.selectors import user_is_member
    from tests.factories import MembershipFactory, StaffFactory, UserFactory

    member = MembershipFactory(state="member").board
    other = MembershipFactory(state="interested").board
    assert user_is_member(StaffFactory())
    assert user_is_member(UserFactory(board=member))
    assert user_is_member(UserFactory(board=member, role="council_member"))
    assert not user_is_member(UserFactory(board=other))
    assert not user_is_member(UserFactory(board=member, is_active=False))
    assert not user_is_member(UserFactory(role="supplier", board=None, organisation="X"))
