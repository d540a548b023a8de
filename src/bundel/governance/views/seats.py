from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bundel.membership.views import staff_required

from ..chambers import Chamber
from ..seats import LARGEST_AVERAGES, LARGEST_REMAINDERS
from ..selectors import chamber_seats


class SeatsForm(forms.Form):
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=200)
    basis = forms.ChoiceField(
        label=_("Basis"),
        choices=[("members", _("Members per chamber")), ("pupils", _("Pupils per chamber"))],
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            (LARGEST_AVERAGES, _("Largest averages (D'Hondt)")),
            (LARGEST_REMAINDERS, _("Largest remainders")),
        ],
    )
    min_seats = forms.IntegerField(label=_("Minimum seats per chamber"), min_value=0, max_value=20)


@staff_required
def seats(request):
    """What-if: the council's seats over the chambers of today's members."""
    initial = {
        "seats": settings.COUNCIL_SEATS,
        "basis": settings.COUNCIL_SEAT_BASIS,
        "method": settings.COUNCIL_SEAT_METHOD,
        "min_seats": settings.COUNCIL_MIN_SEATS_PER_CHAMBER,
    }
    form = SeatsForm(request.GET or None, initial=initial)
    values = form.cleaned_data if form.is_valid() else initial
    result = chamber_seats(**values)
    rows = [
        (
            chamber.label,
            result.members.get(chamber.value, 0),
            result.pupils.get(chamber.value, 0),
            result.allocation.seats.get(chamber.value, 0) if result.allocation else 0,
        )
        for chamber in Chamber
    ]
    return render(
        request,
        "governance/seats.html",
        {"form": form, "result": result, "rows": rows, "values": values},
    )
