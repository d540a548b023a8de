"""Staff edit the registry in the admin through the same services as everywhere else."""

from django.contrib import admin

from bundel.core.admin import ReadOnlyAdmin

from . import services
from .models import Board, Location, PupilCount, School


class RegistryAdmin(admin.ModelAdmin):
    """Saves go through the registry's services, so they are validated and audited."""

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        self.update(type(obj).objects.get(pk=obj.pk), by=request.user, values=values)

    def update(self, original, *, by, values):
        raise NotImplementedError

    def has_add_permission(self, request):
        return False  # registry rows come from DUO's files

    def has_delete_permission(self, request, obj=None):
        return False


class LocationInline(admin.TabularInline):
    model = Location
    fields = ["code", "name", "place", "sector_type"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Board)
class BoardAdmin(RegistryAdmin):
    list_display = ["duo_number", "name", "place", "kvk_number"]
    search_fields = ["duo_number", "name", "place", "kvk_number"]
    readonly_fields = ["duo_number"]
    fields = ["duo_number", *services.BOARD_EDITABLE]
    inlines = [LocationInline]

    def update(self, original, *, by, values):
        services.board_update(board=original, by=by, **values)


@admin.register(Location)
class LocationAdmin(RegistryAdmin):
    list_display = ["code", "name", "place", "province", "sector_type", "board"]
    list_filter = ["sector_type", "province"]
    search_fields = ["code", "name", "place", "board__duo_number"]
    list_select_related = ["board"]
    raw_id_fields = ["board"]
    readonly_fields = ["code", "school", "board_as_of"]
    fields = ["code", "school", "board_as_of", *services.LOCATION_EDITABLE]

    def update(self, original, *, by, values):
        services.location_update(location=original, by=by, **values)


@admin.register(School)
class SchoolAdmin(ReadOnlyAdmin):
    list_display = ["brin"]
    search_fields = ["brin"]


@admin.register(PupilCount)
class PupilCountAdmin(ReadOnlyAdmin):
    """Pupil counts are DUO's figures: imported, never typed in."""

    list_display = ["location", "count_date", "sector_type", "pupils", "outsourced_vavo", "board"]
    list_filter = ["count_date", "sector_type"]
    search_fields = ["location__code", "board__duo_number"]
    list_select_related = ["location", "board"]
