"""The groups API for members and staff: my groups, a group, its threads, their posts, and
posting a reply with the same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from bundel.groups import services
from bundel.groups.models import Post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def api():
    return APIClient()


def test_my_groups_lists_the_groups_i_take_part_in_with_figures(api, thread, colleague, staff):
    services.group_create(name="Regio Noord", kind="region", by=staff)
    api.force_authenticate(colleague)

    data = api.get("/api/v1/groups/").json()

    assert data["count"] == 1
    group = data["results"][0]
    assert group == {
        "slug": "wifi-in-het-po",
        "name": "Wifi in het po",
        "kind": "topic",
        "description": "Ervaringen met wifi, zie https://example.test/wifi.",
        "state": "active",
        "participant_count": 2,
        "thread_count": 1,
        "last_post_at": group["last_post_at"],
        "is_participant": True,
    }
    assert group["last_post_at"] is not None
    assert api.get("/api/v1/groups/regio-noord/").json()["is_participant"] is False


def test_a_groups_threads_and_a_threads_posts(api, thread, colleague, contact):
    services.post_add(thread=thread, body="Eén per lokaal", by=colleague)
    api.force_authenticate(colleague)

    threads = api.get("/api/v1/groups/wifi-in-het-po/threads/").json()["results"]
    assert [(t["id"], t["title"], t["post_count"], t["started_by"]) for t in threads] == [
        (thread.pk, "Access points per lokaal", 2, contact.get_full_name())
    ]
    posts = api.get(f"/api/v1/groups/threads/{thread.pk}/posts/").json()["results"]
    assert [(p["body"], p["author_board"], p["hidden"]) for p in posts] == [
        ("Hoeveel hebben jullie?", "41211", False),
        ("Eén per lokaal", "20001", False),
    ]


def test_a_participant_posts_a_reply(api, thread, colleague):
    api.force_authenticate(colleague)

    response = api.post(
        f"/api/v1/groups/threads/{thread.pk}/posts/", {"body": "<i>Plain</i> text"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["body"] == "<i>Plain</i> text"
    assert response.json()["author"] == colleague.get_full_name()
    assert Post.objects.filter(thread=thread, author=colleague).count() == 1


def test_a_refused_post_says_why_and_stores_nothing(
    settings, api, thread, colleague, board, member
):
    settings.GROUPS_POST_MAX_LENGTH = 5
    api.force_authenticate(colleague)
    url = f"/api/v1/groups/threads/{thread.pk}/posts/"

    empty = api.post(url, {"body": "  "}, format="json")
    long = api.post(url, {"body": "zes..."}, format="json")

    assert empty.status_code == 400 and empty.json() == {
        "detail": ["The post is empty."],
        "code": "empty",
    }
    assert long.status_code == 400 and long.json()["code"] == "too_long"
    assert long.json()["params"] == {"length": "6", "max": "5"}  # DRF gives strings
    assert thread.posts.count() == 1


def test_a_member_who_has_not_joined_may_read_but_not_post(api, thread, board, member):
    from ..factories import UserFactory

    stranger = UserFactory(board=board, username="stranger")
    api.force_authenticate(stranger)
    url = f"/api/v1/groups/threads/{thread.pk}/posts/"

    assert api.get(url).json()["count"] == 1
    response = api.post(url, {"body": "Hallo"}, format="json")
    assert response.status_code == 403
    assert "join the group first" in response.json()["detail"]


def test_an_archived_group_refuses_posts_with_409(api, thread, colleague, staff):
    services.group_archive(group=thread.group, by=staff)
    api.force_authenticate(colleague)

    response = api.post(
        f"/api/v1/groups/threads/{thread.pk}/posts/", {"body": "Hallo"}, format="json"
    )

    assert response.status_code == 409 and response.json()["code"] == "archived"


def test_only_staff_read_the_text_of_a_hidden_post(api, thread, colleague, staff):
    services.post_hide(post=thread.posts.get(), reason="Privacy", by=staff)
    url = f"/api/v1/groups/threads/{thread.pk}/posts/"

    api.force_authenticate(colleague)
    post = api.get(url).json()["results"][0]
    assert (post["body"], post["hidden"], post["hidden_reason"]) == (None, True, "Privacy")
    api.force_authenticate(staff)
    assert api.get(url).json()["results"][0]["body"] == "Hoeveel hebben jullie?"


def test_the_schema_describes_the_groups_paths(api, staff):
    api.force_authenticate(staff)

    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    for path in (
        "/api/v1/groups/",
        "/api/v1/groups/{slug}/",
        "/api/v1/groups/{slug}/threads/",
        "/api/v1/groups/threads/{id}/posts/",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/groups/threads/{id}/posts/"]
