"""The designer's tests: order to cash (tests/conftest.py), bob its accountable (the designer),
alice its executor (a role holder who may not change the rules), charlie the outsider."""

from datetime import UTC, datetime

import pytest
import time_machine

from processes.models import DEFINITION_ROWS, Transition

# Wed 2026-10-14 12:00 UTC (14:00 in Berlin), inside order to cash's business hours.
CHANGED_AT = datetime(2026, 10, 14, 12, tzinfo=UTC)


@pytest.fixture
def at_change():
    with time_machine.travel(CHANGED_AT, tick=False) as traveller:
        yield traveller


def definition_rows(process) -> dict:
    """Every row of the definition as comparable values: nothing written means these match."""
    rows = {
        model.__name__: sorted(map(repr, model.objects.filter(process=process).values()))
        for model in DEFINITION_ROWS
    }
    rows["sources"] = sorted(
        Transition.sources.through.objects.filter(transition__process=process).values_list(
            "transition_id", "status_id"
        )
    )
    return rows


def design_post(client, url: str, data: dict, version: int = 0):
    return client.post(url, {"version": version, **data})
