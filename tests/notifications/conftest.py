"""The alert team (tests/metrics/alerting.py) and the worker fixtures (tests/metrics/conftest.py)
serve the notifications tests too."""

from tests.metrics.alerting import card, dave, gina, raise_alerts, team  # noqa: F401
from tests.metrics.conftest import filesystem_broker, start_worker  # noqa: F401
