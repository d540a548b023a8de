"""Forms of the group pages. They collect input; the rules are the services'
(`services.py`), whose messages the pages show on the form."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.core.forms import ServiceActionForm

from . import services
from .constants import EmailPreference, GroupKind


class ActionForm(ServiceActionForm):
    def __init__(self, data=None, files=None, *, user, obj=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.user, self.obj = user, obj


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# -- groups ------------------------------------------------------------------------------------


class GroupForm(ActionForm):
    """Staff: a new group, or the name, kind and description of one (obj)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=_textarea(4),
        help_text=_("Plain text; web addresses become links."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.title, self.submit_label = _("Change the group"), _("Save")
            for name in ("name", "kind", "description"):
                self.fields[name].initial = getattr(self.obj, name)
        else:
            self.title, self.submit_label = _("New group"), _("Create the group")

    def run(self):
        data = self.cleaned_data
        if self.obj is None:
            return services.group_create(by=self.user, **data)
        return services.group_update(group=self.obj, by=self.user, **data)

    def message(self, group) -> str:
        return str(_("The group %(name)s is saved.") % {"name": group.name})


class ArchiveForm(ActionForm):
    title = _("Archive the group")
    description = _("The group stays readable; nobody joins, posts or uploads any more.")
    submit_label = _("Archive")
    danger = True

    def run(self):
        return services.group_archive(group=self.obj, by=self.user)

    def message(self, group) -> str:
        return str(_("The group %(name)s is archived.") % {"name": group.name})


class JoinForm(ActionForm):
    submit_label = _("Join this group")

    def run(self):
        return services.group_join(group=self.obj, by=self.user)

    def message(self, participant) -> str:
        return str(_("You take part in %(name)s.") % {"name": participant.group.name})


class LeaveForm(ActionForm):
    submit_label = _("Leave this group")

    def run(self):
        return services.group_leave(group=self.obj, by=self.user)

    def message(self, participant) -> str:
        return str(_("You left %(name)s.") % {"name": participant.group.name})


# -- threads and posts ---------------------------------------------------------------------


class ThreadForm(ActionForm):
    title = _("Start a thread")
    submit_label = _("Post the thread")
    subject = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=_textarea(6),
        help_text=_("Plain text; web addresses become links."),
    )

    def run(self):
        data = self.cleaned_data
        return services.thread_start(
            group=self.obj, title=data["subject"], body=data["body"], by=self.user
        )

    def message(self, thread) -> str:
        return str(_("The thread %(title)s is posted.") % {"title": thread.title})


class PostForm(ActionForm):
    title = _("Reply")
    submit_label = _("Post the reply")
    body = forms.CharField(
        label=_("Text"),
        widget=_textarea(5),
        help_text=_("Plain text; web addresses become links."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the service refuses longer posts too; this lets a browser say it at once
        self.fields["body"].widget.attrs["maxlength"] = settings.GROUPS_POST_MAX_LENGTH

    def run(self):
        return services.post_add(thread=self.obj, body=self.cleaned_data["body"], by=self.user)

    def message(self, post) -> str:
        return str(_("Your reply is posted."))


class HideForm(ActionForm):
    title = _("Hide this post")
    submit_label = _("Hide")
    danger = True
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def run(self):
        return services.post_hide(post=self.obj, reason=self.cleaned_data["reason"], by=self.user)

    def message(self, post) -> str:
        return str(_("The post is hidden."))


# -- files -------------------------------------------------------------------------------------


class FileForm(ActionForm):
    title = _("Share a file")
    submit_label = _("Upload")
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, an office document or plain text."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def run(self):
        data = self.cleaned_data
        return services.file_upload(
            group=self.obj, upload=data["file"], description=data["description"], by=self.user
        )

    def message(self, stored) -> str:
        return str(_("%(name)s is shared with the group.") % {"name": stored.name})


class FileRemoveForm(ActionForm):
    submit_label = _("Remove")
    danger = True

    def run(self):
        name = self.obj.name
        services.file_remove(file=self.obj, by=self.user)
        return name

    def message(self, name) -> str:
        return str(_("%(name)s is removed.") % {"name": name})


# -- dialogue sessions ------------------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def supplier_accounts():
    return User.objects.filter(role=Role.SUPPLIER, is_active=True).order_by(
        "organisation", "last_name", "username"
    )


class SupplierChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.organisation}: {user.get_full_name() or user.username} ({user.email})"


class SessionForm(ActionForm):
    """Staff: plan a session for a group (obj is the group), or change one (session)."""

    title_field = forms.CharField(label=_("Title"), max_length=200)
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200)
    suppliers = SupplierChoice(
        label=_("Invite supplier accounts"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see this session's agenda and the questions, nothing else."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), widget=_textarea(6))

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["suppliers"].queryset = supplier_accounts()
        if session is not None:
            self.title, self.submit_label = _("Change the session"), _("Save")
            self.fields["title_field"].initial = session.title
            for name in ("supplier_name", "place", "agenda"):
                self.fields[name].initial = getattr(session, name)
            self.fields["starts_at"].initial = timezone.localtime(session.starts_at)
            self.fields["suppliers"].initial = list(session.suppliers.all())
        else:
            self.title, self.submit_label = _("Plan a dialogue session"), _("Plan the session")

    def run(self):
        data = dict(self.cleaned_data)
        data["title"] = data.pop("title_field")
        if self.session is None:
            return services.session_plan(group=self.obj, by=self.user, **data)
        return services.session_update(session=self.session, by=self.user, **data)

    def message(self, session) -> str:
        return str(_("The session %(title)s is saved.") % {"title": session.title})


class SessionCancelForm(ActionForm):
    title = _("Cancel the session")
    submit_label = _("Cancel the session")
    danger = True

    def run(self):
        return services.session_cancel(session=self.obj, by=self.user)

    def message(self, session) -> str:
        return str(_("The session is cancelled."))


class NotesForm(ActionForm):
    title = _("Notes of the session")
    description = _("Afterwards: what was discussed and agreed. The session is then held.")
    submit_label = _("Save the notes")
    notes = forms.CharField(label=_("Notes"), widget=_textarea(8))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].initial = self.obj.notes

    def run(self):
        return services.session_record_notes(
            session=self.obj, notes=self.cleaned_data["notes"], by=self.user
        )

    def message(self, session) -> str:
        return str(_("The notes are saved."))


class QuestionForm(ActionForm):
    title = _("Ask a question")
    description = _("The supplier sees the questions (not who asked them) before the session.")
    submit_label = _("Add the question")
    text = forms.CharField(label=_("Question"), widget=_textarea(3))

    def run(self):
        return services.question_ask(session=self.obj, text=self.cleaned_data["text"], by=self.user)

    def message(self, question) -> str:
        return str(_("Your question is added."))


# -- notifications ------------------------------------------------------------------------------


class PreferenceForm(ActionForm):
    title = _("E-mail about new posts")
    description = _("In the app you always see new posts of your groups.")
    submit_label = _("Save")
    email = forms.ChoiceField(
        label=_("E-mail"), choices=EmailPreference.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = services.email_preference(self.user)

    def run(self):
        return services.preference_set(
            user=self.user, email=self.cleaned_data["email"], by=self.user
        )

    def message(self, preference) -> str:
        return str(
            _("You get e-mail about new posts: %(choice)s.")
            % {"choice": preference.get_email_display().lower()}
        )
