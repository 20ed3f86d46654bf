"""The demo's repeat sales: segments, account managers and four quiet clients' reactivations
(won with its order linked, lost, contacted, to contact), called by seed_demo; safe to repeat."""

import pytest
from django.core.management import call_command

from processes.models import CardLink, Client, ClientSegment
from sales.models import Reactivation

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_segments_managers_and_reactivations(o2c, reactivation):
    call_command("seed_demo", cards=40, verbosity=0)
    assert dict(ClientSegment.objects.values_list("name", "order_interval_days")) == {
        "Key accounts": 14,
        "Regular": 30,
        "Occasional": 60,
    }
    ordering = Client.objects.filter(cards__process=o2c).distinct()
    assert not ordering.filter(segment=None).exists()
    assert not ordering.filter(account_manager=None).exists()
    quiet = {
        r.client.name: r
        for r in Reactivation.objects.select_related("card", "client").filter(
            client__name__in=[
                "Falcon Roofing", "Ivy Interiors", "Juniper Garden Centre", "Cedar Joinery",
            ]
        )
    }  # fmt: skip
    assert {name: r.card.status for name, r in quiet.items()} == {
        "Falcon Roofing": "lost",
        "Ivy Interiors": "won",
        "Juniper Garden Centre": "contacted",
        "Cedar Joinery": "to_contact",
    }
    ivy = quiet["Ivy Interiors"]
    assert CardLink.objects.filter(source=ivy.card, target=ivy.order_card, kind="reactivation")
    assert all(r.card.responsible.username == "ops" for r in quiet.values())
    count = Reactivation.objects.count()
    call_command("seed_demo", cards=40, verbosity=0)
    assert Reactivation.objects.count() == count
