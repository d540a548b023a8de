"""Staff create, change and archive groups here as on the pages (through `services.py`,
so the same rules and audit entries). Threads, posts, files, sessions and notifications
are read only here: they change on the group pages (moderation: hide a post on its
thread's page), where the rules and notifications apply."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    DialogueQuestion,
    DialogueSession,
    Digest,
    Group,
    GroupFile,
    GroupPreference,
    Participant,
    Post,
    Thread,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyMixin, admin.TabularInline):
    model = Participant
    fields = ["user", "joined_at", "left_at"]
    extra = 0
    can_delete = False


class GroupAdminForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "description"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not slugify(name):
            raise ValidationError(_("A group's name needs letters or digits."))
        return name


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    form = GroupAdminForm
    list_display = ["name", "kind", "state", "created_at", "archived_at"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "description"]
    readonly_fields = ["slug", "state", "archived_at", "page"]
    inlines = [ParticipantInline]
    actions = ["archive"]

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: the threads and the audit trail stay

    @admin.display(description=_("Page"))
    def page(self, obj) -> str:
        if not obj.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ("name", "kind", "description")}
        if change:
            services.group_update(group=obj, by=request.user, **values)
            return
        created = services.group_create(by=request.user, **values)
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
        obj.slug = created.slug

    @admin.action(description=_("Archive the selected groups"))
    def archive(self, request, queryset):
        done = 0
        for group in queryset:
            try:
                services.group_archive(group=group, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{group}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s group(s) archived.") % {"n": done})


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "started_by", "created_at", "page"]
    list_filter = ["group"]
    search_fields = ["title"]
    list_select_related = ["group", "started_by"]
    date_hierarchy = "created_at"

    @admin.display(description=_("Page"))
    def page(self, obj) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Read"))


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "thread", "author", "created_at", "hidden_at", "moderate"]
    list_filter = ["thread__group", "hidden_at"]
    search_fields = ["body", "author__username", "author__last_name"]
    list_select_related = ["thread__group", "author"]
    date_hierarchy = "created_at"

    @admin.display(description=_("Moderate"))
    def moderate(self, obj) -> str:
        url = f"{obj.thread.get_absolute_url()}?post={obj.pk}#post-{obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Hide on the thread's page"))


@admin.register(GroupFile)
class GroupFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "group", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["group", "kind"]
    search_fields = ["name", "description"]
    list_select_related = ["group", "uploaded_by"]
    exclude = ["file"]  # downloaded only through the group's page, which checks membership


class QuestionInline(ReadOnlyMixin, admin.TabularInline):
    model = DialogueQuestion
    fields = ["text", "author", "created_at"]
    extra = 0


@admin.register(DialogueSession)
class DialogueSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "supplier_name", "starts_at", "state", "page"]
    list_filter = ["state", "group"]
    search_fields = ["title", "supplier_name"]
    list_select_related = ["group"]
    date_hierarchy = "starts_at"
    inlines = [QuestionInline]

    @admin.display(description=_("Page"))
    def page(self, obj) -> str:
        url = reverse("groups:session", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Change on the session's page"))


@admin.register(GroupPreference)
class GroupPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "email", "changed_at"]
    list_filter = ["email"]
    search_fields = ["user__username", "user__email"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["user", "sent_at", "posts"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "sent_at"
