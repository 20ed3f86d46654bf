"""What apps above processes add to a process's summary (GET /api/processes/, the processes page):
the goals it serves, its headline figures. processes never imports them (docs/design.md,
"Architecture": extension points instead of upward imports); they register a provider at start-up.

A provider takes the processes shown and answers {process id: value} in a fixed number of
queries; a process it says nothing about gets the provider's `empty` value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Provider = Callable[[list], dict[int, Any]]
_providers: dict[str, tuple[Provider, Callable[[], Any]]] = {}


def register_process_summary(key: str, provider: Provider, *, empty: Callable[[], Any]) -> None:
    """Register (or replace: ready() may run twice in tests) the provider of `key`."""
    _providers[key] = (provider, empty)


SUMMARY_KEYS = ("goals", "headline")  # what the processes list and page show


def process_summaries(
    processes: Iterable, keys: Iterable[str] = SUMMARY_KEYS
) -> dict[int, dict[str, Any]]:
    """The registered figures `keys` of each process ({process id: {key: value}}); keys no app
    registered are left out. Each provider runs once for all the processes."""
    processes = list(processes)
    chosen = {key: _providers[key] for key in keys if key in _providers}
    answers = {key: provider(processes) for key, (provider, _) in chosen.items()}
    return {
        process.pk: {
            key: answers[key].get(process.pk, empty()) for key, (_, empty) in chosen.items()
        }
        for process in processes
    }


def process_summary(key: str, processes: Iterable) -> dict[int, Any]:
    """One registered figure for the processes ({} when no app registered it): for pages that
    show one (the board shows the service level expectation)."""
    if key not in _providers:
        return {}
    provider, empty = _providers[key]
    processes = list(processes)
    answer = provider(processes)
    return {process.pk: answer.get(process.pk, empty()) for process in processes}
