"""The demo asks a few exceptions no rule foresees (processes/management/demo_exceptions.py):
decided by the owner but the latest, counted by reason; seeding again adds none."""

from collections import Counter

from django.core.management import call_command

from processes.models import AD_HOC_FAMILY, ApprovalRequest, ApprovalStatus


def test_the_demo_has_exceptions_no_rule_foresees(o2c):
    call_command("seed_demo", cards=40, verbosity=0)
    call_command("seed_demo", cards=40, verbosity=0)
    ad_hoc = list(ApprovalRequest.objects.filter(family=AD_HOC_FAMILY))
    assert Counter((r.reason, r.status) for r in ad_hoc) == {
        ("payment", ApprovalStatus.APPROVED): 3,
        ("payment", ApprovalStatus.PENDING): 1,
        ("delivery", ApprovalStatus.APPROVED): 2,
        ("stock", ApprovalStatus.REJECTED): 1,
        ("documents", ApprovalStatus.APPROVED): 1,
    }
    assert {r.requested_by.username for r in ad_hoc} == {"ops"}
    assert {r.decided_by.username for r in ad_hoc if r.decided_by} == {"owner"}
