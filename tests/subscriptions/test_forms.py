"""The location checkboxes of the wave and order forms: Django's markup, written without a
template per checkbox, so the same HTML whatever the choices, values and attributes."""

import pytest
from django import forms

from bundel.subscriptions.forms import LocationCheckboxes, WaveCreateForm

CHOICES = [("16AH00", '16AH00 <De> "Regenboog" & co'), ("02FY01", "02FY01 Mavo 's-Gravenhage")]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, None, {"id": "id_wave-locations"}),
        (CHOICES, ["02FY01"], {"id": "id_x", "aria-invalid": "true", "disabled": True}),
        (CHOICES, ["16AH00", "02FY01"], {"id": "id_y", "class": "a b", "data-n": 0}),
        (CHOICES, [], None),  # no id: labels without `for`
        ([("Groep <1>", CHOICES), ("03XX00", "03XX00 Los")], ["03XX00"], {"id": "g"}),
        ([], None, {"id": "empty"}),
    ],
)
def test_the_markup_is_djangos(choices, value, attrs):
    ours = LocationCheckboxes(choices=choices).render("wave-locations", value, attrs)
    djangos = forms.CheckboxSelectMultiple(choices=choices).render("wave-locations", value, attrs)

    assert ours == djangos
    assert "&lt;De&gt; &quot;Regenboog&quot; &amp; co" in ours or not choices


def test_a_refused_wave_form_renders_as_with_djangos_widget(db, contact):
    data = {"wave-name": "", "wave-on": "", "wave-locations": ["02FY01", "99ZZ00"]}

    def rendered(widget) -> str:
        form = WaveCreateForm(data, user=contact, locations=CHOICES, prefix="wave")
        form.fields["locations"].widget = widget(choices=CHOICES)
        assert not form.is_valid()  # 99ZZ00 is no choice: the field has an error
        return str(form["locations"])

    ours = rendered(LocationCheckboxes)

    assert ours == rendered(forms.CheckboxSelectMultiple)
    assert 'value="02FY01" aria-invalid="true" id="id_wave-locations_1" checked>' in ours
