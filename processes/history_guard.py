"""Where the history of processes names people (see roles/people.py): registered at start-up
by ProcessesConfig.ready(), so that a user named there is deactivated, never deleted."""

from django.apps import apps

# (model, field): who made each event, who asked for and who decided each exception, who
# uploaded each document, who created each card and who changed each client's segment.
HISTORY_FIELDS = [
    ("Event", "actor"),
    ("ApprovalRequest", "requested_by"),
    ("ApprovalRequest", "decided_by"),
    ("Document", "uploaded_by"),
    ("RequestCard", "created_by"),
    ("DefinitionVersion", "by"),
    ("ClientSegmentChange", "by"),
]


def users_in_processes_history(user_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for model_name, field in HISTORY_FIELDS:
        model = apps.get_model("processes", model_name)
        found |= set(
            model.objects.filter(**{f"{field}__in": user_ids})
            .values_list(field, flat=True)
            .distinct()
        )
    return found
