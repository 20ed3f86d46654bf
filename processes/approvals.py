"""Transitional: the approval models moved to processes/models/approvals.py (issue 10).

metrics/flow.py and two tests under tests/metrics still import ExceptionRule and ApprovalRequest
from here; they belong to other branches of issue 10. Point them at `processes.models` when the
branches are merged, then delete this module.
"""

from processes.models import ApprovalRequest, ExceptionRule

__all__ = ["ApprovalRequest", "ExceptionRule"]
