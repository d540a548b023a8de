"""Staff create, change and archive groups in the admin through the services (audited);
everything else of the groups is read only there."""

import pytest

from bundel.audit.models import AuditEntry
from bundel.groups.models import Group, Post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_staff_add_and_change_a_group_through_the_services(staff_client, staff):
    response = staff_client.post(
        "/admin/groups/group/add/",
        {
            "name": "Regio Noord",
            "kind": "region",
            "description": "Noorden",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group = Group.objects.get()
    assert (group.slug, group.created_by) == ("regio-noord", staff)

    staff_client.post(
        f"/admin/groups/group/{group.pk}/change/",
        {
            "name": "Regio Noord-Nederland",
            "kind": "region",
            "description": "Noorden",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )

    group.refresh_from_db()
    assert (group.name, group.slug) == ("Regio Noord-Nederland", "regio-noord")
    assert list(
        AuditEntry.objects.filter(object_id=str(group.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["groups.group.created", "groups.group.updated"]


def test_a_name_without_letters_is_refused_on_the_form(staff_client):
    response = staff_client.post(
        "/admin/groups/group/add/",
        {
            "name": "!!!",
            "kind": "topic",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "needs letters or digits" in response.content.decode()
    assert not Group.objects.exists()


def test_the_archive_action(staff_client, group):
    staff_client.post("/admin/groups/group/", {"action": "archive", "_selected_action": [group.pk]})

    group.refresh_from_db()
    assert group.is_archived
    assert AuditEntry.objects.filter(action="groups.group.archived").count() == 1


def test_groups_are_not_deleted_and_posts_are_read_only(staff_client, thread):
    post = thread.posts.get()

    assert staff_client.get(f"/admin/groups/group/{thread.group.pk}/delete/").status_code == 403
    assert staff_client.get("/admin/groups/post/add/").status_code == 403
    view = staff_client.get(f"/admin/groups/post/{post.pk}/change/")
    assert view.status_code == 200 and not view.context["has_change_permission"]
    assert (
        staff_client.post(f"/admin/groups/post/{post.pk}/change/", {"body": "x"}).status_code == 403
    )
    assert Post.objects.get().body == "Hoeveel hebben jullie?"
    for model in ("thread", "post", "groupfile", "dialoguesession", "grouppreference", "digest"):
        assert staff_client.get(f"/admin/groups/{model}/").status_code == 200, model


def test_board_people_have_no_admin(colleague_client):
    response = colleague_client.get("/admin/groups/group/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
