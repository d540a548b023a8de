from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Province, Sector, SectorType


class BoardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, DUO number, BRIN or place"), "type": "search"}
        ),
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[
            ("", _("All sectors")),
            (_("Sector of the board"), Sector.choices),
            (
                _("Has locations of type"),
                [(t, label) for t, label in SectorType.choices if t != SectorType.VO],
            ),
        ],
    )
    province = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Province.choices]
    )
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("duo_number", _("DUO number")), ("pupils", _("Pupils (most first)"))],
    )

    def filters(self) -> dict:
        """The filters to apply; a field with an invalid value is left out (and shown)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q", ""),
            "sector": data.get("sector", ""),
            "province": data.get("province", ""),
            "order": data.get("order") or "duo_number",
        }
