from django.contrib import admin

from processes.versions import VersionedAdmin
from reviews.models import Decision, Review, Rhythm


@admin.register(Rhythm)
class RhythmAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ["process", "level", "time_of_day", "weekday", "nth", "facilitator_kind"]
    list_filter = ["process", "level"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["process", "level", "held_on", "state", "facilitator", "no_decision"]
    list_filter = ["process", "level", "state"]
    readonly_fields = ["agenda", "notes", "carried"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["text", "owner", "due_on", "state", "changes", "metric", "effect"]
    list_filter = ["process", "state", "changes"]
