"""The kinds of rows the designer edits, each with its form and its words, by the slug in the
pages' addresses (/processes/<slug>/design/<kind>/...)."""

from __future__ import annotations

from dataclasses import dataclass

from designer import forms
from processes.models import BlockReason, ExceptionRule, SLAPolicy, Status, Transition


@dataclass(frozen=True)
class Kind:
    slug: str
    one: str  # "status": the page's words for one row
    model: type
    form: type[forms.DesignForm]
    order_by: tuple[str, ...]


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("statuses", "status", Status, forms.StatusForm, ("order", "id")),
        Kind("transitions", "move", Transition, forms.TransitionForm, ("order", "id")),
        Kind("sla", "SLA", SLAPolicy, forms.SLAPolicyForm, ("status__order", "priority", "id")),
        Kind("block-reasons", "block reason", BlockReason, forms.BlockReasonForm, ("order", "id")),
        Kind(
            "exception-rules",
            "exception rule",
            ExceptionRule,
            forms.ExceptionRuleForm,
            ("family", "level", "id"),
        ),
    )
}
