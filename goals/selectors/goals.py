"""Reads for the goal pages and the API: a fixed number of queries whatever the number of
goals, key results, weeks and check-ins (the rows are stored; nothing is computed from events)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Max, Prefetch
from django.urls import reverse

from goals.charts import IN_PROGRESS, key_result_chart
from goals.definitions import GoalState, KRState, worst
from goals.models import CheckIn, Goal, KeyResult, KeyResultWeek
from goals.permissions import may_check_in, may_edit_goal, restrict_goals
from goals.selectors.tree import goal_tree
from goals.services.reminders import WorkingTimes, check_in_due
from metrics.catalogue import METRICS
from metrics.charts import ChartPoint
from opmodel.formatting import day_text, figure_text
from processes.models import Process


def cards_url(kr: KeyResult, week: str) -> str | None:
    """The dashboard's drill-down: the cards behind the key result's figure in a week."""
    metric = METRICS.get(kr.metric)
    if metric is None or not metric.cards:
        return None
    params = {"process": kr.process.slug, "week": week, "metric": metric.cards}
    if kr.dimension and metric.cards_by_dimension:
        params["key"] = kr.dimension
    return f"{reverse('weekly-cards')}?{urlencode(params)}"


@dataclass
class KeyResultView:
    kr: KeyResult
    rows: list[KeyResultWeek]
    current: KeyResultWeek | None
    in_progress: KeyResultWeek | None
    check_ins: list[CheckIn]
    due_at: datetime | None
    overdue: bool
    may_check_in: bool = False
    today: date | None = None
    # The chance of reaching the target by the deadline (goals/selectors/chance.py); the goal
    # page fills it.
    chance: dict | None = None

    @property
    def current_missing_text(self) -> str:
        """Why there is no current value yet, in words (empty when there is one)."""
        if self.current is not None:
            return ""
        start = self.kr.goal.starts_on
        # The first ISO week (Monday to Sunday) that lies wholly inside the period.
        sunday = start + timedelta(days=7 - start.isoweekday())
        first_sunday = sunday if start.isoweekday() == 1 else sunday + timedelta(weeks=1)
        if self.today is None or first_sunday >= self.today:
            return (
                "No complete week in the period yet: the first complete week of the period "
                f"ends on {day_text(first_sunday)}."
            )
        return "No weekly figure for this metric in the period's complete weeks yet."

    @property
    def state(self) -> str | None:
        return self.current.state if self.current else KRState.NO_DATA

    @property
    def state_label(self) -> str:
        return KRState(self.state).label

    @property
    def progress(self) -> float | None:
        return self.current.progress if self.current else None

    @property
    def current_url(self) -> str | None:
        return cards_url(self.kr, self.current.week) if self.current else None

    def fmt(self, value) -> str:
        return figure_text(value, self.kr.unit)

    @property
    def baseline_text(self) -> str:
        return self.fmt(self.kr.baseline)

    @property
    def current_text(self) -> str:
        return self.fmt(self.current.value if self.current else None)

    @property
    def in_progress_text(self) -> str:
        return self.fmt(self.in_progress.value if self.in_progress else None)

    @property
    def target_text(self) -> str:
        return self.fmt(self.kr.target)

    @property
    def baseline_source(self) -> str:
        weeks = [w for w, _ in self.kr.baseline_weeks]
        used = [w for w, v in self.kr.baseline_weeks if v is not None]
        if not weeks:
            return ""
        span = f"{weeks[0]} to {weeks[-1]}"
        if len(used) == len(weeks):
            return f"median of {span}"
        if not used:
            return f"no figures for {span}"
        return f"median of {', '.join(used)} (of {span})"

    def small_chart(self):
        """The compact chart of the goals list (a table cell)."""
        return self.chart(small=True)

    def chart(self, small: bool = False):
        unit = self.kr.unit
        points = [
            ChartPoint(
                label=row.week + ("" if row.complete else IN_PROGRESS),
                value=row.value,
                href=cards_url(self.kr, row.week),
            )
            for row in self.rows
        ]
        return key_result_chart(
            points,
            title=f"{self.kr.label}: weekly values",
            y_label={"share": "share", "percent": "%"}.get(unit, unit),
            lines={
                "Baseline": self.kr.baseline,
                ("Threshold" if self.kr.is_guardrail else "Target"): self.kr.target,
            },
            percent=unit == "share",
            small=small,
        )


@dataclass
class GoalView:
    goal: Goal
    processes: list[Process]
    key_results: list[KeyResultView]
    slogan: list[str]
    may_edit: bool = False
    accountable: dict = field(default_factory=dict)  # process id -> [user]
    # The goal tree (goals/selectors/tree.py): its state there, its parent and sub-goals.
    tree_health: str | None = None
    parent: tuple[int, str] | None = None  # (id, title)
    children: list[tuple[int, str]] = field(default_factory=list)
    is_company: bool = False
    depth: int = 0

    @property
    def health(self) -> str | None:
        """The worst of its key results' and its sub-goals' states (the tree's)."""
        own = worst(kr.state for kr in self.key_results)
        return worst([own, self.tree_health])

    @property
    def health_label(self) -> str:
        return KRState(self.health).label if self.health else ""

    @property
    def overdue(self) -> list[KeyResultView]:
        return [kr for kr in self.key_results if kr.overdue]


def slogan_gaps(
    *, goal: Goal, processes: list, key_results: list, sub_goals: bool = False
) -> list[str]:
    """What a goal lacks to be more than a slogan (docs/design.md, "Vocabulary": Goal). A goal
    with sub-goals changes processes through them, and is measured by them too."""
    gaps = []
    if not processes and not sub_goals:
        gaps.append("No process: which stream of work does it change?")
    if goal.owner_id is None:
        gaps.append("No owner: who answers for it?")
    if not key_results and not sub_goals:
        gaps.append("No key result backed by a metric: how will it be measured?")
    if not goal.cadence:
        gaps.append("No review cadence: which review looks at it?")
    return gaps


def goals_queryset(user, *, check_ins: bool = False):
    key_results = KeyResult.objects.select_related("process").annotate(
        last_check_in=Max("check_ins__created_at")
    )
    prefetch = [
        Prefetch("processes", queryset=Process.objects.select_related("calendar", "owner")),
        "processes__calendar__holidays",
        Prefetch("key_results", queryset=key_results),
        Prefetch("key_results__weeks", queryset=KeyResultWeek.objects.order_by("week_start")),
    ]
    if check_ins:
        prefetch.append(
            Prefetch(
                "key_results__check_ins",
                queryset=CheckIn.objects.select_related("author").order_by("-created_at", "-id"),
            )
        )
    return restrict_goals(Goal.objects.select_related("owner"), user).prefetch_related(*prefetch)


def goals_for(
    *,
    user,
    now: datetime,
    active_on: date | None = None,
    process: str | None = None,
    goal_id: int | None = None,
    check_ins: bool = False,
) -> list[GoalView]:
    """The goals the user may see, as pages and the API show them. `active_on`: the goals
    active on that day; `process`: those changing that process (a slug)."""
    goals = goals_queryset(user, check_ins=check_ins)
    if goal_id is not None:
        goals = goals.filter(pk=goal_id)
    if active_on is not None:
        goals = goals.filter(
            state=GoalState.ACTIVE, starts_on__lte=active_on, ends_on__gte=active_on
        )
    if process:
        goals = goals.filter(processes__slug=process)
    working_times = WorkingTimes()
    tree = goal_tree()
    # Parents and sub-goals are named only where the user may see them.
    seen = set(restrict_goals(Goal.objects.all(), user).values_list("pk", flat=True))
    views = []
    for goal in goals.order_by("starts_on", "id"):
        processes = list(goal.processes.all())
        by_id = {p.pk: p for p in processes}
        krs = []
        for kr in goal.key_results.all():
            kr.goal = goal
            kr.process = by_id.get(kr.process_id, kr.process)
            krs.append(_key_result_view(kr, goal, user, working_times, now, check_ins))
        children = [c for c in tree.children.get(goal.pk, []) if c in seen]
        parent = tree.parent.get(goal.pk)
        parent = parent if parent in seen else None
        views.append(
            GoalView(
                goal=goal,
                processes=processes,
                key_results=krs,
                slogan=slogan_gaps(
                    goal=goal,
                    processes=processes,
                    key_results=krs,
                    sub_goals=bool(tree.children.get(goal.pk)),
                ),
                may_edit=may_edit_goal(user, goal, set(by_id)),
                tree_health=tree.health(goal.pk),
                parent=(parent, tree.title[parent]) if parent is not None else None,
                children=[(c, tree.title[c]) for c in children],
                is_company=tree.is_company(goal.pk),
                depth=tree.depth(goal.pk),
            )
        )
    return views


def _key_result_view(kr, goal, user, working_times, now, check_ins) -> KeyResultView:
    rows = list(kr.weeks.all())
    complete = [r for r in rows if r.complete]
    current = complete[-1] if complete else None
    later = [r for r in rows if not r.complete and (current is None or r.week > current.week)]
    due = None
    today = now.date()
    in_time = kr.deadline is None or kr.deadline >= today
    if goal.state == GoalState.ACTIVE and goal.starts_on <= today <= goal.ends_on and in_time:
        due = check_in_due(
            key_result=kr, last_check_in=kr.last_check_in, working_times=working_times
        )
    return KeyResultView(
        kr=kr,
        rows=rows,
        current=current,
        in_progress=later[-1] if later else None,
        check_ins=list(kr.check_ins.all()) if check_ins else [],
        due_at=due,
        overdue=due is not None and due <= now,
        may_check_in=may_check_in(user, goal, [p.pk for p in goal.processes.all()]),
        today=today,
    )


def goal_detail(*, user, goal_id: int, now: datetime) -> GoalView | None:
    """One goal with its check-ins and each process's accountable people; None if unseen."""
    from roles.models import ProcessRole, RoleKind

    views = goals_for(user=user, now=now, goal_id=goal_id, check_ins=True)
    if not views:
        return None
    view = views[0]
    grants = ProcessRole.objects.filter(
        process_id__in=[p.pk for p in view.processes], kind=RoleKind.ACCOUNTABLE
    ).select_related("user", "group")
    for grant in grants:
        view.accountable.setdefault(grant.process_id, []).append(grant.user or grant.group)
    return view


def key_results_for_process(*, process, today: date) -> list[KeyResult]:
    """The dashboard panel: key results of the goals active today on the process, each with
    its latest complete week (`current_*`), in one query."""
    from django.db.models import OuterRef, Subquery

    latest = KeyResultWeek.objects.filter(key_result=OuterRef("pk"), complete=True).order_by(
        "-week_start"
    )
    return list(
        KeyResult.objects.filter(
            process=process,
            goal__state=GoalState.ACTIVE,
            goal__starts_on__lte=today,
            goal__ends_on__gte=today,
        )
        .select_related("goal", "process")
        .annotate(
            current_week=Subquery(latest.values("week")[:1]),
            current_value=Subquery(latest.values("value")[:1]),
            current_progress=Subquery(latest.values("progress")[:1]),
            current_state=Subquery(latest.values("state")[:1]),
        )
        .order_by("goal__starts_on", "goal_id", "id")
    )


def process_goals(processes: list) -> dict[int, list[int]]:
    """The goals each process serves (ids, oldest first), in one query: the processes' summary
    (processes/summaries.py, registered in GoalsConfig.ready)."""
    served: dict[int, list[int]] = {}
    rows = (
        Goal.processes.through.objects.filter(process_id__in=[p.pk for p in processes])
        .order_by("goal_id")
        .values_list("process_id", "goal_id")
    )
    for process_id, goal_id in rows:
        served.setdefault(process_id, []).append(goal_id)
    return served
