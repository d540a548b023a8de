"""Every list page and API list of the groups costs the same number of queries with 2 rows
as with 50 (one page): the bound below is the same for both."""

import pytest
from rest_framework.test import APIClient

from bundel.groups.models import Participant

from ..factories import UserFactory
from .conftest import make_member
from .factories import (
    GroupFactory,
    GroupFileFactory,
    NotificationFactory,
    ParticipantFactory,
    PostFactory,
    QuestionFactory,
    SessionFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db
ROWS = [2, 50]


def people(rows: int) -> list:
    """`rows` council members, each of their own member board."""
    users = [UserFactory(role="council_member") for _ in range(rows)]
    for user in users:
        make_member(user.board)
    return users


@pytest.fixture
def reader(colleague, client):
    client.force_login(colleague)
    return colleague


def get(client, url, bound, assert_queries):
    with assert_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("rows", ROWS)
def test_overview(rows, client, reader, django_assert_max_num_queries):
    for group in GroupFactory.create_batch(rows):
        ParticipantFactory(group=group, user=reader)
        PostFactory(thread=ThreadFactory(group=group))

    response = get(client, "/groups/", 6, django_assert_max_num_queries)

    assert len(response.context["mine"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_group_page_with_threads(rows, client, reader, group, django_assert_max_num_queries):
    ParticipantFactory(group=group, user=reader)
    for user in people(rows):
        PostFactory.create_batch(2, thread=ThreadFactory(group=group, started_by=user), author=user)
    GroupFileFactory.create_batch(rows, group=group, uploaded_by=reader)
    SessionFactory.create_batch(min(rows, 10), group=group)

    response = get(client, f"/groups/{group.slug}/", 12, django_assert_max_num_queries)

    assert len(response.context["page"]) == rows
    assert {t.post_count for t in response.context["page"]} == {2}


@pytest.mark.parametrize("rows", ROWS)
def test_thread_page_with_posts(rows, client, reader, group, django_assert_max_num_queries):
    ParticipantFactory(group=group, user=reader)
    thread = ThreadFactory(group=group)
    for user in people(rows):
        PostFactory(thread=thread, author=user)

    response = get(
        client, f"/groups/{group.slug}/threads/{thread.pk}/", 9, django_assert_max_num_queries
    )

    assert len(response.context["page"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_files_page(rows, client, reader, group, django_assert_max_num_queries):
    for user in people(rows):
        GroupFileFactory(group=group, uploaded_by=user)

    response = get(client, f"/groups/{group.slug}/files/", 7, django_assert_max_num_queries)

    assert len(response.context["page"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_participants_page_and_export(
    rows, client, reader, staff, group, django_assert_max_num_queries
):
    for user in people(rows):
        ParticipantFactory(group=group, user=user)

    response = get(client, f"/groups/{group.slug}/participants/", 6, django_assert_max_num_queries)
    assert len(response.context["page"]) == rows

    client.force_login(staff)
    response = get(
        client, f"/groups/{group.slug}/participants/?format=csv", 4, django_assert_max_num_queries
    )
    assert response.content.decode("utf-8-sig").count("\n") == rows + 1


@pytest.mark.parametrize("rows", ROWS)
def test_notifications_page(rows, client, reader, group, django_assert_max_num_queries):
    thread = ThreadFactory(group=group)
    for user in people(rows):
        NotificationFactory(user=reader, group=group, post=PostFactory(thread=thread, author=user))

    response = get(client, "/groups/notifications/", 8, django_assert_max_num_queries)

    assert len(response.context["page"]) == rows and response.context["unread"] == rows


@pytest.mark.parametrize("rows", ROWS)
def test_sessions_list_and_a_session_with_questions(
    rows, client, reader, supplier, group, django_assert_max_num_queries
):
    sessions = SessionFactory.create_batch(rows, group=group)
    for session in sessions:
        session.suppliers.add(supplier)
    for user in people(rows):
        QuestionFactory(session=sessions[0], author=user)

    response = get(client, "/groups/sessions/", 7, django_assert_max_num_queries)
    assert len(response.context["page"]) == rows
    response = get(client, f"/groups/sessions/{sessions[0].pk}/", 10, django_assert_max_num_queries)
    assert len(response.context["questions"]) == rows

    client.force_login(supplier)
    response = get(client, "/groups/sessions/", 7, django_assert_max_num_queries)
    assert len(response.context["page"]) == rows


# -- the API -------------------------------------------------------------------------------------


@pytest.fixture
def api(colleague):
    client = APIClient()
    client.force_authenticate(colleague)
    return client


@pytest.mark.parametrize("rows", ROWS)
def test_api_my_groups(rows, api, colleague, django_assert_max_num_queries):
    for group in GroupFactory.create_batch(rows):
        ParticipantFactory(group=group, user=colleague)

    response = get(api, "/api/v1/groups/", 2, django_assert_max_num_queries)

    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", ROWS)
def test_api_threads(rows, api, group, django_assert_max_num_queries):
    for user in people(rows):
        PostFactory(thread=ThreadFactory(group=group, started_by=user), author=user)

    response = get(api, f"/api/v1/groups/{group.slug}/threads/", 3, django_assert_max_num_queries)

    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", ROWS)
def test_api_posts(rows, api, group, django_assert_max_num_queries):
    thread = ThreadFactory(group=group)
    for user in people(rows):
        PostFactory(thread=thread, author=user)

    response = get(
        api, f"/api/v1/groups/threads/{thread.pk}/posts/", 3, django_assert_max_num_queries
    )

    assert response.json()["count"] == rows
    assert not Participant.objects.exists()  # reading needs no joining
