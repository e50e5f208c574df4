from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Prefetch
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from library.admin_site import LibraryAdminSite
from library.forms import EntryAdminForm
from library.models import (
    AlertRule,
    Drug,
    Entry,
    EntryStatus,
    GlossaryTerm,
    RegimenPreset,
    Source,
    Symptom,
    WarningSign,
)

# The one admin, made the library's: a second factor to get in, and side doors ("view on
# site", autocomplete) that answer only for what it shows (see library/admin_site.py). The
# default site's class is swapped, as django-otp documents, so that every app's registrations
# (auth's users and groups, for superusers) stay where they are.
admin.site.__class__ = LibraryAdminSite
# Their pages show the secret keys and recovery codes; `manage.py enrol_totp` replaces a
# lost device, and deleting an account deletes its devices.
admin.site.unregister([TOTPDevice, StaticDevice])


# Stacked, not tabular: a tabular row's inputs have only column headings, no labels.
class AlertRuleInline(admin.StackedInline):
    model = AlertRule
    extra = 0
    fields = ["slug", "drug", "care_team_grade", "source", "basis"]
    autocomplete_fields = ["drug", "source"]


@admin.register(Symptom)
class SymptomAdmin(admin.ModelAdmin):
    list_display = ["name", "body_area", "ctcae_term", "ctcae_grade_4", "order", "is_active"]
    list_filter = ["body_area", "ctcae_grade_4", "is_active"]
    search_fields = ["name", "aliases", "ctcae_term"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AlertRuleInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "aliases", "body_area", "description"]}),
        (
            "Grades (CTCAE v5, in plain words)",
            {
                "fields": [
                    "ctcae_term",
                    "ctcae_grade_4",
                    "grade_1",
                    "grade_2",
                    "grade_3",
                    "grade_4",
                ]
            },
        ),
        ("Display", {"fields": ["order", "is_active"]}),
    ]


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ["symptom", "drug", "care_team_grade", "source"]
    list_filter = ["drug", "care_team_grade"]
    list_select_related = ["symptom", "drug", "source"]
    search_fields = ["symptom__name", "drug__name", "basis"]
    autocomplete_fields = ["symptom", "drug", "source"]


@admin.register(WarningSign)
class WarningSignAdmin(admin.ModelAdmin):
    list_display = ["text", "drug", "source", "order"]
    list_filter = ["drug"]
    list_select_related = ["drug", "source"]
    search_fields = ["text", "drug__name"]
    autocomplete_fields = ["drug", "source"]
    prepopulated_fields = {"slug": ["text"]}


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "aliases", "source"]
    list_select_related = ["source"]
    search_fields = ["term", "aliases", "definition"]
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["term"]}


class RegimenPresetInline(admin.StackedInline):
    model = RegimenPreset
    extra = 0
    fields = ["label", "dose_mg", "intakes_per_day", "days_on", "days_off", "order"]


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "brand_names",
        "approved_for_gist",
        "line_of_treatment",
        "regimen_count",
        "order",
    ]
    list_filter = ["approved_for_gist"]
    search_fields = ["name", "brand_names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["common_side_effects", "source"]
    inlines = [RegimenPresetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(regimen_total=Count("regimens"))

    @admin.display(description="regimens", ordering="regimen_total")
    def regimen_count(self, drug):
        return drug.regimen_total


@admin.register(RegimenPreset)
class RegimenPresetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "drug", "label", "schedule_label"]
    list_filter = ["drug"]
    list_select_related = ["drug"]
    search_fields = ["label", "drug__name"]
    autocomplete_fields = ["drug"]


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    fields = ["title", "kind", "status", "reviewed_on"]
    readonly_fields = ["title", "kind", "status", "reviewed_on"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Entries need symptoms or drugs, which only the entry form offers.
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "kind", "published_on", "reviewed_on", "entry_count"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "note"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cites"]
    inlines = [EntryInline]
    # A pasted "www.example.org" becomes https://, as Django 6 will do by default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description="entries", ordering="entry_total")
    def entry_count(self, source):
        return source.entry_total


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    form = EntryAdminForm
    list_display = ["title", "kind", "status", "source", "symptom_names", "reviewed_on"]
    list_filter = ["kind", "status", "source", "symptoms", "drugs"]
    list_select_related = ["source"]
    search_fields = ["title", "body", "source__title", "symptoms__name"]
    autocomplete_fields = ["symptoms", "drugs", "source"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "unpublish"]
    # The fields shown are EntryAdminForm's, in its order.

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("symptoms", queryset=Symptom.objects.only("name")))
        )

    @admin.display(description="symptoms")
    def symptom_names(self, entry):
        return ", ".join(symptom.name for symptom in entry.symptoms.all()) or "—"

    @admin.action(description="Publish selected entries", permissions=["change"])
    def publish(self, request, queryset):
        ready = queryset.model.objects.filter(pk__in=queryset.values("pk")).publishable()
        published = Entry.objects.filter(pk__in=ready.values("pk")).update(
            status=EntryStatus.PUBLISHED
        )
        skipped = queryset.count() - published
        self.message_user(request, f"Published {published} entries.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} as they were: an entry needs a source and at least one "
                "symptom or drug to be published.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected entries (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=EntryStatus.DRAFT)
        self.message_user(request, f"Moved {count} entries back to draft.", messages.SUCCESS)
