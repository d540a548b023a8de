"""Hand edits of the registry: staff only, validated, audited, on every path."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bundel.audit.models import AuditEntry
from bundel.registry.models import Board
from bundel.registry.services import board_update


@pytest.mark.django_db
def test_staff_update_is_audited_with_the_change(board, staff):
    board_update(board=board, by=staff, name="Stichting OMO", kvk_number="12345678")

    entry = AuditEntry.objects.get()
    assert entry.action == "registry.board.updated"
    assert entry.actor == staff
    assert entry.changes == {"name": ["", "Stichting OMO"], "kvk_number": ["", "12345678"]}


@pytest.mark.django_db
def test_invalid_value_is_refused_and_nothing_changes(board, staff):
    with pytest.raises(ValidationError) as caught:
        board_update(board=board, by=staff, name="X", kvk_number="1234")

    assert "kvk_number" in caught.value.message_dict
    board.refresh_from_db()
    assert (board.name, board.kvk_number) == ("", "")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_board_contact_cannot_change_registry_data(board, contact):
    with pytest.raises(PermissionDenied):
        board_update(board=board, by=contact, name="Mijn naam")
    assert Board.objects.get().name == ""


@pytest.mark.django_db
def test_unchanged_save_writes_no_audit_entry(board, staff):
    board_update(board=board, by=staff, name="")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_admin_save_goes_through_the_service(client, board, staff):
    client.force_login(staff)
    url = f"/admin/registry/board/{board.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "name": "Stichting via admin",
            "locations-TOTAL_FORMS": "1",
            "locations-INITIAL_FORMS": "1",
            "locations-MIN_NUM_FORMS": "0",
            "locations-MAX_NUM_FORMS": "1000",
            "locations-0-id": str(board.locations.get().pk),
            "locations-0-board": str(board.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Board.objects.get().name == "Stichting via admin"
    assert AuditEntry.objects.get().changes == {"name": ["", "Stichting via admin"]}


@pytest.mark.django_db
def test_admin_refuses_a_bad_kvk_number(client, board, staff):
    client.force_login(staff)
    url = f"/admin/registry/board/{board.pk}/change/"
    response = client.post(url, {"name": "X", "kvk_number": "12"})

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()
    assert Board.objects.get().kvk_number == ""
