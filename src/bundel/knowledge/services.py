"""Keeping the knowledge base: documents, their versions, tags, visibility, withdrawal.

Staff only. The staff pages and the admin both call these, so the rules and the audit
trail are the same on every path. Each function validates before it stores anything:
an uploaded file is checked (`uploads.check_upload`) before it is written, and a file
written for a change that then fails is removed again. Every change also refreshes the
document's search index (`search.index_document`) in the same transaction.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log, diff, field_values
from bundel.core.errors import RuleViolation, StateConflict

from .constants import DocumentState
from .models import Document, DocumentVersion, Tag, version_upload_to
from .search import clean_text, index_document
from .uploads import CheckedFile, check_upload

DOCUMENT_EDITABLE = ("title", "summary", "category", "visibility", "owner")
INDEXED = ("title", "summary")
TAG_MAX_LENGTH = 60


def _require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff keep the knowledge base."))


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - {*DOCUMENT_EDITABLE, "tags"}
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


@contextmanager
def _removing_files_on_error(written: list[str]):
    """Files written to storage during a change that then fails are deleted again (the
    transaction takes back the rows; storage is not transactional)."""
    try:
        yield
    except BaseException:
        for name in written:
            DocumentVersion.file.field.storage.delete(name)
        raise


def tag_name(raw: str) -> str:
    """A tag's name as stored: single spaces, at most TAG_MAX_LENGTH characters, with a
    letter or digit ("" for a blank one)."""
    name = " ".join(str(raw).split())
    if not name:
        return ""
    if len(name) > TAG_MAX_LENGTH:
        raise RuleViolation(
            _("The tag “%(tag)s” is longer than %(max)s characters."),
            code="tag_too_long",
            params={"tag": name, "max": TAG_MAX_LENGTH},
        )
    if not slugify(name):
        raise RuleViolation(
            _("The tag “%(tag)s” has no letters or digits."),
            code="tag_invalid",
            params={"tag": name},
        )
    return name


def _tags(names: Iterable[str]) -> list[Tag]:
    """The tags of these names, created when new; the same tag whatever the case or
    spacing ("Wifi", " wifi ")."""
    tags: dict[str, Tag] = {}
    for raw in names:
        name = tag_name(raw)
        if not name:
            continue
        slug = slugify(name)
        if slug not in tags:
            tags[slug] = Tag.objects.filter(slug=slug).first() or Tag.objects.create(
                name=name, slug=slug
            )
    return sorted(tags.values(), key=lambda tag: tag.name.lower())


def _tag_names(document: Document) -> str:
    """The tags as the audit trail shows them: "aanbesteding, Europees, model"."""
    return ", ".join(sorted(document.tags.values_list("name", flat=True), key=str.lower))


def _new_version(
    document: Document,
    *,
    by,
    number: int,
    body: str,
    checked: CheckedFile | None,
    keep_from: DocumentVersion | None,
    note: str,
    now,
    written: list[str],
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        body=clean_text(body).strip(),
        note=note.strip(),
        created_at=now,
        created_by=by,
    )
    if checked is not None:
        version.file_kind = checked.kind
        version.file_name = checked.name
        version.file_size = checked.size
        version.extracted_text = clean_text(checked.text)
        version.file.name = version_upload_to(version, checked.name)
    elif keep_from is not None and keep_from.file:
        for name in ("file", "file_kind", "file_name", "file_size", "extracted_text"):
            setattr(version, name, getattr(keep_from, name))
    if not version.body and not version.file:
        raise RuleViolation(
            _("A version needs a text, a file or both."), code="empty_version", params={}
        )
    version.full_clean()
    if checked is not None:
        stored = version.file.storage.save(version.file.name, ContentFile(checked.content))
        written.append(stored)
        version.file.name = stored
    version.save()
    return version


@transaction.atomic
def document_create(
    *,
    by,
    title: str,
    category,
    visibility: str,
    summary: str = "",
    tags: Iterable[str] = (),
    owner=None,
    body: str = "",
    upload=None,
    note: str = "",
    at: datetime | None = None,
) -> Document:
    """A new document with its first version (a text, an uploaded file, or both).
    `at` dates it in the past (an existing document brought in); default now."""
    _require_staff(by)
    checked = check_upload(upload) if upload else None
    now = _moment(at)
    document = Document(
        title=" ".join(title.split()),
        summary=clean_text(summary).strip(),
        category=category,
        visibility=visibility,
        owner=owner or by,
        created_at=now,
        updated_at=now,
    )
    document.full_clean(exclude=["current_version"])
    written: list[str] = []
    with _removing_files_on_error(written):
        document.save()
        document.tags.set(_tags(tags))
        version = _new_version(
            document,
            by=by,
            number=1,
            body=body,
            checked=checked,
            keep_from=None,
            note=note,
            now=now,
            written=written,
        )
        document.current_version = version
        document.save(update_fields=["current_version"])
        index_document(document)
        audit_log(
            action="knowledge.document.created",
            obj=document,
            actor=by,
            data={
                **field_values(document, DOCUMENT_EDITABLE),
                "tags": _tag_names(document),
                **_version_data(version),
            },
        )
    return document


def _version_data(version: DocumentVersion) -> dict[str, Any]:
    data = {"version": version.number}
    if version.file:
        data.update(file=version.file_name, file_kind=version.file_kind, size=version.file_size)
    if version.note:
        data["note"] = version.note
    return data


def _moment(at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise RuleViolation(
            _("A document or version cannot be dated in the future."), code="future", params={}
        )
    return at


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def document_add_version(
    *,
    document: Document,
    by,
    body: str,
    upload=None,
    remove_file: bool = False,
    note: str = "",
    at: datetime | None = None,
) -> DocumentVersion:
    """Add a version that becomes the current one; the earlier ones stay readable.

    Without an upload the new version keeps the current file (unless `remove_file`).
    Refused for a withdrawn document, and when nothing would change."""
    _require_staff(by)
    checked = check_upload(upload) if upload else None
    current = _locked(document)
    if current.is_withdrawn:
        raise StateConflict(
            _("“%(title)s” is withdrawn: reinstate it before adding a version."),
            code="withdrawn",
            params={"title": current.title, "document": current.pk},
        )
    previous = current.current_version
    keep_from = None if remove_file else previous
    unchanged = (
        checked is None
        and previous is not None
        and clean_text(body).strip() == previous.body
        and bool(previous.file) == (keep_from is not None and bool(keep_from.file))
    )
    if unchanged:
        raise RuleViolation(
            _(
                "The new version would be the same as version %(number)s: change the text "
                "or upload a file."
            )
            % {"number": previous.number},
            code="unchanged",
            params={"number": previous.number},
        )
    number = (previous.number if previous else 0) + 1
    now = _moment(at)
    if previous is not None and now < previous.created_at:
        day = timezone.localdate(previous.created_at)
        raise RuleViolation(
            _("A new version cannot be dated before version %(number)s (%(date)s).")
            % {"number": previous.number, "date": day.strftime("%d-%m-%Y")},
            code="before_previous",
            params={"number": previous.number},
        )
    written: list[str] = []
    with _removing_files_on_error(written):
        version = _new_version(
            current,
            by=by,
            number=number,
            body=body,
            checked=checked,
            keep_from=keep_from,
            note=note,
            now=now,
            written=written,
        )
        current.current_version = version
        current.updated_at = now
        current.save(update_fields=["current_version", "updated_at"])
        index_document(current)
        audit_log(
            action="knowledge.document.version_added",
            obj=current,
            actor=by,
            data=_version_data(version),
        )
    return version


@transaction.atomic
def document_update(*, document: Document, by, **values: Any) -> Document:
    """Change a document's title, summary, category, visibility, owner or tags (a list
    of names). The values before are read from the database, so a caller may pass an
    instance a form has already changed (the admin does)."""
    _require_staff(by)
    _check_fields(values)
    current = _locked(document)
    before = {**field_values(current, DOCUMENT_EDITABLE), "tags": _tag_names(current)}
    tags = values.pop("tags", None)
    for name, value in values.items():
        if name == "title":
            value = " ".join(value.split())
        elif name == "summary":
            value = clean_text(value).strip()
        setattr(current, name, value)
    current.full_clean()
    new_tags = _tags(tags) if tags is not None else None
    after = {
        **field_values(current, DOCUMENT_EDITABLE),
        "tags": ", ".join(t.name for t in new_tags) if new_tags is not None else before["tags"],
    }
    changes = diff(before, after)
    if not changes:
        return current
    fields = [name for name in changes if name != "tags"]
    if fields:
        current.save(update_fields=fields)
    if "tags" in changes:
        current.tags.set(new_tags)
    if {*INDEXED, "tags"} & set(changes):
        index_document(current)
    audit_log(action="knowledge.document.updated", obj=current, actor=by, changes=changes)
    return current


@transaction.atomic
def document_withdraw(*, document: Document, by, reason: str) -> Document:
    """Take a document out of sight of everyone but staff; its versions are kept."""
    _require_staff(by)
    current = _locked(document)
    if current.is_withdrawn:
        raise StateConflict(
            _("“%(title)s” is already withdrawn."),
            code="withdrawn",
            params={"title": current.title, "document": current.pk},
        )
    reason = reason.strip()
    if not reason:
        raise RuleViolation(
            _("Say why the document is withdrawn."), code="reason_required", params={}
        )
    current.state = DocumentState.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawn_reason = reason
    current.full_clean()
    current.save(update_fields=["state", "withdrawn_at", "withdrawn_reason"])
    audit_log(
        action="knowledge.document.withdrawn",
        obj=current,
        actor=by,
        changes={"state": [DocumentState.PUBLISHED, DocumentState.WITHDRAWN]},
        data={"reason": reason},
    )
    return current


@transaction.atomic
def document_reinstate(*, document: Document, by) -> Document:
    _require_staff(by)
    current = _locked(document)
    if not current.is_withdrawn:
        raise StateConflict(
            _("“%(title)s” is not withdrawn."),
            code="not_withdrawn",
            params={"title": current.title, "document": current.pk},
        )
    current.state = DocumentState.PUBLISHED
    current.withdrawn_at = None
    current.withdrawn_reason = ""
    current.full_clean()
    current.save(update_fields=["state", "withdrawn_at", "withdrawn_reason"])
    audit_log(
        action="knowledge.document.reinstated",
        obj=current,
        actor=by,
        changes={"state": [DocumentState.WITHDRAWN, DocumentState.PUBLISHED]},
    )
    return current


# -- tags ------------------------------------------------------------------------------------

TAG_FIELDS = ("name", "slug")


def _reindex(document_ids: Iterable[int]) -> int:
    """Recompute the search index of these documents (their tags changed)."""
    count = 0
    for document in Document.objects.filter(pk__in=list(document_ids)).only(
        "pk", "title", "summary", "current_version_id"
    ):
        index_document(document)
        count += 1
    return count


def _tagged(tag: Tag) -> list[int]:
    return list(tag.documents.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def tag_create(*, by, name: str, slug: str = "") -> Tag:
    """A new tag (on no document yet); its slug from its name unless given."""
    _require_staff(by)
    name = tag_name(name)
    tag = Tag(name=name, slug=slug or slugify(name))
    tag.full_clean()
    tag.save()
    audit_log(action="knowledge.tag.added", obj=tag, actor=by, data=field_values(tag, TAG_FIELDS))
    return tag


@transaction.atomic
def tag_update(*, tag: Tag, by, name: str, slug: str = "") -> Tag:
    """Rename a tag (and change its slug when given). A new name is searched at once: the
    documents with the tag are reindexed (their index holds the tag's name). The values
    before are read from the database, so a caller may pass an instance a form has
    already changed (the admin does)."""
    _require_staff(by)
    current = Tag.objects.select_for_update().get(pk=tag.pk)
    before = field_values(current, TAG_FIELDS)
    current.name = tag_name(name)
    current.slug = slug or current.slug
    current.full_clean()
    changes = diff(before, field_values(current, TAG_FIELDS))
    if not changes:
        return current
    current.save(update_fields=list(changes))
    reindexed = _reindex(_tagged(current)) if "name" in changes else 0
    audit_log(
        action="knowledge.tag.changed",
        obj=current,
        actor=by,
        changes=changes,
        data={"documents": reindexed},
    )
    return current


@transaction.atomic
def tag_delete(*, tag: Tag, by) -> None:
    """Delete a tag: it goes off its documents, which are reindexed without it."""
    _require_staff(by)
    current = Tag.objects.select_for_update().get(pk=tag.pk)
    documents = _tagged(current)
    audit_log(
        action="knowledge.tag.deleted",
        obj=current,
        actor=by,
        data={**field_values(current, TAG_FIELDS), "documents": len(documents)},
    )
    current.delete()
    _reindex(documents)


def reindex_all(*, batch: int = 500) -> int:
    """Rebuild every document's search index (after changing the search configuration
    or moving the data to another database). Not a change of content: no audit."""
    count = 0
    ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            for document in Document.objects.filter(pk__in=ids[start : start + batch]).only(
                "pk", "title", "summary", "current_version_id"
            ):
                index_document(document)
                count += 1
    return count
