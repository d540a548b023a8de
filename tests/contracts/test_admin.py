"""The admin makes and changes contracts through the services: the award, the term and the
maximum are checked on the form (nothing stored on a refusal), rates are saved by
`rate_set`, everything is audited, nothing is deleted."""

from decimal import Decimal

from bundel.audit.models import AuditEntry
from bundel.contracts import services
from bundel.contracts.models import ContractRate, FrameworkContract
from bundel.contracts.services import CallOffLine

from .factories import capacity, tender_in_standstill

ADD = "/admin/contracts/frameworkcontract/add/"


def management(client, url) -> dict[str, str]:
    """The management forms of the page's inlines, as they come."""
    data = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        form = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{form.prefix}-{name}"] = str(form[name].value())
    return data


def fields(**overrides) -> dict[str, str]:
    data = {
        "supplier_name": "Glasvezel Nederland B.V.",
        "supplier_user": "",
        "signed_on": "2026-11-30",
        "starts_on": "2027-01-01",
        "ends_on": "2030-12-31",
        "maximum_kind": "value",
        "maximum_value": "800000.00",
        "maximum_quantity": "",
    }
    return {**data, **overrides}


def test_staff_add_a_contract_with_rates(staff_client, staff, catalogue, settings):
    settings.LANGUAGE_CODE = "en"
    lot = tender_in_standstill(by=staff).lots.get(number=1)
    data = {
        **management(staff_client, ADD),
        **fields(lot=str(lot.pk)),
        "rates-0-capacity": str(capacity("connectivity", "1g").pk),
        "rates-0-monthly_rate": "405.00",
    }

    response = staff_client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    contract = FrameworkContract.objects.get()
    assert contract.reference == "RO-2027-01" and contract.lot == lot
    assert list(contract.rates.values_list("capacity__code", "monthly_rate")) == [
        ("1g", Decimal("405.00"))
    ]
    actions = set(
        AuditEntry.objects.filter(object_id=str(contract.pk)).values_list("action", flat=True)
    )
    assert {"contracts.contract.created", "contracts.rate.set"} <= actions


def test_the_admin_refuses_a_term_over_four_years(staff_client, staff, catalogue):
    lot = tender_in_standstill(by=staff).lots.get(number=1)
    data = {**management(staff_client, ADD), **fields(lot=str(lot.pk), ends_on="2031-01-01")}

    response = staff_client.post(ADD, data)

    assert response.status_code == 200
    assert "2030-12-31" in str(response.context["adminform"].form.non_field_errors())
    assert FrameworkContract.objects.count() == 0


def test_the_admin_refuses_a_rate_outside_the_tender(staff_client, staff, catalogue):
    lot = tender_in_standstill(by=staff).lots.get(number=1)
    data = {
        **management(staff_client, ADD),
        **fields(lot=str(lot.pk)),
        "rates-0-capacity": str(capacity("wifi", "m").pk),
        "rates-0-monthly_rate": "800.00",
    }

    response = staff_client.post(ADD, data)

    assert response.status_code == 200
    assert "Wifi is not in the product groups of the tender" in response.content.decode()
    assert FrameworkContract.objects.count() == 0 and ContractRate.objects.count() == 0


def test_staff_change_the_maximum_not_below_what_is_used(staff_client, staff, contract, member):
    services.call_off_place(
        contract=contract, board=member, lines=[CallOffLine("connectivity", "1g", 2)], by=staff
    )
    url = f"/admin/contracts/frameworkcontract/{contract.pk}/change/"
    base = {
        **management(staff_client, url),
        **fields(
            signed_on=contract.signed_on.isoformat(),
            starts_on=contract.starts_on.isoformat(),
            ends_on=contract.ends_on.isoformat(),
            supplier_name="Netwerk B.V.",
            supplier_user=str(contract.supplier_user_id),
        ),
    }
    for rate in contract.rates.all():
        index = list(contract.rates.all()).index(rate)
        base[f"rates-{index}-id"] = str(rate.pk)
        base[f"rates-{index}-contract"] = str(contract.pk)
        base[f"rates-{index}-monthly_rate"] = str(rate.monthly_rate)

    refused = staff_client.post(url, {**base, "maximum_value": "9599.99"})
    accepted = staff_client.post(url, {**base, "maximum_value": "9600.00"})

    assert "EUR 9600.00" in str(refused.context["adminform"].form.non_field_errors())
    assert accepted.status_code == 302
    assert FrameworkContract.objects.get().maximum_value == Decimal("9600.00")
    entry = AuditEntry.objects.get(action="contracts.contract.updated")
    assert entry.changes == {"maximum_value": ["100000.00", "9600.00"]}


def test_nothing_is_deleted_in_the_admin(staff_client, contract):
    response = staff_client.post(
        f"/admin/contracts/frameworkcontract/{contract.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert FrameworkContract.objects.count() == 1
    assert staff_client.get("/admin/contracts/calloff/add/").status_code == 403


def test_only_staff_reach_the_admin(contact_client, contract):
    response = contact_client.get(f"/admin/contracts/frameworkcontract/{contract.pk}/change/")
    assert response.status_code == 302
