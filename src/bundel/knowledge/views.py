"""The knowledge base pages: search, a document with its versions, file downloads, the
negotiated rates; and the staff's forms to keep documents.

Everything anyone reads comes through `selectors.documents_visible_to`: a document a
person may not see answers 404, whether or not it exists. Every change is a form whose
`run()` calls a service, so the rules and the audit trail are the admin's too.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bundel.core import versions
from bundel.core.exports import FORMATS, export_response
from bundel.core.versions import request_parts
from bundel.membership.views import staff_required

from . import forms, selectors
from .constants import RATES_CATEGORY
from .models import Category, Document, DocumentVersion
from .uploads import CONTENT_TYPES

STAFF_ACTIONS = {
    "details": forms.DocumentForm,
    "version": forms.VersionForm,
    "withdraw": forms.WithdrawForm,
    "reinstate": forms.ReinstateForm,
}


def index(request):
    """Search the documents the user may see, with filters and pages."""
    form = forms.SearchForm(request.GET)
    filters = form.filters()
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _export(request, fmt, filters)
    is_staff = request.user.is_authenticated and request.user.is_cooperative_staff
    audience = selectors.audience(request.user)
    parts = (audience, request_parts(request), get_language())

    def results() -> str:
        documents = selectors.document_search(user=request.user, filters=filters)
        page = Paginator(documents, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.with_snippets(page.object_list, filters.q)
        query = request.GET.copy()
        query.pop("page", None)
        untagged = query.copy()
        untagged.pop("tag", None)
        context = {
            "form": form,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "untagged_query": untagged.urlencode(),
            "is_staff": is_staff,
        }
        return render_to_string("knowledge/_results.html", context, request)

    def body() -> str:
        context = {"form": form, "is_staff": is_staff, "results": mark_safe(results())}
        return render_to_string("knowledge/_index_body.html", context, request)

    # The page is the same for everyone of one audience (staff, or the visibility levels
    # a user reads): cached under the knowledge base's version (see apps.py).
    if request.htmx:
        return HttpResponse(
            versions.cached("knowledge-results", parts, results, under=["knowledge"])
        )
    # escaped when rendered
    content = mark_safe(versions.cached("knowledge-index", parts, body, under=["knowledge"]))
    return render(request, "knowledge/index.html", {"content": content})


@staff_required
def _export(request, fmt: str, filters: selectors.Filters):
    """The list as searched, as a download: a staff tool (it lists withdrawn documents
    too), as the link shown to staff only says; anyone else is sent to log in or
    refused."""
    documents = selectors.document_search(user=request.user, filters=filters)
    header = [
        _("Title"),
        _("Category"),
        _("Visible to"),
        _("Version"),
        _("Updated"),
        _("Tags"),
        _("State"),
        _("Address"),
    ]
    rows = (
        [
            d.title,
            d.category.name,
            d.get_visibility_display(),
            d.current_version.number if d.current_version else "",
            timezone.localdate(d.updated_at),
            ", ".join(tag.name for tag in d.tags.all()),
            d.get_state_display(),
            d.get_absolute_url(),
        ]
        for d in documents.iterator(chunk_size=500)
    )
    return export_response(fmt, filename="kennisbank", header=header, rows=rows)


def _visible_document(request, pk: int) -> Document:
    try:
        return selectors.document_detail(user=request.user, pk=pk)
    except Document.DoesNotExist:
        raise Http404(_("No such document.")) from None


def document(request, pk: int):
    """A document's current version, its earlier versions, and for staff the forms that
    change it and its audit trail."""
    doc = _visible_document(request, pk)
    is_staff = request.user.is_authenticated and request.user.is_cooperative_staff
    bound = None
    if request.method == "POST":
        if not is_staff:
            raise PermissionDenied(_("Only the cooperative's staff keep the knowledge base."))
        bound = _post(request, doc)
        if bound is None:
            return redirect("knowledge:document", pk=doc.pk)
    context = {
        "document": doc,
        "version": doc.current_version,
        "versions": selectors.document_versions(doc),
        "is_staff": is_staff,
    }
    if is_staff:
        actions = ["details", "version", "reinstate" if doc.is_withdrawn else "withdraw"]
        if doc.is_withdrawn:
            actions.remove("version")
        context["staff_forms"] = [
            (name, bound[1] if bound and bound[0] == name else _form(request, name, doc))
            for name in actions
        ]
        context["audit"] = selectors.document_audit_entries(document=doc, user=request.user)[:100]
    return render(request, "knowledge/document.html", context)


def _form(request, name: str, doc: Document, data=None, files=None):
    return STAFF_ACTIONS[name](data, files, user=request.user, document=doc, prefix=name)


def _post(request, doc: Document):
    """Run the posted form. None when done, else (action, the bound form with errors)."""
    name = request.POST.get("action", "")
    if name not in STAFF_ACTIONS:
        raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
    form = _form(request, name, doc, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            form.run()
        except ValidationError as error:  # RuleViolation, StateConflict: the rule's message
            _add_errors(form, error)
        else:
            messages.success(request, str(form.done))
            return None
    return name, form


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: at the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@staff_required
def new(request):
    form = forms.DocumentCreateForm(
        request.POST or None, request.FILES or None, user=request.user, prefix="new"
    )
    if request.method == "POST" and form.is_valid():
        try:
            doc = form.run()
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, str(form.done))
            return redirect("knowledge:document", pk=doc.pk)
    return render(request, "knowledge/new.html", {"form": form})


def _visible_version(request, pk: int, number: int) -> DocumentVersion:
    try:
        return selectors.version_detail(user=request.user, pk=pk, number=number)
    except DocumentVersion.DoesNotExist:
        raise Http404(_("No such version.")) from None


def version(request, pk: int, number: int):
    """One version as it was, readable after newer versions came."""
    shown = _visible_version(request, pk, number)
    if shown.document.current_version_id == shown.pk:
        return redirect("knowledge:document", pk=pk)
    return render(request, "knowledge/version.html", {"version": shown, "document": shown.document})


def download(request, pk: int, number: int):
    """A version's file, for those who may see the document: always as an attachment,
    with the type its content was checked to be."""
    shown = _visible_version(request, pk, number)
    if not shown.file:
        raise Http404(_("This version has no file."))
    try:
        handle = shown.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this version is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=shown.file_name or f"document.{shown.file_kind}",
        content_type=CONTENT_TYPES.get(shown.file_kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def rates(request):
    """The negotiated rates of the framework contracts (members and staff)."""
    context = {
        "rates": selectors.negotiated_rates(user=request.user),
        "may_see": selectors.may_see_rates(request.user),
        "rates_category": Category.objects.filter(code=RATES_CATEGORY).first(),
    }
    return render(request, "knowledge/rates.html", context)
