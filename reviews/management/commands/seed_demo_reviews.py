"""Demo rhythm of order to cash: 12 weeks of weekly reviews with decisions (most done on time,
some late, one whose effect showed and one whose did not), the last week's daily reviews, two
monthly reviews (one changing an SLA policy), run by the owner as the monthly rhythm's
facilitator (the approvers: the top team), and one review with no decision. Each review ticks
what it discussed, notes its first item and records who attended. Safe to repeat:
nothing is added once the process has reviews. Run after seed_demo, metrics_backfill and
seed_demo_goals."""

from datetime import UTC, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from metrics.catalogue import METRICS
from notifications.services import emails_withheld
from processes.calendars import process_calendar
from processes.models import Process, SLAPolicy
from reviews.definitions import Effect, effect_ready_on
from reviews.models import Decision, Review, Rhythm
from reviews.selectors.effect import effects
from reviews.selectors.rhythm import slot_at, slot_days
from reviews.services.decisions import decision_done, decision_make
from reviews.services.reviews import compute_agenda, review_close, review_open
from roles.models import RoleKind

WEEKLY_DECISIONS = [
    "Call every client whose order waits for stock longer than two days",
    "Price requests from the website within one business day",
    "Ask finance to decide deferred terms in the morning round",
    "Move the reserve check before pricing",
    "Review discounts over 15% with the owner on Fridays",
    "Send the shipment date with every agreed order",
]


# Customer service's rhythm (issue 26; the process comes from service's migration 0002): the
# complaints at risk each morning, the quality figures on Thursdays, the rules on the first
# Wednesday of the month with the approvers. (level, local time, weekday, nth, facilitator)
SERVICE_RHYTHM = [
    ("daily", time(9, 15), None, None, RoleKind.ACCOUNTABLE),
    ("weekly", time(11), 4, None, RoleKind.ACCOUNTABLE),
    ("monthly", time(11), 3, 1, RoleKind.APPROVER),
]


def service_rhythm() -> None:
    """Customer service's rhythm, kept as written (safe to repeat); nothing without it."""
    process = Process.objects.filter(slug="customer-service").first()
    if process is None:
        return
    for level, at, weekday, nth, facilitator in SERVICE_RHYTHM:
        Rhythm.objects.update_or_create(
            process=process,
            level=level,
            defaults={"time_of_day": at, "weekday": weekday, "nth": nth,
                      "facilitator_kind": facilitator},
        )  # fmt: skip


class Command(BaseCommand):
    help = "Create the demo rhythm, reviews and decisions (safe to repeat)."

    def execute(self, *args, **options):
        # A seeded history is not news: its notifications reach the inbox, never the mail (nor
        # the embedded broker's queue, ahead of the first deadline scan).
        with emails_withheld():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        users = get_user_model().objects.in_bulk(["ops", "manager", "owner"], field_name="username")
        try:
            process = Process.objects.get(slug="order-to-cash")
            self.manager, self.ops, self.owner = users["manager"], users["ops"], users["owner"]
        except (Process.DoesNotExist, KeyError) as exc:
            raise CommandError("Run seed_demo first: no order to cash or no demo users.") from exc
        service_rhythm()  # customer service's own rhythm (issue 26), whatever the reviews
        if Review.objects.filter(process=process).exists():
            self.stdout.write("Demo reviews exist already: nothing added.")
            return
        self.process = process
        self.wt = process_calendar(process).working_time()
        now = self.now = timezone.now()
        today = now.astimezone(self.wt.tz).date()
        rhythms = {
            "daily": Rhythm(process=process, level="daily", time_of_day=time(9, 30)),
            "weekly": Rhythm(process=process, level="weekly", time_of_day=time(10), weekday=1),
            # The rules are the top team's: the owner (an approver) runs the monthly review.
            "monthly": Rhythm(
                process=process, level="monthly", time_of_day=time(10), weekday=2, nth=1,
                facilitator_kind=RoleKind.APPROVER,
            ),
        }  # fmt: skip
        for rhythm in rhythms.values():
            Rhythm.objects.update_or_create(
                process=process,
                level=rhythm.level,
                defaults={"time_of_day": rhythm.time_of_day, "weekday": rhythm.weekday,
                          "nth": rhythm.nth, "facilitator_kind": rhythm.facilitator_kind},
            )  # fmt: skip
        first = today - timedelta(weeks=12)
        weekly = [d for d in slot_days(rhythms["weekly"], self.wt, first, today) if d < today]
        measured = []
        for n, day in enumerate(weekly):
            at = slot_at(rhythms["weekly"], self.wt, day)
            if n == 5:
                self._review("weekly", day, at, [])  # the review with no decision
                continue
            late = n % 4 == 3
            open_still = day >= today - timedelta(days=7)
            tracked = n in (1, 2)  # eight or more weeks ago: their effect is measurable
            decision = {
                "text": WEEKLY_DECISIONS[n % len(WEEKLY_DECISIONS)],
                "owner": self.ops if n % 3 else self.manager,
                "due_on": day + timedelta(days=7),
                "late": late,
                "open": open_still,
            }
            if tracked:
                decision.update(metric="lead_time_p85", expected="down")
            review = self._review("weekly", day, at, [decision])
            if tracked:
                measured.append(review.decisions.get())
        self._tune_effects(measured, today)
        for day in slot_days(rhythms["daily"], self.wt, today - timedelta(days=7), today):
            at = slot_at(rhythms["daily"], self.wt, day)
            if at >= now:
                continue
            self._review("daily", day, at, [{
                "text": "Unblock the oldest blocked card today", "owner": self.ops,
                "due_on": day + timedelta(days=1), "late": False,
                "open": day == today,
            }])  # fmt: skip
        policy = SLAPolicy.objects.filter(process=process).order_by("id").first()
        monthly = slot_days(rhythms["monthly"], self.wt, today - timedelta(days=70), today)
        for n, day in enumerate([d for d in monthly if d < today][-2:]):
            at = slot_at(rhythms["monthly"], self.wt, day)
            decision = {
                "text": "Keep the exception thresholds as they are",
                "owner": self.manager,
                "due_on": day + timedelta(days=14),
                "late": False,
                "open": False,
            }
            if n == 0 and policy is not None:
                decision.update(
                    text=f"Shorten the SLA of {policy.status.name} after the pilot",
                    changes="rule", rule_kind="sla_policy", rule_id=policy.pk,
                )  # fmt: skip
            self._review("monthly", day, at, [decision], actor=self.owner)
        count = Review.objects.filter(process=process).count()
        self.stdout.write(self.style.SUCCESS(f"Created {count} demo reviews."))

    def _review(self, level, day, at, decisions, actor=None) -> Review:
        actor = actor or self.manager
        with transaction.atomic():
            review = review_open(
                actor=actor, process=self.process, level=level, held_on=day, now=at
            )
            for spec in decisions:
                spec = dict(spec)
                late, still_open = spec.pop("late"), spec.pop("open")
                decision = decision_make(actor=actor, review=review, now=at, **spec)
                if not still_open:
                    due = datetime.combine(decision.due_on, time(15), tzinfo=self.wt.tz)
                    done_at = (due + timedelta(days=2 if late else -1)).astimezone(UTC)
                    if done_at > self.now:
                        continue  # not done yet
                    decision_done(
                        actor=decision.owner,
                        decision=decision,
                        now=done_at,
                        note="Done as agreed." if not late else "Done, late.",
                        # The demo's rule change predates its process's rule history.
                        no_version_reason="Changed in the admin before the rule history began."
                        if decision.changes == "rule"
                        else "",
                    )
            # The meeting went through each section but its last item, which carries over.
            sections = compute_agenda(review, now=at)["sections"]
            discussed = [i["key"] for sec in sections for i in sec["items"][:-1]]
            first = next((sec["items"][0] for sec in sections if sec["items"]), None)
            notes = {first["key"]: "Looked at it together; see the decision."} if first else {}
            attendees = [actor, self.manager, self.ops]
            return review_close(
                actor=actor, review=review, notes=notes, discussed=discussed,
                attendees=sorted({u.pk for u in attendees}), now=at + timedelta(minutes=30),
            )  # fmt: skip

    def _tune_effects(self, decisions, today) -> None:
        """Point the two tracked decisions at metrics that show one effect and one none, among
        the demo's own weekly figures (so the demo shows both answers)."""
        # Each metric in the direction the catalogue calls better.
        candidates = [(key, m.better) for key, m in METRICS.items() if m.figure]
        wanted = [Effect.MOVED, Effect.NO_CHANGE]
        for decision, goal in zip(decisions, wanted, strict=False):
            if decision.closed_on is None or effect_ready_on(decision.closed_on) > today:
                continue
            for key, direction in candidates:  # one query each, on a dozen metrics
                decision.metric, decision.expected = key, direction
                found = effects([decision], today=today).get(decision.pk)
                if found and found.effect == goal:
                    Decision.objects.filter(pk=decision.pk).update(metric=key, expected=direction)
                    break
