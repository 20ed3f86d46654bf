"""The demo's customer service: the service login, the roles, complaints about demo orders
(safe to repeat), and customer service's rhythm of reviews."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from processes.models import CardLink, RequestCard
from reviews.management.commands.seed_demo_reviews import service_rhythm
from reviews.models import Rhythm
from roles.permissions import role_map
from service.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_service_desk_and_complaints(service, _clock):
    _clock.move_to("2026-11-18T10:00:00Z")  # the demo's history ends on a weekday
    call_command("seed_demo", cards=60)
    users = get_user_model().objects.in_bulk(["service", "manager"], field_name="username")
    assert users["service"].check_password(settings.OPMODEL_DEMO_PASSWORD)
    assert role_map(users["service"]).may_act(service.pk, ["executor"])
    assert role_map(users["manager"]).may_act(service.pk, ["accountable"])
    complaints = Complaint.objects.count()
    assert complaints >= 3
    about_orders = CardLink.objects.filter(kind="complaint", target__process__slug="order-to-cash")
    assert about_orders.count() >= 3
    statuses = set(RequestCard.objects.filter(process=service).values_list("status", flat=True))
    assert "resolved" in statuses
    call_command("seed_demo", cards=60)  # again: nothing more
    assert Complaint.objects.count() == complaints


def test_customer_service_has_its_own_rhythm(service):
    service_rhythm()
    service_rhythm()
    rows = set(Rhythm.objects.filter(process=service).values_list("level", "weekday", "nth"))
    assert rows == {("daily", None, None), ("weekly", 4, None), ("monthly", 3, 1)}
