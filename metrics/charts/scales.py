"""Numbers to positions: round tick values, linear scales, the plotting frame, label thinning."""

import math
from dataclasses import dataclass


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 x 10^n that is at least ``raw``."""
    if raw <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(raw))
    return next(m * base for m in (1, 2, 5, 10) if raw <= m * base * (1 + 1e-9))


def nice_ticks(lo: float, hi: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """Evenly spaced round tick values covering [lo, hi] in about ``count`` steps."""
    lo, hi = min(lo, hi), max(lo, hi)
    if hi == lo:
        hi = lo + 1
    step = nice_step((hi - lo) / count)
    if integer:
        step = max(step, 1.0)
    digits = max(0, -math.floor(math.log10(step)))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, digits) + 0.0 for i in range(first, last + 1)]  # + 0.0 drops -0.0


def is_int(v: float) -> bool:
    return float(v).is_integer()


def y_domain(values: list[float], extra=(), *, percent: bool = False) -> list[float]:
    """Ticks from zero to past the largest value; counts get whole-number steps."""
    every = values + [v for v in extra if v is not None]
    integer = not percent and all(is_int(v) for v in every)
    return nice_ticks(min(0.0, *every), max(0.0, *every), integer=integer)


@dataclass(frozen=True)
class Scale:
    lo: float
    hi: float
    a: float  # output for lo
    b: float  # output for hi

    def __call__(self, v: float) -> float:
        return self.a + (v - self.lo) * (self.b - self.a) / (self.hi - self.lo)


@dataclass(frozen=True)
class Frame:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


def thin(n: int, room: float, each: float) -> set[int]:
    """Indexes to label so labels don't overlap; the last (the current week) always shows."""
    k = max(1, math.ceil(n / max(1.0, room / each)))
    return {i for i in range(n) if (n - 1 - i) % k == 0}
