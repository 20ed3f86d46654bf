"""Demo goals of the distributor for the current half-year, with key results computed from the
stored weekly snapshots and the owner's check-ins over the past weeks. Safe to repeat: a goal
that exists (by title) is left as it is. Run after seed_demo and metrics_backfill."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from goals import services
from goals.models import Goal
from notifications.services import emails_withheld
from processes.models import Process

# The demo's cards cover the last 12 weeks: a period that began 8 weeks ago has its 4 baseline
# weeks in them, and 26 weeks make the half-year.
WEEKS_SINCE_START = 8
PERIOD_WEEKS = 26

GOALS = [
    (
        "Raise profitability without adding staff",
        "Margins erode through discounts given case by case; the same team should earn more.",
        "weekly",
        [
            ("average_margin", "target", lambda b: (b or 20) + 3),
            ("average_margin", "guardrail", lambda b: 12.0),  # the margin floor
        ],
    ),
    (
        "End the chaos in shipments",
        "Clients call to ask where their order is; deliveries slip without anyone noticing.",
        "weekly",
        [
            ("lead_time_p85", "target", lambda b: round((b or 14) * 0.7, 1)),
            ("on_time_share", "target", lambda b: min(1.0, round((b or 0.6) + 0.15, 2))),
        ],
    ),
    (
        "Grow repeat sales",
        "A client who orders twice stays for years; we hear from most only once.",
        "monthly",
        [
            ("repeat_requests", "target", lambda b: (b or 2) + 3),
            # Repeat orders a week (sales' figures): a fifth more than the baseline, and at least
            # one more (a small baseline rounded back to itself would be refused).
            ("repeat_orders", "target", lambda b: max(round((b or 10) * 1.2), (b or 0) + 1)),
        ],
    ),
    (
        "Be the customer's first choice",
        "Everyone agrees; nobody knows yet what it changes on Monday.",
        "",
        [],
    ),
]
COMMENTS = [
    "Early days: the first changes are in place.",
    "Moving, slower than hoped.",
    "On course after this week's review.",
    "A few large orders pulled it back.",
    "Steady.",
]


class Command(BaseCommand):
    help = "Create the demo goals with key results and check-ins (safe to repeat)."

    def execute(self, *args, **options):
        # A seeded history is not news: its notifications reach the inbox, never the mail (nor
        # the embedded broker's queue, ahead of the first deadline scan).
        with emails_withheld():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        try:
            process = Process.objects.get(slug="order-to-cash")
            manager = get_user_model().objects.get(username="manager")
        except (Process.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError("Run seed_demo first: no order to cash or no manager.") from exc
        now = timezone.now()
        today = timezone.localdate(now)
        monday = today - timedelta(days=today.weekday())
        starts_on = monday - timedelta(weeks=WEEKS_SINCE_START)
        ends_on = starts_on + timedelta(weeks=PERIOD_WEEKS, days=-1)
        rng = random.Random(12)
        made = 0
        for title, why, cadence, key_results in GOALS:
            if Goal.objects.filter(title=title).exists():
                continue
            with transaction.atomic():
                goal = services.goal_create(
                    actor=manager,
                    title=title,
                    why=why,
                    owner=manager if key_results else None,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    cadence=cadence,
                    processes=[process],
                    now=now,
                )
                for n, (metric, kind, target) in enumerate(key_results):
                    kr = self._key_result(
                        manager, goal, process, metric, kind, target, ends_on, now
                    )
                    # Weekly check-ins since the start; the last goal's owner fell behind.
                    stop = 3 if title == "Grow repeat sales" else 1
                    for week in range(WEEKS_SINCE_START, stop - 1, -1):
                        services.check_in_create(
                            actor=manager,
                            key_result=kr,
                            confidence=max(0, min(10, 5 + rng.randint(-2, 3) + n)),
                            comment=rng.choice(COMMENTS),
                            now=now - timedelta(weeks=week, hours=rng.randint(0, 30)),
                        )
            made += 1
        seed_demo_goal_tree(manager=manager, starts_on=starts_on, ends_on=ends_on, now=now)
        self.stdout.write(self.style.SUCCESS(f"Created {made} demo goal(s)."))

    def _key_result(self, manager, goal, process, metric, kind, target, ends_on, now):
        """A target set from the baseline the stored weeks give, read as the service reads it."""
        from goals.definitions import baseline_weeks
        from goals.models import KeyResult
        from goals.services import history

        probe = KeyResult(goal=goal, process=process, metric=metric, dimension="")
        figures = history.Figures(
            process_id=process.pk, weeks=baseline_weeks(goal.starts_on), key_results=[probe]
        )
        base, _ = history.baseline(probe, figures, goal.starts_on)
        return services.key_result_create(
            actor=manager,
            goal=goal,
            process=process,
            metric=metric,
            kind=kind,
            target=target(base),
            deadline=ends_on if kind == "target" else None,
            now=now,
        )


COMPANY_GOAL = (
    "Grow profitably with the clients we have",
    "The company's goal for the half-year; the process goals below it say how order to cash "
    "serves it.",
)
SERVING = ["Raise profitability without adding staff", "End the chaos in shipments",
           "Grow repeat sales"]  # fmt: skip


def seed_demo_goal_tree(*, manager, starts_on, ends_on, now) -> None:
    """The goal tree (goals/selectors/tree.py): a company goal of no process that three demo
    goals serve; "Be the customer's first choice" stays on its own, so model health shows a
    process goal serving none. Safe to repeat: a goal that already has a parent keeps it."""
    title, why = COMPANY_GOAL
    company = Goal.objects.filter(title=title).first()
    if company is None:
        company = services.goal_create(
            actor=manager, title=title, why=why, owner=manager, starts_on=starts_on,
            ends_on=ends_on, cadence="monthly", processes=[], state="draft", now=now,
        )  # fmt: skip
    for goal in Goal.objects.filter(title__in=SERVING, parent__isnull=True):
        services.goal_update(actor=manager, goal=goal, changes={"parent": company}, now=now)
    if company.state == "draft":  # active once the others serve it: within the five
        services.goal_update(actor=manager, goal=company, changes={"state": "active"}, now=now)
