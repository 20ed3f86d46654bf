"""A goal's parent (goals/selectors/tree.py): a goal the actor may see, never the goal itself
nor one of its sub-goals (no cycles). Refusals name the field: 400 {"parent": [...]}."""

from __future__ import annotations

from django.db import connection

from goals.models import Goal
from goals.permissions import restrict_goals
from opmodel.errors import InvalidInput


def goal_parent_of(*, actor, parent_id: int | None) -> Goal | None:
    """The parent named by id (the API), or a 400 naming the field when the actor cannot see
    it."""
    if parent_id is None:
        return None
    parent = restrict_goals(Goal.objects.all(), actor).filter(pk=parent_id).first()
    if parent is None:
        raise InvalidInput({"parent": [f"No goal {parent_id} that you may see."]})
    return parent


def goal_tree_lock() -> None:
    """Two changes of parents at once would each miss the other's cycle: one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('opmodel.goals.tree'))")


def goal_parent_check(*, actor, goal: Goal | None, parent: Goal | None) -> None:
    """Call inside the transaction that saves, after goal_tree_lock()."""
    if parent is None:
        return
    if not restrict_goals(Goal.objects.filter(pk=parent.pk), actor).exists():
        raise InvalidInput({"parent": [f"No goal {parent.pk} that you may see."]})
    if goal is None:
        return  # a new goal has no sub-goals yet
    if parent.pk == goal.pk:
        raise InvalidInput({"parent": ["A goal cannot serve itself: choose another goal."]})
    parents = dict(Goal.objects.values_list("pk", "parent_id"))
    node, seen = parent.pk, set()
    while node is not None and node not in seen:
        if node == goal.pk:
            raise InvalidInput(
                {
                    "parent": [
                        f"“{parent.title}” already serves this goal: a goal cannot serve one "
                        "of its own sub-goals."
                    ]
                }
            )
        seen.add(node)
        node = parents.get(node)
