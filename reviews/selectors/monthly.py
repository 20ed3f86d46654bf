"""The monthly review's agenda: the rules with what they cost, goals' states and the decisions
whose effect is due for a look."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from metrics.flow import week_shift
from metrics.weeks import last_complete_week
from opmodel.formatting import day_text, person_text
from processes.calendars import process_zone
from processes.models import ApprovalRequest, ApprovalStatus, ExceptionRule, SLAPolicy
from processes.versions import BASELINE
from reviews import figures
from reviews.definitions import (
    EFFECT_WEEKS,
    Changes,
    DecisionState,
    Effect,
    Level,
    ReviewState,
    effect_ready_on,
)
from reviews.models import Decision, Review
from reviews.selectors.agendas import figure_rows, goal_items, item, open_cards, section
from reviews.selectors.effect import effects, pivot_day
from reviews.selectors.exceptions import ad_hoc_exception_items
from reviews.selectors.versions import decisions_of_versions, rule_changes_since
from roles.models import ProcessRole, RoleKind

RULE_DAYS = 28  # rules' costs are counted over the last four weeks


def _admin(model: str, pk: int) -> str:
    return reverse(f"admin:processes_{model}_change", args=[pk])


def sla_items(process, *, now: datetime) -> list[dict]:
    week = last_complete_week(process, now)
    weeks = [week_shift(week, -k) for k in range(EFFECT_WEEKS)]
    rows = figure_rows(process, weeks, [figures.BREACHES_BY_STATUS, figures.VISITS_BY_STATUS])
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for _, metric, status, value in rows:
        sums[(metric, status)] += value or 0
    out = []
    policies = SLAPolicy.objects.filter(process=process).select_related("status")
    for policy in policies.order_by("status__order", "priority", "id"):
        slug = policy.status.slug
        visits = sums.get((figures.VISITS_BY_STATUS, slug), 0)
        breaches = sums.get((figures.BREACHES_BY_STATUS, slug), 0)
        rate = breaches / visits if visits else None
        hours = policy.allowance_minutes / 60
        out.append(
            item(
                f"sla_policy:{policy.pk}",
                f"{policy.status.name}"
                + (f", {policy.priority}" if policy.priority else "")
                + f": {hours:g} business hours",
                f"breach rate {rate * 100:.0f}% ({breaches:g} of {visits:g} visits, last 4 weeks)"
                if rate is not None
                else "no visits ended in the last 4 weeks",
                _admin("slapolicy", policy.pk),
                "worse" if rate and rate > 0.1 else "",
            )
        )
    return out


def exception_items(process, *, now: datetime) -> list[dict]:
    since = now - timedelta(days=RULE_DAYS)
    rows = ApprovalRequest.objects.filter(card__process=process, requested_at__gte=since)
    stats: dict[int, dict] = defaultdict(lambda: {"n": 0, "approved": 0, "decided": 0, "wait": []})
    for rule_id, status, requested, decided in rows.values_list(
        "rule_id", "status", "requested_at", "decided_at"
    ):
        s = stats[rule_id]
        s["n"] += 1
        if decided is not None:
            s["decided"] += 1
            s["approved"] += status == ApprovalStatus.APPROVED
            s["wait"].append((decided - requested).total_seconds() / 3600)
    out = []
    for rule in ExceptionRule.objects.filter(process=process).order_by("family", "level", "id"):
        s = stats.get(rule.pk, {"n": 0, "approved": 0, "decided": 0, "wait": []})
        rate = f"{s['approved'] / s['decided'] * 100:.0f}%" if s["decided"] else "–"
        wait = f"{sum(s['wait']) / len(s['wait']):.1f} h" if s["wait"] else "–"
        out.append(
            item(
                f"exception_rule:{rule.pk}",
                rule.name,
                f"{s['n']} requests in {RULE_DAYS} days, approved {rate}, average wait {wait}",
                _admin("exceptionrule", rule.pk),
            )
        )
    return out


def grant_items(process) -> list[dict]:
    grants = ProcessRole.objects.filter(process_id=process.pk).values_list(
        "pk", "kind", "authority", "user__username", "group__name", "user_id", "group__user__id"
    )
    people: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    full_names = {
        u.pk: person_text(u)
        for u in get_user_model().objects.filter(
            pk__in=ProcessRole.objects.filter(process_id=process.pk).values("user_id")
        )
    }
    for pk, kind, authority, username, group, user_id, member_id in grants:
        who = full_names.get(user_id) or username or group
        names[pk] = f"{RoleKind(kind).label}{f' ({authority})' if authority else ''}: {who}"
        for holder in (user_id, member_id):
            if holder is not None:
                people[pk].add(holder)
    load = dict(
        open_cards(process)
        .filter(responsible__isnull=False)
        .values_list("responsible_id")
        .annotate(n=Count("id"))
        .values_list("responsible_id", "n")
    )
    out = []
    for pk in sorted(names, key=lambda k: names[k]):
        holders = people.get(pk, set())
        cards = sum(load.get(u, 0) for u in holders)
        per = f"{cards / len(holders):.1f}" if holders else "–"
        out.append(
            item(
                f"role_grant:{pk}",
                names[pk],
                f"{len(holders)} people, {cards} open cards, {per} per person",
                reverse("admin:roles_processrole_change", args=[pk]),
            )
        )
    return out


def effect_due(process, *, today: date) -> list[Decision]:
    """Done decisions with a metric whose weeks after are complete and that no monthly review
    has looked at yet."""
    done = (
        Decision.objects.filter(
            process=process,
            state=DecisionState.DONE,
            effect_reviewed_in__isnull=True,
            closed_on__isnull=False,
        )
        .exclude(expected="")
        .select_related("owner", "key_result", "version", "process__calendar")
    )
    return [d for d in done if d.tracks_metric and effect_ready_on(pivot_day(d)) <= today]


def effect_items(process, *, today: date) -> list[dict]:
    due = effect_due(process, today=today)
    measured = effects(due, today=today)
    tones = {Effect.MOVED: "better", Effect.WRONG_WAY: "worse", Effect.NO_CHANGE: "warn"}
    out = []
    for d in due:
        m = measured.get(d.pk)
        label = m.label if m else Effect(Effect.NO_DATA).label
        rule = " (changed a rule)" if d.changes == Changes.RULE else ""
        entry = item(
            f"effect:{d.pk}",
            f"{d.text}{rule}",
            f"{label}: done {day_text(d.closed_on)}; {d.expectation_text}",
            reverse("decision-list") + "?state=done",
            tones.get(m.effect if m else "", ""),
        )
        entry["effect"] = m.effect if m else Effect.NO_DATA
        out.append(entry)
    return out


def rule_change_items(process, *, now: datetime, today: date) -> list[dict]:
    """The versions of the definition written since the last monthly review closed (all of
    them before the first), oldest first: who changed what, and the decision it carried out."""
    since = (
        Review.objects.filter(
            process=process, level=Level.MONTHLY, state=ReviewState.CLOSED, held_on__lt=today
        )
        .order_by("-held_on")
        .values_list("closed_at", flat=True)
        .first()
    )
    versions = rule_changes_since(process, since, now)
    linked = decisions_of_versions([v.pk for v in versions])
    zone = process_zone(process)
    out = []
    for v in versions:
        if v.changes == [BASELINE]:
            continue  # the record of the definition as it stood, not a change
        who = person_text(v.by) if v.by_id else "outside the recorded paths"
        decision = linked.get(v.pk)
        out.append(
            item(
                f"version:{v.pk}",
                f"Version {v.number}: " + "; ".join(v.changes),
                f"{day_text(v.at.astimezone(zone).date())}, by {who}; "
                + (f"carried out decision #{decision}" if decision else "no decision linked"),
                reverse("decision-list") if decision else "",
            )
        )
    return out


def monthly(process, *, now: datetime, today: date) -> list[dict]:
    return [
        section(
            "rule_changes",
            "Rule changes since the last monthly review",
            rule_change_items(process, now=now, today=today),
        ),
        section("sla_policies", "SLA policies and their breach rate", sla_items(process, now=now)),
        section(
            "exception_rules",
            "Exception rules: volume, approval rate, waiting time",
            exception_items(process, now=now),
        ),
        section(
            "ad_hoc_exceptions",
            "Exceptions no rule foresees, by reason: a frequent one can become a rule",
            ad_hoc_exception_items(process, now=now, days=RULE_DAYS),
        ),
        section("role_grants", "Role grants and load per person", grant_items(process)),
        section("goals", "Goals' states", goal_items(process, today)),
        section(
            "effects",
            "Decisions whose effect is due for a look",
            effect_items(process, today=today),
        ),
    ]
