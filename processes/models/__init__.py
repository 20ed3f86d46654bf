"""The processes app's data, one concept a module; import the classes from here.

- definitions: a process as data (Process, Status, Transition, BlockReason);
- clients: clients and their segments (repeat sales);
- cards: the request card with its line items and documents;
- events: the card's append-only history;
- approvals: exception rules and approval requests;
- sla: SLA policies, whole-process targets and the clock's states;
- calendars: business calendars and their days off;
- links: links between cards (a purchase card and the order cards waiting for it);
- saved_views: a person's named filters of the board, queue and risks pages;
- versions: the rule history, one version per recorded change to a definition.
"""

from processes.models.approvals import (
    AD_HOC_FAMILY,
    CURRENT_STATUSES,
    RULE_FIELDS,
    ApprovalRequest,
    ApprovalStatus,
    ExceptionReason,
    ExceptionRule,
    Operator,
)
from processes.models.calendars import BusinessCalendar, Holiday
from processes.models.cards import (
    EDITABLE_CARD_FIELDS,
    Channel,
    Document,
    LineItem,
    PaymentTerms,
    Priority,
    RequestCard,
)
from processes.models.clients import Client, ClientSegment, ClientSegmentChange
from processes.models.definitions import (
    BlockReason,
    Process,
    StageAssignment,
    Status,
    StatusOutcome,
    Transition,
)
from processes.models.events import Event, EventKind
from processes.models.links import CardLink
from processes.models.saved_views import SavedView, SavedViewPage
from processes.models.sla import ProcessTarget, SLAPolicy, SLAState
from processes.models.versions import DefinitionVersion

# The rows a process's definition is made of, each keyed to its process: what a recorded change
# watches (processes/versions.py) and what the definition held in memory reloads on
# (processes/definition.py), written once so that a new kind of row is watched by both.
DEFINITION_ROWS = (Status, Transition, SLAPolicy, ProcessTarget, ExceptionRule, BlockReason)

__all__ = [
    "AD_HOC_FAMILY",
    "CURRENT_STATUSES",
    "DEFINITION_ROWS",
    "EDITABLE_CARD_FIELDS",
    "RULE_FIELDS",
    "ApprovalRequest",
    "ApprovalStatus",
    "BlockReason",
    "BusinessCalendar",
    "CardLink",
    "Channel",
    "Client",
    "ClientSegment",
    "ClientSegmentChange",
    "DefinitionVersion",
    "Document",
    "Event",
    "EventKind",
    "ExceptionReason",
    "ExceptionRule",
    "Holiday",
    "LineItem",
    "Operator",
    "PaymentTerms",
    "Priority",
    "Process",
    "ProcessTarget",
    "RequestCard",
    "SLAPolicy",
    "SLAState",
    "SavedView",
    "SavedViewPage",
    "Status",
    "StageAssignment",
    "StatusOutcome",
    "Transition",
]
