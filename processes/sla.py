"""The card's SLA clock (the policies and targets it runs against are in models/sla.py).

The clock is a handful of denormalized columns on the card, kept by the services in the same
transaction as the move that changes them:
- `sla_allowance`: business seconds the current status visit may take (null: no policy);
- `sla_consumed`: business seconds used while the clock ran, up to `sla_resumed_at`;
- `sla_resumed_at`: when the clock last started running (null while paused: blocked, or in a
  status that waits on the customer);
- `due_at` / `at_risk_at`: the instants the allowance / the at-risk share run out if the clock
  keeps running (null while paused or without a policy; a deadline already passed stays, paused
  or not). The deadline scan reads only these.
Pausing adds the business time used so far to `sla_consumed`; resuming computes new instants
from what is left, so a pause pushes the deadline out by exactly the paused business time.
"""

from dataclasses import dataclass
from datetime import datetime

from processes.business_time import WorkingTime
from processes.calendars import working_time_for
from processes.deadlines import sourced_deadline
from processes.definition import process_definition
from processes.models import ProcessTarget, SLAPolicy, SLAState


def policy_for(card, status) -> SLAPolicy | None:
    return process_definition(card.process).sla_policy(status.pk, card.priority)


@dataclass(frozen=True)
class Clock:
    """One SLA clock kept in six card columns; the card has two: its status visit's and the
    whole-process target's."""

    allowance: str
    consumed: str
    percent: str
    resumed_at: str
    due_at: str
    at_risk_at: str

    @property
    def fields(self) -> list[str]:
        return [
            self.allowance,
            self.consumed,
            self.percent,
            self.resumed_at,
            self.due_at,
            self.at_risk_at,
        ]

    def _get(self, card, name):
        return getattr(card, getattr(self, name))

    def _set(self, card, name, value):
        setattr(card, getattr(self, name), value)

    def set_instants(self, card, wt: WorkingTime, now: datetime) -> None:
        allowance = self._get(card, "allowance")
        consumed = self._get(card, "consumed")
        passed = self._get(card, "due_at")
        if allowance is not None and consumed >= allowance and passed and passed <= now:
            # The deadline has passed: it stays the instant it passed, through a pause and a
            # resume, so that the history (and the breaches counted by week) keep it.
            passed_at = passed
        else:
            passed_at = None
        if allowance is None or self._get(card, "resumed_at") is None:
            self._set(card, "due_at", passed_at)
            self._set(card, "at_risk_at", None)
            return
        left = allowance - consumed
        risk_left = allowance * self._get(card, "percent") / 100 - consumed
        self._set(card, "due_at", wt.add(now, left) if left > 0 else passed_at or now)
        self._set(card, "at_risk_at", wt.add(now, risk_left) if risk_left > 0 else now)

    def start(self, card, *, allowance, percent, paused: bool, wt, now) -> None:
        self._set(card, "allowance", allowance)
        self._set(card, "percent", percent)
        self._set(card, "consumed", 0)
        self._set(card, "resumed_at", None if paused or allowance is None else now)
        self.set_instants(card, wt, now)

    def start_until(self, card, *, deadline: datetime, percent, paused: bool, wt, now) -> None:
        """A visit whose deadline is an instant given from outside (processes/deadlines.py): the
        allowance is the business time until then, and the deadline is that very instant, not
        the end of the last business hour before it (a due date falls due at midnight)."""
        allowance = wt.between(now, deadline) if deadline > now else 0
        self.start(card, allowance=allowance, percent=percent, paused=paused, wt=wt, now=now)
        if self._get(card, "resumed_at") is not None:
            self._set(card, "due_at", deadline)

    def stop(self, card) -> None:
        for name in ("allowance", "resumed_at", "due_at", "at_risk_at"):
            self._set(card, name, None)

    def pause(self, card, wt, now) -> None:
        resumed_at = self._get(card, "resumed_at")
        if resumed_at is None:
            return
        self._set(card, "consumed", self._get(card, "consumed") + wt.between(resumed_at, now))
        self._set(card, "resumed_at", None)
        self.set_instants(card, wt, now)

    def resume(self, card, wt, now) -> None:
        if self._get(card, "allowance") is None or self._get(card, "resumed_at") is not None:
            return
        self._set(card, "resumed_at", now)
        self.set_instants(card, wt, now)

    def change_allowance(self, card, *, allowance, percent, paused: bool, wt, now) -> None:
        """A new allowance (another priority); the business time used so far stays used. A
        deadline that has passed stays passed: the change moves only one still ahead."""
        if self.state(card, now) == SLAState.BREACHED:
            return
        self.pause(card, wt, now)
        self._set(card, "allowance", allowance)
        self._set(card, "percent", percent)
        if allowance is not None and not paused:
            self._set(card, "resumed_at", now)
        self.set_instants(card, wt, now)

    def state(self, card, now: datetime) -> str | None:
        """On track, at risk or breached, from the columns alone (no calendar, no query).
        Breached means after the deadline: at its very instant a card is still on time."""
        allowance = self._get(card, "allowance")
        if allowance is None:
            return None
        if self._get(card, "resumed_at") is not None:
            if now > self._get(card, "due_at"):
                return SLAState.BREACHED
            if now >= self._get(card, "at_risk_at"):
                return SLAState.AT_RISK
            return SLAState.ON_TRACK
        consumed = self._get(card, "consumed")
        if consumed > allowance:
            return SLAState.BREACHED
        if consumed * 100 >= allowance * self._get(card, "percent"):
            return SLAState.AT_RISK
        return SLAState.ON_TRACK


STATUS_CLOCK = Clock(
    "sla_allowance", "sla_consumed", "sla_at_risk_percent", "sla_resumed_at", "due_at", "at_risk_at"
)
TARGET_CLOCK = Clock(
    "target_allowance",
    "target_consumed",
    "target_at_risk_percent",
    "target_resumed_at",
    "target_due_at",
    "target_at_risk_at",
)


def target_for(card) -> "ProcessTarget | None":
    return process_definition(card.process).target(card.priority)


def _terms(rule, final: bool = False) -> dict:
    """The allowance (seconds) and at-risk share a policy or target gives; none without one."""
    if rule is None or final:
        return {"allowance": None, "percent": 75}
    return {"allowance": rule.allowance_minutes * 60, "percent": rule.at_risk_percent}


def _paused(card, status) -> bool:
    return card.is_blocked or status.waiting_on_customer


def _target_reached(target, status) -> bool:
    return status.final or status.order >= target.target_status.order


def sla_start(card, status, now: datetime) -> None:
    """A new card: the status clock and the whole-process target clock start."""
    wt = working_time_for(card.process)
    card.sla_visit = 0
    sla_enter_status(card, status, now, wt=wt)
    target = target_for(card)
    TARGET_CLOCK.start(
        card,
        **_terms(target),
        paused=_paused(card, status),
        wt=wt,
        now=now,
    )


def sla_enter_status(card, status, now: datetime, wt: WorkingTime | None = None) -> None:
    """A new visit of `status` starts: a fresh allowance from its policy. The target clock
    stops once the card reaches the target status (or finishes) and pauses in waiting ones."""
    wt = wt or working_time_for(card.process)
    policy = policy_for(card, status)
    card.sla_visit = (card.sla_visit or 0) + 1
    deadline = sourced_deadline(card, status, now)
    if deadline is not None:
        STATUS_CLOCK.start_until(
            card,
            deadline=deadline,
            percent=_terms(policy)["percent"],
            paused=_paused(card, status),
            wt=wt,
            now=now,
        )
    else:
        STATUS_CLOCK.start(
            card,
            **_terms(policy, final=status.final),
            paused=_paused(card, status),
            wt=wt,
            now=now,
        )
    if card.target_allowance is None:
        return
    target = target_for(card)
    if target is None or _target_reached(target, status):
        TARGET_CLOCK.stop(card)
    elif _paused(card, status):
        TARGET_CLOCK.pause(card, wt, now)
    else:
        TARGET_CLOCK.resume(card, wt, now)


def sla_pause(card, now: datetime) -> None:
    if card.sla_resumed_at is None and card.target_resumed_at is None:
        return  # both clocks already stand: no calendar needed
    wt = working_time_for(card.process)
    STATUS_CLOCK.pause(card, wt, now)
    TARGET_CLOCK.pause(card, wt, now)


def sla_resume(card, status, now: datetime) -> None:
    if _paused(card, status):
        return
    wt = working_time_for(card.process)
    STATUS_CLOCK.resume(card, wt, now)
    TARGET_CLOCK.resume(card, wt, now)


def sla_reprioritize(card, status, now: datetime) -> None:
    """A new priority may have other allowances; the business time used so far stays used."""
    wt = working_time_for(card.process)
    policy = policy_for(card, status)
    if not status.deadline_source:  # a sourced deadline does not depend on the priority
        STATUS_CLOCK.change_allowance(
            card,
            **_terms(policy, final=status.final),
            paused=_paused(card, status),
            wt=wt,
            now=now,
        )
    if card.target_allowance is None:
        return  # reached, or no target when the card started
    target = target_for(card)
    TARGET_CLOCK.change_allowance(
        card,
        **_terms(target),
        paused=_paused(card, status),
        wt=wt,
        now=now,
    )


def sla_state(card, now: datetime) -> str | None:
    return STATUS_CLOCK.state(card, now)


def target_state(card, now: datetime) -> str | None:
    return TARGET_CLOCK.state(card, now)


# The card columns the clock keeps; a service that saves with update_fields includes these.
SLA_FIELDS = ["sla_visit", *STATUS_CLOCK.fields, *TARGET_CLOCK.fields]
