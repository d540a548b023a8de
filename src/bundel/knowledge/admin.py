"""Staff keep documents here and on the document pages (`views.py`). Both go through
`services.py`: a document is created with its first version, changed, given a new
version, withdrawn and reinstated there, with the same rules and audit entries. Nothing
is deleted (versions stay readable; withdraw instead). Categories and tags are
reference data: the shared audited admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.core.admin import AuditedModelAdmin

from . import services
from .forms import StaffChoiceField, UploadField, parse_tags
from .models import Category, Document, DocumentVersion, Tag
from .uploads import check_upload


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    audit_prefix = "knowledge.category"
    list_display = ["code", "name_nl", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["code", "name_nl", "name_en"]


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        """The name as the services store it, or their refusal on the field."""
        try:
            return services.tag_name(self.cleaned_data["name"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Through the services: a renamed or deleted tag reindexes its documents."""

    form = TagAdminForm
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.tag_update(tag=obj, by=request.user, name=data["name"], slug=data["slug"])
            obj.refresh_from_db()
            return
        created = services.tag_create(by=request.user, name=data["name"], slug=data["slug"])
        # The admin goes on with `obj` (its log entry): make it the stored row.
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def delete_model(self, request, obj):
        services.tag_delete(tag=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            services.tag_delete(tag=tag, by=request.user)


class VersionInline(admin.TabularInline):
    """Versions are history: shown, never changed or deleted here."""

    model = DocumentVersion
    fields = ["number", "created_at", "created_by", "file_name", "file_kind", "file_size", "note"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    ordering = ["-number"]


class DocumentAdminForm(forms.ModelForm):
    owner = StaffChoiceField(
        label=_("Owner"), queryset=User.objects.filter(role=Role.STAFF, is_active=True)
    )
    tags_text = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. wifi, security.")
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text=_("Changing the text adds a new version; earlier versions stay readable."),
    )
    upload = UploadField(label=_("New file"), required=False)
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)
    withdraw_reason = forms.CharField(
        label=_("Withdraw, because"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fill in to withdraw the document: only staff see it then."),
    )
    reinstate = forms.BooleanField(label=_("Reinstate"), required=False)

    class Meta:
        model = Document
        fields = ["title", "summary", "category", "visibility", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        document = self.instance if self.instance.pk else None
        if document is not None:
            self.fields["tags_text"].initial = ", ".join(t.name for t in document.tags.all())
            if document.current_version_id:
                self.fields["body"].initial = document.current_version.body
            if document.is_withdrawn:
                del self.fields["withdraw_reason"]
            else:
                del self.fields["reinstate"]
        else:
            del self.fields["withdraw_reason"], self.fields["reinstate"]

    def clean_upload(self):
        """Refuse a bad file on the form, before anything is saved (the service checks
        it again)."""
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                check_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload

    def clean(self):
        data = super().clean()
        document = self.instance if self.instance.pk else None
        if document is None and not (data.get("body") or data.get("upload")):
            raise ValidationError(_("A version needs a text, a file or both."))
        if (
            document is not None
            and document.is_withdrawn
            and not data.get("reinstate")
            and self.new_version_wanted()
        ):
            raise ValidationError(
                _("The document is withdrawn: reinstate it before changing its text or file.")
            )
        return data

    def new_version_wanted(self) -> bool:
        document = self.instance
        current = document.current_version if document.pk else None
        body = (self.cleaned_data.get("body") or "").strip()
        return bool(self.cleaned_data.get("upload")) or (
            current is not None and body != current.body
        )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["title", "category", "visibility", "state", "version_number", "updated_at"]
    list_filter = ["category", "visibility", "state"]
    list_select_related = ["category", "current_version"]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated_at"
    inlines = [VersionInline]
    fieldsets = [
        (None, {"fields": ["title", "summary", "category", "visibility", "owner", "tags_text"]}),
        (_("Current version"), {"fields": ["body", "upload", "note"]}),
        (_("Withdrawal"), {"fields": ["withdraw_reason", "reinstate"]}),
    ]

    @admin.display(description=_("version"), ordering="current_version__number")
    def version_number(self, document) -> int | None:
        return document.current_version.number if document.current_version else None

    def get_fieldsets(self, request, obj=None):
        """Withdraw on a published document, reinstate on a withdrawn one; neither on
        a new one."""
        if obj is None:
            absent = {"withdraw_reason", "reinstate"}
        else:
            absent = {"withdraw_reason"} if obj.is_withdrawn else {"reinstate"}
        fieldsets = []
        for name, options in self.fieldsets:
            fields = [field for field in options["fields"] if field not in absent]
            if fields:
                fieldsets.append((name, {"fields": fields}))
        return fieldsets

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        data, by = form.cleaned_data, request.user
        values = {name: data[name] for name in ("title", "summary", "category", "visibility")}
        values.update(owner=data["owner"], tags=parse_tags(data["tags_text"]))
        if not change:
            created = services.document_create(
                by=by, body=data["body"], upload=data["upload"], note=data["note"], **values
            )
            # The admin goes on with `obj` (its log entry): make it the stored row.
            obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
            return
        if data.get("reinstate"):
            services.document_reinstate(document=obj, by=by)
        services.document_update(document=obj, by=by, **values)
        if form.new_version_wanted():
            services.document_add_version(
                document=obj, by=by, body=data["body"], upload=data["upload"], note=data["note"]
            )
        if data.get("withdraw_reason", "").strip():
            services.document_withdraw(document=obj, by=by, reason=data["withdraw_reason"])

    def save_related(self, request, form, formsets, change):
        """Tags are saved by the services; the versions inline changes nothing (the
        admin's change message reads what a formset's save would have set)."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
