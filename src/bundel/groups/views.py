"""The pages of the member groups.

Members-only: staff and the people of member boards; anyone else gets a 403 on the
overview and a 404 on a group's pages (as for a page that is not there), and an
anonymous visitor is sent to log in. A supplier invited to a dialogue session sees that
session's page (agenda and questions) and nothing else. Reads go through the selectors,
changes through action forms whose `run()` calls a service.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bundel.audit.selectors import audit_entries_for
from bundel.core.exports import FORMATS, export_response

from . import forms, selectors, services
from .constants import CONTENT_TYPES, EmailPreference, SessionState
from .models import Group

RECENT_FILES = 5


def _run(request, form) -> bool:
    """Run a bound action form: True when done (its message shown), else False with the
    errors, or the service's refusal, on the form. The service's result is `form.result`."""
    if form.is_valid():
        try:
            form.result = form.run()
        except ValidationError as error:  # RuleViolation, StateConflict: the rule's message
            form.add_error(None, error.messages)
        else:
            messages.success(request, form.message(form.result))
            return True
    return False


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _group(user, slug: str) -> Group:
    group = selectors.groups_visible_to(user).filter(slug=slug).first()
    if group is None:
        raise Http404(_("No such group."))
    return group


def _page(request, queryset):
    return Paginator(queryset, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))


# -- overview ---------------------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    if not selectors.is_reader(user):
        raise PermissionDenied(
            _("Member groups are for the people of member boards and the cooperative's staff.")
        )
    groups = list(selectors.group_list(user))
    context = {
        "mine": [g for g in groups if g.is_participant and not g.is_archived],
        "others": [g for g in groups if not g.is_participant and not g.is_archived],
        "archived": [g for g in groups if g.is_archived],
        "unread": selectors.unread_count(user),
    }
    return render(request, "groups/index.html", context)


@login_required
def create(request):
    user = request.user
    if not user.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may do this."))
    form = forms.GroupForm(request.POST or None, user=user)
    if request.method == "POST" and _run(request, form):
        return redirect(form.result.get_absolute_url())
    return render(request, "groups/form.html", {"form": form, "name": "create"})


# -- one group ----------------------------------------------------------------------------------


GROUP_ACTIONS = {
    "join": forms.JoinForm,
    "leave": forms.LeaveForm,
    "thread": forms.ThreadForm,
    "archive": forms.ArchiveForm,
    "edit": forms.GroupForm,
}


def _group_actions(user, group, participating: bool, bound) -> dict:
    """The forms this person may use on the group's page, by name."""
    names = []
    if participating:
        names.append("leave")
    if not group.is_archived:
        names.append("thread" if participating else "join")
        if user.is_cooperative_staff:
            names += ["edit", "archive"]
    shown = {}
    for name in names:
        if bound and bound[0] == name:
            shown[name] = bound[1]
        else:
            shown[name] = GROUP_ACTIONS[name](user=user, obj=group, prefix=name)
    return shown


@login_required
def detail(request, slug: str):
    user = request.user
    group = _group(user, slug)
    bound = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in GROUP_ACTIONS:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
        form = GROUP_ACTIONS[name](request.POST, user=user, obj=group, prefix=name)
        if _run(request, form):
            if name == "thread":
                return redirect(form.result.get_absolute_url())
            return redirect("groups:detail", group.slug)
        bound = (name, form)
    participating = selectors.is_participant(user, group)
    figures = selectors.with_figures(selectors.groups_visible_to(user), user).get(pk=group.pk)
    context = {
        "group": group,
        "figures": figures,
        "participating": participating,
        "actions": _group_actions(user, group, participating, bound),
        "page": _page(request, selectors.thread_list(group, user)),
        "files": list(selectors.group_files(group, user)[:RECENT_FILES]),
        "file_count": selectors.group_files(group, user).count(),
        "sessions": list(selectors.group_sessions(group, user)),
        "audit": audit_entries_for(obj=group, user=user)[:100],
    }
    return render(request, "groups/detail.html", context)


@login_required
def participants(request, slug: str):
    user = request.user
    group = _group(user, slug)
    rows = selectors.group_participants(group, user)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        if not user.is_cooperative_staff:
            raise PermissionDenied(_("Only the cooperative's staff may download this list."))
        return _participants_export(fmt, group, rows)
    context = {"group": group, "page": _page(request, rows)}
    return render(request, "groups/participants.html", context)


def _participants_export(fmt: str, group: Group, rows):
    header = [_("Name"), _("E-mail"), _("Role"), _("DUO number"), _("Board"), _("Joined")]
    data = (
        [
            p.user.get_full_name() or p.user.username,
            p.user.email,
            p.user.get_role_display(),
            p.user.board.duo_number if p.user.board else "",
            p.user.board.display_name if p.user.board else "",
            timezone.localdate(p.joined_at),
        ]
        for p in rows.iterator(chunk_size=2000)
    )
    return export_response(fmt, filename=f"deelnemers-{group.slug}", header=header, rows=data)


# -- files ---------------------------------------------------------------------------------------


@login_required
def files(request, slug: str):
    user = request.user
    group = _group(user, slug)
    participating = selectors.is_participant(user, group)
    form = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name == "upload":
            form = forms.FileForm(request.POST, request.FILES, user=user, obj=group, prefix="file")
            if _run(request, form):
                return redirect("groups:files", group.slug)
        elif name == "remove":
            stored = selectors.group_files(group, user).filter(pk=_int(request.POST.get("file")))
            stored = stored.first()
            if stored is None:
                raise Http404(_("No such file."))
            remove = forms.FileRemoveForm(request.POST, user=user, obj=stored)
            if _run(request, remove):
                return redirect("groups:files", group.slug)
            for error in remove.non_field_errors():
                messages.error(request, error)
        else:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
    if form is None and participating and not group.is_archived:
        form = forms.FileForm(user=user, obj=group, prefix="file")
    context = {
        "group": group,
        "form": form,
        "page": _page(request, selectors.group_files(group, user)),
        "max_bytes": settings.GROUPS_FILE_MAX_BYTES,
    }
    return render(request, "groups/files.html", context)


@login_required
def download(request, slug: str, pk: int):
    """Only through this view (never as a public media file), as an attachment of the
    type its content was recognised as."""
    user = request.user
    group = _group(user, slug)
    stored = selectors.group_files(group, user).filter(pk=pk).first()
    if stored is None:
        raise Http404(_("No such file."))
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.download_name,
        content_type=CONTENT_TYPES[stored.kind],
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- threads -------------------------------------------------------------------------------------


@login_required
def thread(request, slug: str, pk: int):
    user = request.user
    group = _group(user, slug)
    current = selectors.threads_visible_to(user).filter(group=group, pk=pk).first()
    if current is None:
        raise Http404(_("No such thread."))
    participating = selectors.is_participant(user, group)
    reply, hide_bound = None, None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name == "reply":
            reply = forms.PostForm(request.POST, user=user, obj=current, prefix="reply")
            if _run(request, reply):
                return redirect(_post_url(reply.result))
        elif name == "hide":
            post = selectors.thread_posts(current, user).filter(pk=_int(request.POST.get("post")))
            post = post.first()
            if post is None:
                raise Http404(_("No such post."))
            form = forms.HideForm(request.POST, user=user, obj=post, prefix=f"hide-{post.pk}")
            if _run(request, form):
                return redirect(_post_url(post))
            hide_bound = (post.pk, form)
        else:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
    if reply is None and participating and not group.is_archived:
        reply = forms.PostForm(user=user, obj=current, prefix="reply")
    posts = selectors.thread_posts(current, user)
    number = request.GET.get("page")
    target = selectors.posts_visible_to(user).filter(
        thread=current, pk=_int(request.GET.get("post"))
    )
    target = target.first() if request.GET.get("post") else None
    if target is not None:
        number = selectors.post_position(target) // settings.LIST_PAGE_SIZE + 1
    page = Paginator(posts, settings.LIST_PAGE_SIZE).get_page(number)
    services.notifications_mark_read(user=user, thread=current)
    context = {
        "group": group,
        "thread": current,
        "page": page,
        "reply": reply,
        "participating": participating,
        "moderate": user.is_cooperative_staff,
        "hide_bound": hide_bound,
    }
    return render(request, "groups/thread.html", context)


def _post_url(post) -> str:
    return f"{post.thread.get_absolute_url()}?post={post.pk}#post-{post.pk}"


# -- dialogue sessions ----------------------------------------------------------------------------


@login_required
def sessions(request):
    """The sessions this person may see: for a supplier, those it is invited to."""
    user = request.user
    rows = selectors.sessions_visible_to(user).order_by("-starts_at", "-pk")
    if not (selectors.is_reader(user) or rows.exists()):
        raise PermissionDenied(_("You are not invited to any dialogue session."))
    context = {"page": _page(request, rows), "reader": selectors.is_reader(user)}
    return render(request, "groups/sessions.html", context)


@login_required
def session_new(request, slug: str):
    user = request.user
    group = _group(user, slug)
    if not user.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may do this."))
    form = forms.SessionForm(request.POST or None, user=user, obj=group)
    if request.method == "POST" and _run(request, form):
        return redirect(form.result.get_absolute_url())
    return render(request, "groups/form.html", {"form": form, "group": group, "name": "session"})


SESSION_ACTIONS = {
    "edit": forms.SessionForm,
    "cancel": forms.SessionCancelForm,
    "notes": forms.NotesForm,
    "question": forms.QuestionForm,
}


def _session_actions(user, session, reader: bool, participating: bool, bound) -> dict:
    names = []
    planned = session.state == SessionState.PLANNED
    if participating and planned and not session.group.is_archived:
        names.append("question")
    if user.is_cooperative_staff:
        if planned:
            names += ["edit", "cancel"]
        if session.state != SessionState.CANCELLED and session.starts_at <= timezone.now():
            names.append("notes")  # afterwards
    shown = {}
    for name in names:
        if bound and bound[0] == name:
            shown[name] = bound[1]
        else:
            shown[name] = _session_form(name, user, session)
    return shown


def _session_form(name, user, session, data=None):
    if name == "edit":
        return forms.SessionForm(data, user=user, obj=session.group, session=session, prefix=name)
    return SESSION_ACTIONS[name](data, user=user, obj=session, prefix=name)


@login_required
def session(request, pk: int):
    user = request.user
    current = selectors.sessions_visible_to(user).filter(pk=pk).first()
    if current is None:
        raise Http404(_("No such dialogue session."))
    reader = selectors.is_reader(user)  # a supplier is not: agenda and questions only
    participating = reader and selectors.is_participant(user, current.group)
    bound = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in SESSION_ACTIONS:
            raise BadRequest(_("Unknown action %(name)r.") % {"name": name})
        form = _session_form(name, user, current, request.POST)
        if _run(request, form):
            return redirect("groups:session", current.pk)
        bound = (name, form)
    services.notifications_mark_read(user=user, session=current)
    context = {
        "session": current,
        "group": current.group,
        "reader": reader,
        "questions": list(selectors.session_questions(current, user)),
        "suppliers": list(current.suppliers.all()) if reader else [],
        "actions": _session_actions(user, current, reader, participating, bound),
        "audit": audit_entries_for(obj=current, user=user)[:100],
    }
    return render(request, "groups/session.html", context)


# -- notifications -----------------------------------------------------------------------------


@login_required
def notifications(request):
    user = request.user
    if not selectors.is_reader(user):
        raise PermissionDenied(
            _("Member groups are for the people of member boards and the cooperative's staff.")
        )
    if request.method == "POST":
        ids = None if "all" in request.POST else [_int(request.POST.get("notification"))]
        count = services.notifications_mark_read(user=user, ids=ids)
        messages.success(request, _("%(n)s marked as read.") % {"n": count})
        return redirect("groups:notifications")
    rows = selectors.notification_list(user)
    context = {
        "page": _page(request, rows),
        "unread": selectors.unread_count(user),
        "preference": EmailPreference(services.email_preference(user)).label,
    }
    return render(request, "groups/notifications.html", context)


@login_required
def preferences(request):
    user = request.user
    if not selectors.is_reader(user):
        raise PermissionDenied(
            _("Member groups are for the people of member boards and the cooperative's staff.")
        )
    form = forms.PreferenceForm(request.POST or None, user=user, prefix="pref")
    if request.method == "POST" and _run(request, form):
        return redirect("groups:preferences")
    return render(request, "groups/preferences.html", {"form": form})


def nav(request):
    """The "Groups" link of the header with the unread count, loaded after the page (so
    it adds no query to any page): only for staff and the people of member boards."""
    user = request.user
    if not selectors.is_reader(user):
        return HttpResponse("")
    context = {
        "unread": selectors.unread_count(user),
        "current": request.GET.get("current") == "1",
    }
    return render(request, "groups/_nav.html", context)


@require_POST
@login_required
def open_notification(request, pk: int):
    """Read a notification: mark it read and go to its post or session."""
    note = selectors.notifications_visible_to(request.user).filter(pk=pk).first()
    if note is None:
        raise Http404(_("No such notification."))
    services.notifications_mark_read(user=request.user, ids=[note.pk])
    if note.post_id:
        return redirect(_post_url(note.post))
    return redirect(reverse("groups:session", args=[note.session_id]))
