"""The rhythm as a part of a process document (processes/blueprints/sections.py): exported,
checked and installed with the rest of the definition, and a change to it recorded in the rule
history (processes/versions.py)."""

from datetime import time

from reviews.definitions import Level
from reviews.models import Rhythm
from reviews.selectors.rhythm import LEVEL_ORDER
from roles.models import RoleKind


def rhythm_export(process) -> list[dict]:
    rhythms = sorted(
        Rhythm.objects.filter(process=process), key=lambda r: LEVEL_ORDER.get(r.level, 9)
    )
    return [
        {
            "level": r.level,
            "time_of_day": r.time_of_day.isoformat(timespec="minutes"),
            "weekday": r.weekday if r.level != Level.DAILY else None,
            "nth": r.nth if r.level == Level.MONTHLY else None,
            "duration_minutes": r.duration_minutes,
            "facilitator_role": r.facilitator_kind,
            "active": r.is_active,
        }
        for r in rhythms
    ]


def rhythm_check(value, document) -> list[str]:
    if not isinstance(value, list):
        return ["rhythm: give a list."]
    problems, levels = [], set()
    for i, row in enumerate(value, start=1):
        where = f"rhythm #{i}"
        if not isinstance(row, dict):
            problems.append(f"{where}: give an object.")
            continue
        level = row.get("level")
        if level not in Level.values:
            problems.append(f"{where}: level {level!r} is not one of: {', '.join(Level.values)}.")
            continue
        where = f"Rhythm {level}"
        if level in levels:
            problems.append(f"{where}: a process has one rhythm per level.")
        levels.add(level)
        try:
            time.fromisoformat(row.get("time_of_day"))
        except (TypeError, ValueError):
            problems.append(f"{where}: time_of_day must be a time such as 10:00.")
        weekday, nth = row.get("weekday"), row.get("nth")
        if level != Level.DAILY and (type(weekday) is not int or not 1 <= weekday <= 7):
            problems.append(f"{where}: weekday must be a whole number from 1 to 7.")
        if level == Level.MONTHLY and (type(nth) is not int or not 1 <= nth <= 4):
            problems.append(f"{where}: nth must be a whole number from 1 to 4.")
        minutes = row.get("duration_minutes")
        if type(minutes) is not int or not 1 <= minutes <= 32767:
            problems.append(f"{where}: duration_minutes must be a whole number of minutes.")
        if row.get("facilitator_role") not in RoleKind.values:
            problems.append(
                f"{where}: facilitator_role must be one of: {', '.join(RoleKind.values)}."
            )
        if not isinstance(row.get("active", True), bool):
            problems.append(f"{where}: active must be true or false.")
    return problems


def rhythm_install(process, value) -> None:
    Rhythm.objects.bulk_create(
        Rhythm(
            process=process,
            level=row["level"],
            time_of_day=time.fromisoformat(row["time_of_day"]),
            weekday=row.get("weekday") if row["level"] != Level.DAILY else None,
            nth=row.get("nth") if row["level"] == Level.MONTHLY else None,
            duration_minutes=row["duration_minutes"],
            facilitator_kind=row["facilitator_role"],
            is_active=row.get("active", True),
        )
        for row in value
    )


def rhythm_touched(sender, instance, raw=False, **kwargs):
    from processes.versions import definition_touched

    if not raw:
        definition_touched(instance.process_id)


def rhythm_schema():
    from rest_framework import serializers

    class RhythmDocSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=Level.choices)
        time_of_day = serializers.CharField(help_text="Local time on the calendar, HH:MM.")
        weekday = serializers.IntegerField(allow_null=True, min_value=1, max_value=7)
        nth = serializers.IntegerField(allow_null=True, min_value=1, max_value=4)
        duration_minutes = serializers.IntegerField(min_value=1)
        facilitator_role = serializers.ChoiceField(choices=RoleKind.choices)
        active = serializers.BooleanField()

    return RhythmDocSerializer(many=True)
