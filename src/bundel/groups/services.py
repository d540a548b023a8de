"""Every change to the member groups: the rules, the audit trail and the notifications.

Who may do what:
- staff create, change and archive groups, plan dialogue sessions with suppliers (and
  record their notes), and moderate (hide a post, with a reason);
- the people of member boards (`selectors.is_reader`) join and leave groups; the group's
  participants start threads, post, upload files and ask questions for a session;
- an archived group is read only (leaving is still possible).

Each function is atomic, validates with `full_clean()` and writes an audit entry in the
same transaction; a refusal raises PermissionDenied, RuleViolation or StateConflict
with a message naming the rule, and stores nothing. E-mails go out after commit.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.audit.services import audit_log, diff, field_values
from bundel.core import mail, uploads
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership.selectors import member_board_ids

from . import emails, selectors
from .constants import (
    EmailPreference,
    FileKind,
    GroupState,
    NotificationEmail,
    NotificationKind,
    SessionState,
)
from .models import (
    DialogueQuestion,
    DialogueSession,
    Digest,
    Group,
    GroupFile,
    GroupPreference,
    Notification,
    Participant,
    Post,
    Thread,
)
from .text import clean_text

GROUP_FIELDS = ("name", "kind", "description")
# Paths of the groups' pages that a group's address must not take.
RESERVED_SLUGS = {"new", "nav", "notifications", "preferences", "sessions"}
SESSION_FIELDS = ("title", "supplier_name", "starts_at", "place", "agenda")


# -- who may act ---------------------------------------------------------------------------


def _require_staff(by) -> None:
    if not getattr(by, "is_cooperative_staff", False):
        raise PermissionDenied(_("Only the cooperative's staff may do this."))


def _require_reader(by) -> None:
    if not selectors.is_reader(by):
        raise PermissionDenied(
            _("Member groups are for the people of member boards and the cooperative's staff.")
        )


def _require_participant(group: Group, by) -> None:
    _require_reader(by)
    if not selectors.is_participant(by, group):
        raise PermissionDenied(
            _("Only participants of %(group)s may do this; join the group first.")
            % {"group": group.name}
        )


def _open_group(group: Group) -> Group:
    """The group as stored now (not as the caller read it), if it is not archived."""
    group = Group.objects.get(pk=group.pk)
    _require_open(group)
    return group


def _require_open(group: Group) -> None:
    if group.is_archived:
        raise StateConflict(
            _("The group %(group)s is archived: it can be read, not changed.")
            % {"group": group.name},
            code="archived",
        )


def _send_after_commit(messages) -> None:
    # From the outbox after commit (tried again while the mail server refuses).
    mail.queue(messages)


def _full_clean(obj, **kwargs) -> None:
    """`full_clean()`, with the message of a refused field as a RuleViolation."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise RuleViolation(detail) from error


def _text(value: str, *, label: str, max_length: int | None = None) -> str:
    text = clean_text(value)
    if not text:
        raise RuleViolation(_("%(what)s is empty.") % {"what": label}, code="empty")
    if max_length is not None and len(text) > max_length:
        raise RuleViolation(
            _("%(what)s has %(n)s characters; at most %(max)s are allowed.")
            % {"what": label, "n": len(text), "max": max_length},
            code="too_long",
            params={"length": len(text), "max": max_length},
        )
    return text


def _line(value: str) -> str:
    return " ".join(clean_text(value).split())


# -- groups ----------------------------------------------------------------------------------


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:90]
    if not base:
        raise RuleViolation(_("A group's name needs letters or digits."), code="name")
    slug, n = base, 1
    taken = Group.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def group_create(*, name: str, kind: str, description: str = "", by) -> Group:
    _require_staff(by)
    name = _line(name)
    group = Group(
        name=name,
        slug=_unique_slug(name) if name else "",
        kind=kind,
        description=clean_text(description),
        created_by=by,
    )
    _full_clean(group)
    group.save()
    audit_log(
        action="groups.group.created", obj=group, actor=by, data=field_values(group, GROUP_FIELDS)
    )
    return group


@transaction.atomic
def group_update(*, group: Group, by, name: str, kind: str, description: str) -> Group:
    """Change the name (the address stays), kind or description."""
    _require_staff(by)
    current = Group.objects.select_for_update().get(pk=group.pk)
    before = field_values(current, GROUP_FIELDS)
    current.name, current.kind = _line(name), kind
    current.description = clean_text(description)
    _full_clean(current)
    current.save()
    changes = diff(before, field_values(current, GROUP_FIELDS))
    if changes:
        audit_log(action="groups.group.updated", obj=current, actor=by, changes=changes)
    return current


@transaction.atomic
def group_archive(*, group: Group, by) -> Group:
    """The group stays readable; nobody joins, posts, uploads or plans in it any more."""
    _require_staff(by)
    current = Group.objects.select_for_update().get(pk=group.pk)
    _require_open(current)
    current.state, current.archived_at = GroupState.ARCHIVED, timezone.now()
    current.save(update_fields=["state", "archived_at"])
    audit_log(
        action="groups.group.archived",
        obj=current,
        actor=by,
        changes={"state": [GroupState.ACTIVE, GroupState.ARCHIVED]},
    )
    return current


# -- taking part ----------------------------------------------------------------------------


@transaction.atomic
def group_join(*, group: Group, by) -> Participant:
    _require_reader(by)
    group = _open_group(group)
    now = timezone.now()
    participant = Participant.objects.select_for_update().filter(group=group, user=by).first()
    if participant is None:
        try:
            with transaction.atomic():
                participant = Participant.objects.create(group=group, user=by, joined_at=now)
        except IntegrityError:  # joined at the same moment (a double click): the same result
            participant = Participant.objects.select_for_update().get(group=group, user=by)
            if participant.is_active:
                return participant
    elif participant.is_active:
        raise StateConflict(
            _("You already take part in %(group)s.") % {"group": group.name}, code="joined"
        )
    if participant.left_at is not None:
        participant.joined_at, participant.left_at = now, None
        participant.save(update_fields=["joined_at", "left_at"])
    audit_log(
        action="groups.participant.joined",
        obj=participant,
        actor=by,
        data={"group": group.slug, "user": by.username},
    )
    return participant


@transaction.atomic
def group_leave(*, group: Group, by) -> Participant:
    participant = (
        Participant.objects.select_for_update()
        .filter(group=group, user=by, left_at__isnull=True)
        .first()
    )
    if participant is None:
        raise StateConflict(
            _("You do not take part in %(group)s.") % {"group": group.name}, code="not_joined"
        )
    participant.left_at = timezone.now()
    participant.save(update_fields=["left_at"])
    audit_log(
        action="groups.participant.left",
        obj=participant,
        actor=by,
        data={"group": group.slug, "user": by.username},
    )
    return participant


# -- threads and posts -------------------------------------------------------------------


def _recipients(group: Group, author) -> list[User]:
    """The group's participants who may read it now, but the author."""
    return list(
        User.objects.filter(
            group_participations__group=group,
            group_participations__left_at__isnull=True,
            is_active=True,
        )
        .filter(
            Q(role=Role.STAFF)
            | Q(is_superuser=True)
            | Q(
                role__in=(Role.BOARD_CONTACT, Role.COUNCIL_MEMBER),
                board_id__in=member_board_ids(),
            )
        )
        .exclude(pk=author.pk)
        .select_related("group_preference")
        .order_by("pk")
    )


def email_preference(user) -> str:
    try:
        return user.group_preference.email
    except GroupPreference.DoesNotExist:
        return settings.GROUPS_EMAIL_DEFAULT


MAIL_BY_PREFERENCE = {
    EmailPreference.IMMEDIATELY: NotificationEmail.IMMEDIATE,
    EmailPreference.DAILY: NotificationEmail.DIGEST,
    EmailPreference.OFF: NotificationEmail.NONE,
}


def _notify_post(post: Post, by) -> int:
    group = post.thread.group
    recipients = _recipients(group, by)
    notes = [
        Notification(
            user=user,
            kind=NotificationKind.POST,
            group=group,
            post=post,
            email=MAIL_BY_PREFERENCE[email_preference(user)],
        )
        for user in recipients
    ]
    Notification.objects.bulk_create(notes, batch_size=1000)
    now = [note.user for note in notes if note.email == NotificationEmail.IMMEDIATE]
    _send_after_commit(emails.post_messages(post, now))
    return len(notes)


def _add_post(thread: Thread, body: str, by) -> Post:
    post = Post(
        thread=thread,
        author=by,
        body=_text(body, label=_("The post"), max_length=settings.GROUPS_POST_MAX_LENGTH),
    )
    _full_clean(post)
    post.save()
    audit_log(
        action="groups.post.created",
        obj=post,
        actor=by,
        data={"group": thread.group.slug, "thread": thread.pk, "length": len(post.body)},
    )
    _notify_post(post, by)
    return post


@transaction.atomic
def thread_start(*, group: Group, title: str, body: str, by) -> Thread:
    """A new thread with its first post."""
    _require_participant(group, by)
    group = _open_group(group)
    thread = Thread(group=group, title=_line(title), started_by=by)
    if not thread.title:
        raise RuleViolation(_("The thread needs a title."), code="empty")
    _full_clean(thread)
    thread.save()
    audit_log(
        action="groups.thread.created",
        obj=thread,
        actor=by,
        data={"group": group.slug, "title": thread.title},
    )
    _add_post(thread, body, by)
    return thread


@transaction.atomic
def post_add(*, thread: Thread, body: str, by) -> Post:
    _require_participant(thread.group, by)
    thread.group = _open_group(thread.group)
    return _add_post(thread, body, by)


@transaction.atomic
def post_hide(*, post: Post, reason: str, by) -> Post:
    """Moderation: the post stays in the thread as "hidden", with the reason; only staff
    still read its text. Its notifications are no longer mailed."""
    _require_staff(by)
    current = Post.objects.select_for_update().get(pk=post.pk)
    if current.is_hidden:
        raise StateConflict(_("This post is already hidden."), code="hidden")
    reason = _text(reason, label=_("The reason"), max_length=300)
    current.hidden_at, current.hidden_by, current.hidden_reason = timezone.now(), by, reason
    current.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    Notification.objects.filter(
        post=current, email=NotificationEmail.DIGEST, digest__isnull=True
    ).update(email=NotificationEmail.NONE)
    audit_log(
        action="groups.post.hidden",
        obj=current,
        actor=by,
        data={"reason": reason, "thread": current.thread_id},
    )
    return current


# -- files -----------------------------------------------------------------------------------


@transaction.atomic
def file_upload(*, group: Group, upload: UploadedFile, description: str = "", by) -> GroupFile:
    """Store a file for the group: at most GROUPS_FILE_MAX_BYTES, and of a type read from
    its content (PDF, PNG, JPEG, office documents without macros, plain text)."""
    _require_participant(group, by)
    group = _open_group(group)
    checked = uploads.check_upload(
        upload, allowed=FileKind, max_bytes=settings.GROUPS_FILE_MAX_BYTES, allow_macros=False
    )
    kind = checked.kind
    name = _line(checked.name)[:200] or f"bestand.{kind}"
    stored = GroupFile(
        group=group,
        name=name,
        kind=kind,
        size=checked.size,
        description=_line(description)[:300],
        uploaded_by=by,
    )
    _full_clean(stored, exclude=["file"])
    stored.file.save(name, ContentFile(checked.content), save=False)
    path = stored.file.name
    try:
        stored.save()
        audit_log(
            action="groups.file.uploaded",
            obj=stored,
            actor=by,
            data={"group": group.slug, "name": name, "kind": kind, "size": checked.size},
        )
    except BaseException:
        stored.file.storage.delete(path)
        raise
    return stored


@transaction.atomic
def file_remove(*, file: GroupFile, by) -> None:
    """The uploader (while the group is open) or staff remove a file; it leaves the
    storage after commit."""
    if not getattr(by, "is_cooperative_staff", False):
        _require_reader(by)
        if file.uploaded_by_id != by.pk:
            raise PermissionDenied(_("Only who uploaded a file, or staff, may remove it."))
        _open_group(file.group)
    storage, path = file.file.storage, file.file.name
    audit_log(
        action="groups.file.removed",
        obj=file,
        actor=by,
        data={"group": file.group.slug, "name": file.name},
    )
    file.delete()
    transaction.on_commit(lambda: storage.delete(path))


# -- dialogue sessions with suppliers ----------------------------------------------------------


def _check_suppliers(suppliers) -> list[User]:
    suppliers = list(suppliers)
    for user in suppliers:
        if user.role != Role.SUPPLIER or not user.is_active:
            raise RuleViolation(
                _("%(user)s is not an active supplier account; only suppliers are invited.")
                % {"user": user.get_username()},
                code="not_supplier",
            )
    return suppliers


def _check_future(starts_at: datetime) -> None:
    if starts_at <= timezone.now():
        raise RuleViolation(
            _("A session is planned in the future; %(when)s has passed.")
            % {"when": timezone.localtime(starts_at).strftime("%d-%m-%Y %H:%M")},
            code="past",
        )


def _notify_session(session: DialogueSession, by) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                user=user, kind=NotificationKind.SESSION, group=session.group, session=session
            )
            for user in _recipients(session.group, by)
        ],
        batch_size=1000,
    )


@transaction.atomic
def session_plan(
    *,
    group: Group,
    title: str,
    supplier_name: str,
    starts_at: datetime,
    place: str,
    agenda: str,
    suppliers=(),
    by,
) -> DialogueSession:
    """A joint dialogue of the group with a supplier; the invited supplier accounts get an
    e-mail and see its agenda and the group's questions; the participants are notified."""
    _require_staff(by)
    group = _open_group(group)
    _check_future(starts_at)
    invited = _check_suppliers(suppliers)
    session = DialogueSession(
        group=group,
        title=_line(title),
        supplier_name=_line(supplier_name),
        starts_at=starts_at,
        place=_line(place),
        agenda=_text(agenda, label=_("The agenda")),
        planned_by=by,
    )
    _full_clean(session)
    session.save()
    session.suppliers.set(invited)
    audit_log(
        action="groups.session.planned",
        obj=session,
        actor=by,
        data={
            **field_values(session, ("group", *SESSION_FIELDS)),
            "suppliers": sorted(u.username for u in invited),
        },
    )
    _notify_session(session, by)
    _send_after_commit(emails.invitation_messages(session, invited))
    return session


def _require_planned(session: DialogueSession) -> None:
    if session.state != SessionState.PLANNED:
        raise StateConflict(
            _("The session is %(state)s; only a planned session can be changed.")
            % {"state": session.get_state_display().lower()},
            code="state",
        )


@transaction.atomic
def session_update(
    *,
    session: DialogueSession,
    title: str,
    supplier_name: str,
    starts_at: datetime,
    place: str,
    agenda: str,
    suppliers=(),
    by,
) -> DialogueSession:
    """Change a planned session; newly invited supplier accounts get the invitation."""
    _require_staff(by)
    current = DialogueSession.objects.select_for_update().get(pk=session.pk)
    _require_planned(current)
    if starts_at != current.starts_at:
        _check_future(starts_at)
    invited = _check_suppliers(suppliers)
    before = field_values(current, SESSION_FIELDS)
    had = set(current.suppliers.values_list("pk", flat=True))
    current.title, current.supplier_name = _line(title), _line(supplier_name)
    current.starts_at, current.place = starts_at, _line(place)
    current.agenda = _text(agenda, label=_("The agenda"))
    _full_clean(current)
    current.save()
    current.suppliers.set(invited)
    changes = diff(before, field_values(current, SESSION_FIELDS))
    now = {u.pk for u in invited}
    if had != now:
        changes["suppliers"] = [
            sorted(User.objects.filter(pk__in=had).values_list("username", flat=True)),
            sorted(u.username for u in invited),
        ]
    if changes:
        audit_log(action="groups.session.updated", obj=current, actor=by, changes=changes)
    _send_after_commit(emails.invitation_messages(current, [u for u in invited if u.pk not in had]))
    return current


@transaction.atomic
def session_cancel(*, session: DialogueSession, by) -> DialogueSession:
    _require_staff(by)
    current = DialogueSession.objects.select_for_update().get(pk=session.pk)
    _require_planned(current)
    current.state = SessionState.CANCELLED
    current.save(update_fields=["state"])
    audit_log(
        action="groups.session.cancelled",
        obj=current,
        actor=by,
        changes={"state": [SessionState.PLANNED, SessionState.CANCELLED]},
    )
    return current


@transaction.atomic
def session_record_notes(*, session: DialogueSession, notes: str, by) -> DialogueSession:
    """Afterwards: the notes of the session, which is then held (notes may be corrected)."""
    _require_staff(by)
    current = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if current.state == SessionState.CANCELLED:
        raise StateConflict(_("The session was cancelled; it has no notes."), code="state")
    if current.starts_at > timezone.now():
        raise StateConflict(
            _("The session starts on %(when)s; notes are recorded afterwards.")
            % {"when": timezone.localtime(current.starts_at).strftime("%d-%m-%Y %H:%M")},
            code="not_yet",
        )
    before = field_values(current, ("notes", "state"))
    current.notes, current.state = _text(notes, label=_("The notes")), SessionState.HELD
    _full_clean(current)
    current.save(update_fields=["notes", "state"])
    audit_log(
        action="groups.session.held",
        obj=current,
        actor=by,
        changes=diff(before, field_values(current, ("notes", "state"))),
    )
    return current


@transaction.atomic
def question_ask(*, session: DialogueSession, text: str, by) -> DialogueQuestion:
    """A participant's question for the supplier, collected before the session."""
    session = DialogueSession.objects.select_related("group").get(pk=session.pk)
    _require_participant(session.group, by)
    _require_open(session.group)
    if session.state != SessionState.PLANNED:
        raise StateConflict(
            _("Questions are collected before the session; this session is %(state)s.")
            % {"state": session.get_state_display().lower()},
            code="closed",
        )
    if session.starts_at <= timezone.now():
        raise StateConflict(
            _("Questions are collected before the session; it started on %(when)s.")
            % {"when": timezone.localtime(session.starts_at).strftime("%d-%m-%Y %H:%M")},
            code="closed",
        )
    question = DialogueQuestion(
        session=session,
        author=by,
        text=_text(text, label=_("The question"), max_length=settings.GROUPS_POST_MAX_LENGTH),
    )
    _full_clean(question)
    question.save()
    audit_log(
        action="groups.question.asked",
        obj=question,
        actor=by,
        data={"session": session.pk, "length": len(question.text)},
    )
    return question


# -- notifications ----------------------------------------------------------------------------


@transaction.atomic
def preference_set(*, user, email: str, by) -> GroupPreference:
    """How `user` hears of new posts by e-mail. Leaving the daily digest drops what was
    waiting for it (the posts stay in the app)."""
    if by is None or by.pk != user.pk:
        raise PermissionDenied(_("Only you choose how you are notified."))
    preference, _created = GroupPreference.objects.select_for_update().get_or_create(
        user=user, defaults={"email": settings.GROUPS_EMAIL_DEFAULT}
    )
    before = preference.email
    preference.email = email
    _full_clean(preference, exclude=["user"])
    preference.save()
    if before == EmailPreference.DAILY and email != EmailPreference.DAILY:
        Notification.objects.filter(
            user=user, email=NotificationEmail.DIGEST, digest__isnull=True
        ).update(email=NotificationEmail.NONE)
    if before != email or _created:
        audit_log(
            action="groups.preference.changed",
            obj=preference,
            actor=by,
            changes={"email": [before, email]},
        )
    return preference


def notifications_mark_read(
    *, user, ids=None, thread: Thread | None = None, session: DialogueSession | None = None
) -> int:
    """Mark `user`'s unread notifications read: all, those with `ids`, or those of a
    thread's posts or of a session (read on its page). Personal reading state, not a
    change to the groups: not audited."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    if thread is not None:
        unread = unread.filter(post__thread=thread)
    if session is not None:
        unread = unread.filter(session=session)
    return unread.update(read_at=timezone.now())


def digest_send(*, user) -> int:
    """Send `user` one e-mail with the posts that waited for their digest; returns how
    many. The notifications it covers point to the Digest record, so running again sends
    nothing twice. Locked rows are skipped (another run is sending them)."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(user=user, email=NotificationEmail.DIGEST, digest__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        notes = Notification.objects.filter(pk__in=ids).select_related(
            "post__thread__group", "post__author"
        )
        reader = selectors.is_reader(user) and user.is_active and bool(user.email)
        posts = [n.post for n in notes if reader and n.post and not n.post.is_hidden]
        if not posts:  # nothing left to show (hidden, or no longer a reader)
            Notification.objects.filter(pk__in=ids).update(email=NotificationEmail.NONE)
            return 0
        digest = Digest.objects.create(user=user, posts=len(posts))
        covered = [note.pk for note in notes if note.post in posts]
        Notification.objects.filter(pk__in=covered).update(digest=digest)
        Notification.objects.filter(pk__in=ids, digest__isnull=True).update(
            email=NotificationEmail.NONE
        )
        audit_log(
            action="groups.digest.sent",
            obj=digest,
            data={"user": user.username, "posts": len(posts)},
        )
        # Sent inside the transaction: if sending fails, nothing is marked and the next run
        # sends it (at least once); the lock keeps a parallel run from sending it too.
        emails.digest_message(user, posts).send()
        return len(posts)


def digests_send() -> tuple[int, int]:
    """Every digest that is due: (people mailed, posts)."""
    users = User.objects.filter(
        pk__in=Notification.objects.filter(
            email=NotificationEmail.DIGEST, digest__isnull=True
        ).values("user_id")
    ).order_by("pk")
    people = posts = 0
    for user in users.iterator(chunk_size=500):
        sent = digest_send(user=user)
        people += 1 if sent else 0
        posts += sent
    return people, posts
