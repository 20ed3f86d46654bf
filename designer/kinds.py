"""The kinds of rows the designer edits, each with its form and its words, by the slug in the
pages' addresses (/processes/<slug>/design/<kind>/...)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer import forms
from processes.models import BlockReason, ExceptionRule, SLAPolicy, Status, Transition


@dataclass(frozen=True)
class Kind:
    slug: str
    one: str  # "status": the page's words for one row
    model: type
    form: type[forms.DesignForm]
    order_by: tuple[str, ...]
    describe: Callable[[Any], str]  # one row in the page's words
    select: tuple[str, ...] = ()  # select_related of the designer's tables
    prefetch: tuple[str, ...] = ()

    def rows(self, process):
        return list(
            self.model.objects.filter(process=process)
            .select_related(*self.select)
            .prefetch_related(*self.prefetch)
            .order_by(*self.order_by)
        )


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind(
            "statuses",
            "status",
            Status,
            forms.StatusForm,
            ("order", "id"),
            lambda s: s.name,
            select=("stage_group",),
        ),
        Kind(
            "transitions",
            "move",
            Transition,
            forms.TransitionForm,
            ("order", "id"),
            lambda t: t.label,
            select=("target",),
            prefetch=("sources",),
        ),
        Kind(
            "sla",
            "SLA",
            SLAPolicy,
            forms.SLAPolicyForm,
            ("status__order", "priority", "id"),
            lambda p: f"of {p.status.name} ({p.priority or 'any priority'})",
            select=("status",),
        ),
        Kind(
            "block-reasons",
            "block reason",
            BlockReason,
            forms.BlockReasonForm,
            ("order", "id"),
            lambda b: b.name,
        ),
        Kind(
            "exception-rules",
            "exception rule",
            ExceptionRule,
            forms.ExceptionRuleForm,
            ("family", "level", "id"),
            lambda r: r.name,
            select=("guards",),
        ),
    )
}
