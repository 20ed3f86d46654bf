"""Effects a transition may have, by name: what a move also does, inside the move's transaction.

Transition definitions (data) name them in `effects`; apps above processes implement them and
register them with `effect_register` in their AppConfig.ready (docs/design.md, "Architecture":
processes never imports those apps). An effect may refuse the move by raising one of the processes
errors; the whole move is then rolled back.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Effect:
    name: str
    label: str
    run: Callable[..., None]  # run(card=, actor=, now=, transition=)


EFFECTS: dict[str, Effect] = {}


def effect_register(*, name: str, label: str, run: Callable[..., None]) -> None:
    """Offer a named effect to every process (called once, at start-up)."""
    EFFECTS[name] = Effect(name, label, run)


def effect_choices() -> list[tuple[str, str]]:
    return [(e.name, e.label) for e in EFFECTS.values()]


def effects_run(*, card, names, actor, now: datetime, transition: str) -> None:
    """Run the named effects in order; an unknown name (an app removed) is skipped, since the
    move itself is still valid and refusing it would strand the card."""
    for name in names:
        effect = EFFECTS.get(name)
        if effect is not None:
            effect.run(card=card, actor=actor, now=now, transition=transition)
