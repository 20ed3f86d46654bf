"""The demo reviews: the issue's mix, made through the services, safe to repeat."""

from django.core.management import call_command

from reviews.definitions import Effect
from reviews.models import Decision, Review, Rhythm
from reviews.selectors.effect import effects
from tests.reviews.conftest import TODAY


def test_seed_demo_reviews_is_safe_to_repeat(o2c):
    call_command("seed_demo", cards=40, verbosity=0)
    call_command("seed_demo_finance", verbosity=0)  # as scripts/run: paid cards move on
    call_command("metrics_backfill", verbosity=0)
    call_command("seed_demo_reviews", verbosity=0)
    call_command("seed_demo_reviews", verbosity=0)

    assert Rhythm.objects.filter(process=o2c).count() == 3  # customer service has its own
    weekly = Review.objects.filter(level="weekly")
    assert weekly.count() == 12  # Mondays 2026-09-07 .. 2026-11-23, all closed
    assert set(Review.objects.values_list("state", flat=True)) == {"closed"}
    assert list(Review.objects.filter(no_decision=True).values_list("level", flat=True)) == [
        "weekly"
    ]
    assert Review.objects.filter(level="monthly").count() == 2
    assert Review.objects.filter(level="daily").count() == 6  # Wed 18 Nov .. today (09:30)
    done = list(Decision.objects.filter(state="done"))
    late = [d for d in done if d.done_on_time is False]
    assert 0 < len(late) < len(done) / 2
    assert Decision.objects.filter(changes="rule", rule_kind="sla_policy", state="done").count()
    measured = {m.effect for m in effects(done, today=TODAY).values()}
    assert Effect.MOVED in measured and measured & {Effect.NO_CHANGE, Effect.WRONG_WAY}
