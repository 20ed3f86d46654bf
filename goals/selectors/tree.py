"""Goals that cascade (goals/definitions.py, "Goal tree"): a goal may serve a parent goal.

- A **company goal** is a top-level goal (it serves no other) that has sub-goals or no process
  of its own: it answers for the company, and changes processes through its sub-goals.
- A **process goal** is any other goal tied to a process. It **serves a company goal** when
  going up its parents ends at an active goal (the root, a company goal since it has a
  sub-goal). A top-level goal tied to processes with no sub-goal serves none: model health
  lists it.
- A goal's state in the tree is the worst (SEVERITY) of its own key results' states (their
  latest complete week; none yet: no data) and its sub-goals' states in the tree, sub-goals
  active or done only (a draft or a dropped one says nothing).

Two queries for the whole tree, whatever its size; goals are few.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery

from goals.definitions import GoalState, KRState, worst
from goals.models import Goal, KeyResult, KeyResultWeek

COUNTED_CHILDREN = {GoalState.ACTIVE, GoalState.DONE}


@dataclass
class Tree:
    parent: dict[int, int | None]
    state: dict[int, str]
    processes: dict[int, int]  # goal id -> how many processes it is tied to
    title: dict[int, str]
    children: dict[int, list[int]] = field(default_factory=dict)
    own: dict[int, list[str]] = field(default_factory=dict)

    def root(self, pk: int) -> int:
        seen = set()
        while self.parent.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = self.parent[pk]
        return pk

    def is_company(self, pk: int) -> bool:
        return self.parent.get(pk) is None and (
            bool(self.children.get(pk)) or not self.processes.get(pk)
        )

    def serves_company_goal(self, pk: int) -> bool:
        """A process goal's chain of parents ends at an active goal."""
        if self.parent.get(pk) is None:
            return False
        return self.state.get(self.root(pk)) == GoalState.ACTIVE

    def health(self, pk: int, _seen: frozenset = frozenset()) -> str | None:
        """The worst of its key results' and counted sub-goals' states (None: neither)."""
        if pk in _seen:
            return None  # a cycle cannot be saved; this only guards the walk
        below = [
            self.health(c, _seen | {pk})
            for c in self.children.get(pk, [])
            if self.state.get(c) in COUNTED_CHILDREN
        ]
        return worst([*self.own.get(pk, []), *below])

    def depth(self, pk: int) -> int:
        n, seen = 0, set()
        while self.parent.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = self.parent[pk]
            n += 1
        return n


def goal_tree(*, key_results: bool = True) -> Tree:
    """The whole tree; without `key_results`, one query (no states to roll up)."""
    goals = Goal.objects.annotate(n_processes=Count("processes")).values_list(
        "pk", "parent_id", "state", "n_processes", "title"
    )
    tree = Tree(parent={}, state={}, processes={}, title={})
    for pk, parent, state, n_processes, title in goals:
        tree.parent[pk], tree.state[pk] = parent, state
        tree.processes[pk], tree.title[pk] = n_processes, title
    for pk, parent in tree.parent.items():
        if parent is not None:
            tree.children.setdefault(parent, []).append(pk)
    if not key_results:
        return tree
    latest = KeyResultWeek.objects.filter(key_result=OuterRef("pk"), complete=True).order_by(
        "-week_start"
    )
    own: dict[int, list[str]] = defaultdict(list)
    for goal_id, state in KeyResult.objects.annotate(
        current_state=Subquery(latest.values("state")[:1])
    ).values_list("goal_id", "current_state"):
        own[goal_id].append(state or KRState.NO_DATA)
    tree.own = dict(own)
    return tree


def tree_order(views: list) -> list:
    """The goal views (goals/selectors/goals.py) as a tree: each goal after its parent when
    that is shown too; `depth` set on each view (0: shown at the top)."""
    shown = {v.goal.pk: v for v in views}
    kids: dict[int | None, list] = defaultdict(list)
    for v in views:
        parent = v.parent[0] if v.parent else None
        kids[parent if parent in shown else None].append(v)
    out: list = []

    def walk(v, depth: int) -> None:
        v.depth = depth
        out.append(v)
        for child in kids.get(v.goal.pk, []):
            if child not in out:
                walk(child, depth + 1)

    for v in kids[None]:
        walk(v, 0)
    return out
