"""Model health, for the owner: how much of the operating model is real, as figures and as a
checklist whose points link to where to fix them. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode

from goals.definitions import GoalState, KRState
from goals.models import Goal
from goals.selectors import key_results_for_process
from goals.selectors.tree import goal_tree
from opmodel.formatting import person_text
from processes.calendars import process_calendar
from processes.models import BlockReason, Event, SLAPolicy, Status, Transition
from processes.models.events import EventKind
from reviews.definitions import (
    CADENCE_WEEKS,
    PILOT_CARDS,
    Changes,
    DecisionState,
    Effect,
    health_band,
)
from reviews.models import Decision, Review, Rhythm
from reviews.selectors.agendas import open_cards
from reviews.selectors.effect import effects
from reviews.selectors.rhythm import cadence
from roles.models import ProcessRole, RoleKind

GOOD_KR = {KRState.ACHIEVED, KRState.ON_TRACK, KRState.HOLDING}


@dataclass
class Figure:
    slug: str
    label: str
    part: int
    whole: int
    url: str = ""  # the cards, decisions or reviews behind it
    behind: str = ""  # what the link lists

    @property
    def share(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def band(self) -> str:
        """good, watch or bad by the share (HEALTH_BANDS); "" with nothing to count."""
        return health_band(self.share)

    @property
    def band_label(self) -> str:
        return {"good": "good", "watch": "watch", "bad": "bad"}.get(self.band, "no data")

    @property
    def text(self) -> str:
        if not self.whole:
            return "nothing to count yet"
        return f"{self.part} of {self.whole} ({self.part / self.whole:.0%})"


@dataclass
class Check:
    slug: str
    label: str
    ok: bool
    detail: str
    url: str = ""  # a page of the app where it is fixed; "" where the app has none yet
    where: str = ""  # said plainly when there is no such page


@dataclass
class Health:
    figures: list[Figure]
    checklist: list[Check]

    @property
    def score(self) -> str:
        return f"{sum(c.ok for c in self.checklist)} of {len(self.checklist)}"


# Where the app has no page to change a definition yet: said plainly, never a raw admin link.
NO_PAGE = "No page in the app for this yet: a staff member changes it in the admin ({})."


def model_health(process, *, now: datetime) -> Health:
    wt = process_calendar(process).working_time()
    today = now.astimezone(wt.tz).date()

    goals = list(
        Goal.objects.filter(state=GoalState.ACTIVE, starts_on__lte=today, ends_on__gte=today)
        .annotate(n_processes=Count("processes", distinct=True))
        .annotate(n_krs=Count("key_results", distinct=True))
        .annotate(n_children=Count("children", distinct=True))
        .annotate(
            mine=Exists(Goal.processes.through.objects.filter(goal_id=OuterRef("pk"),
                                                              process_id=process.pk))
        )
    )  # fmt: skip
    own_goals = [g for g in goals if g.mine]
    complete = [g for g in own_goals if g.owner_id and g.cadence and g.n_krs and g.n_processes]
    krs = key_results_for_process(process=process, today=today)
    good_krs = [kr for kr in krs if kr.current_state in GOOD_KR]
    cards = open_cards(process).aggregate(
        n=Count("id"), owned=Count("id", filter=Q(responsible__isnull=False))
    )

    q = urlencode({"process": process.slug})
    since = now - timedelta(weeks=CADENCE_WEEKS)
    transitions = _transition_figure(process, since)

    rhythms = list(Rhythm.objects.filter(process=process, is_active=True))
    first = today - timedelta(weeks=CADENCE_WEEKS)
    held = Review.objects.filter(  # one closed with no decision is not held
        process=process, state="closed", no_decision=False, held_on__gte=first,
        held_on__lte=today,
    ).values_list("level", "held_on")  # fmt: skip
    held_by_level: dict[str, set] = {}
    for level, day in held:
        held_by_level.setdefault(level, set()).add(day)
    cadences = [cadence(r, wt, held_by_level.get(r.level, set()), first, now) for r in rhythms]

    decisions = list(
        Decision.objects.filter(process=process).exclude(state=DecisionState.OPEN)
        .select_related("key_result")
    )  # fmt: skip
    done = [d for d in decisions if d.state == DecisionState.DONE]
    measured = effects(done, today=today)
    judged = [m for m in measured.values() if m.effect in (Effect.MOVED, Effect.NO_CHANGE,
                                                            Effect.WRONG_WAY)]  # fmt: skip

    goals_url, reviews_url = reverse("goal-list"), f"{reverse('review-list')}?{q}"
    done_url = f"{reverse('decision-list')}?state=done"
    figures = [
        Figure("goals_complete", "Goals that are complete (not slogans)", len(complete),
               len(own_goals), goals_url, "the goals"),
        Figure("krs_on_track", "Key results on track", len(good_krs), len(krs), goals_url,
               "the key results"),
        Figure("cards_owned", "Open cards with a responsible person", cards["owned"], cards["n"],
               f"{reverse('board')}?{q}&responsible=unassigned", "the cards without one"),
        transitions,
        Figure("reviews_on_cadence",
               f"Reviews held on cadence, with a decision (last {CADENCE_WEEKS} weeks)",
               sum(c.held for c in cadences), sum(c.due for c in cadences), reviews_url,
               "the reviews and the slots missed"),
        Figure("decisions_on_time", "Decisions done on time",
               sum(1 for d in done if d.done_on_time), len(done), done_url,
               "the decisions done"),
        Figure("effects_shown", "Decisions whose effect showed",
               sum(1 for m in judged if m.effect == Effect.MOVED), len(judged), done_url,
               "the decisions and their effect"),
    ]  # fmt: skip
    checklist = _checklist(process, goals, rhythms, decisions)
    checklist.insert(3, _serves_check(own_goals))
    return Health(figures=figures, checklist=checklist)


def _serves_check(own_goals) -> Check:
    """Every process goal of the process serves a company goal (goals/selectors/tree.py)."""
    tree = goal_tree(key_results=False)
    process_goals = [g for g in own_goals if not tree.is_company(g.pk)]
    orphans = [g.title for g in process_goals if not tree.serves_company_goal(g.pk)]
    return Check(
        "goals_serve", "Every process goal serves a company goal",
        bool(process_goals) and not orphans,
        f"serving none: {', '.join(orphans)}" if orphans
        else f"{len(process_goals)} process goals, each serving a company goal"
        if process_goals else "no process goal",
        reverse("goal-list"),
    )  # fmt: skip


def _transition_figure(process, since) -> Figure:
    """Moves that should carry words: a move by a transition that asks for a lost reason needs
    the reason; a move back to an earlier status needs a comment."""
    order = dict(Status.objects.filter(process=process).values_list("slug", "order"))
    needs_reason = {
        name
        for name, conditions in Transition.objects.filter(process=process).values_list(
            "name", "conditions"
        )
        if "has_lost_reason" in (conditions or [])
    }
    rows = Event.objects.filter(
        card__process=process, kind=EventKind.TRANSITION, at__gte=since
    ).values_list("transition", "from_status", "to_status", "comment", "reason")
    part = whole = 0
    for name, source, target, comment, reason in rows:
        if name in needs_reason:
            whole += 1
            part += bool(reason.strip())
        elif order.get(target, 0) < order.get(source, 0):
            whole += 1
            part += bool(comment.strip())
    return Figure(
        "transitions_explained", "Transitions that carry the comment or reason they should",
        part, whole, "", "no list of these moves in the app yet",
    )  # fmt: skip


def _checklist(process, goals, rhythms, decisions) -> list[Check]:
    statuses = list(Status.objects.filter(process=process).order_by("order", "id"))
    open_statuses = [s for s in statuses if not s.final]
    # {status id: the role kinds that may move a card out of it}
    movers: dict[int, set[str]] = {}
    for status_id, roles in Transition.objects.filter(process=process).values_list(
        "sources__id", "allowed_roles"
    ):
        if status_id is not None:
            movers.setdefault(status_id, set()).update(roles or [])
    kinds = set(ProcessRole.objects.filter(process_id=process.pk).values_list("kind", flat=True))
    reasons = BlockReason.objects.filter(process=process).count()
    with_sla = set(
        SLAPolicy.objects.filter(process=process, at_risk_percent__lt=100).values_list(
            "status_id", flat=True
        )
    )
    finished = (
        open_cards(process).model.objects.filter(process=process)
        .filter(status__in=[s.slug for s in statuses if s.final]).count()
    )  # fmt: skip
    # Company goals are the top-level ones; a goal with sub-goals is tied through them.
    n_goals = len([g for g in goals if g.parent_id is None])
    no_process = [g for g in goals if not g.n_processes and not g.n_children]
    missing_sla = [s.name for s in open_statuses if s.pk not in with_sla]
    stuck = [s.name for s in open_statuses if s.pk not in movers]
    # Every open status needs someone to act (an executor's move) and someone who answers for
    # the outcome (the process's accountable grant).
    unowned = [s.name for s in open_statuses if RoleKind.EXECUTOR not in movers.get(s.pk, ())]
    rule_done = [d for d in decisions if d.changes == Changes.RULE and d.state == "done"]
    definition = NO_PAGE.format("Processes")
    owner = process.owner
    return [
        Check("owner", "The process has an owner", owner is not None,
              f"owned by {person_text(owner)}" if owner else "nobody owns it",
              where=NO_PAGE.format("Processes, its owner")),
        Check("goals_set", "3-5 goals set", 3 <= n_goals <= 5,
              f"{n_goals} active company goals",
              reverse("goal-list")),
        Check("goals_tied", "Every goal tied to a process", n_goals > 0 and not no_process,
              f"{len(no_process)} without a process" if no_process else f"{n_goals} tied",
              reverse("goal-list")),
        Check("statuses_defined", "Statuses and transition rules defined",
              len(statuses) >= 2 and any(s.final for s in statuses) and not stuck,
              f"{len(statuses)} statuses" + (f"; no move out of {', '.join(stuck)}" if stuck
                                             else ""),
              where=definition),
        Check("roles_set", "An executor and an accountable role at every non-final status",
              {RoleKind.EXECUTOR, RoleKind.ACCOUNTABLE} <= kinds and not unowned,
              (f"no executor's move out of {', '.join(unowned)}; " if unowned else "")
              + "granted: " + (", ".join(RoleKind(k).label.lower() for k in sorted(kinds))
                               or "none"),
              where=NO_PAGE.format("Process roles")),
        Check("block_reasons", "Block reasons defined", reasons > 0, f"{reasons} reasons",
              where=definition),
        Check("early_warning", "Early-warning (at-risk) SLAs set",
              bool(open_statuses) and not missing_sla,
              f"missing at {', '.join(missing_sla)}" if missing_sla else "every open status",
              where=NO_PAGE.format("SLA policies")),
        Check("rhythm", "A rhythm scheduled", bool(rhythms),
              ", ".join(r.get_level_display().lower() for r in rhythms)
              or "no review scheduled",
              where=NO_PAGE.format("Rhythms")),
        Check("pilot", f"Pilot cases run through the process ({PILOT_CARDS} finished)",
              finished >= PILOT_CARDS, f"{finished} finished cards", reverse("board")),
        Check("rules_updated", "Rules updated after the pilot (a rule-changing decision done)",
              bool(rule_done), f"{len(rule_done)} done", reverse("decision-list")),
    ]  # fmt: skip
