from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bundel.registry.models import Board

from . import selectors, services
from .constants import BatchState
from .models import ProposalBatch
from .rendering import proposal_filename, proposal_pdf


def _proposal(request, duo_number: str) -> selectors.Proposal:
    try:
        board = selectors.proposal_board(user=request.user, duo_number=duo_number)
    except Board.DoesNotExist:
        raise Http404(
            _("There is no proposal for board %(n)s that you may see.") % {"n": duo_number}
        ) from None
    return selectors.proposal_for(board)


@login_required
def board(request, duo_number: str):
    proposal = _proposal(request, duo_number)
    return render(request, "proposals/board.html", {"proposal": proposal})


@login_required
def pdf(request, duo_number: str):
    proposal = _proposal(request, duo_number)
    response = HttpResponse(proposal_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{proposal_filename(proposal)}"'
    return response


def staff_only(view):
    """Staff only; anyone else logged in gets a 404, as for a page that is not there."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_cooperative_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
def bulk(request):
    services.fail_stale_batches()
    batches = ProposalBatch.objects.select_related("created_by")[:10]
    context = {
        "batches": batches,
        "current": next((b for b in batches if b.state == BatchState.RUNNING), None),
        "prospective": selectors.prospective_boards().count(),
    }
    return render(request, "proposals/bulk.html", context)


@staff_only
@require_POST
def bulk_start(request):
    try:
        services.proposal_batch_start(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("proposals:bulk")


@staff_only
def batch(request, pk: int):
    services.fail_stale_batches()
    batch = get_object_or_404(ProposalBatch, pk=pk)
    return render(request, "proposals/_batch.html", {"batch": batch})


@staff_only
def batch_download(request, pk: int):
    batch = get_object_or_404(ProposalBatch, pk=pk, state=BatchState.DONE)
    path = Path(batch.zip_path)
    if not path.is_file():
        raise Http404(_("The ZIP file of this run is no longer there."))
    filename = f"voorstellen-{batch.created_at:%Y-%m-%d}.zip"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
