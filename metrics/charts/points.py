"""The plain data the charts draw: values with their labels and links."""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ChartPoint:
    label: str
    value: float | None
    href: str | None = None


@dataclass
class Series:
    name: str
    values: list[float | None]
    href: str | None = None


@dataclass
class ScatterPoint:
    # Plotted at its wall-clock time, so pass local times; strip charts leave it None.
    x: datetime | date | None
    y: float | None
    href: str | None = None
    label: str = ""


@dataclass
class StripColumn:
    label: str
    values: list[ScatterPoint] = field(default_factory=list)
    href: str | None = None  # the column's label links here (e.g. all open cards in the status)


@dataclass
class Band:
    """A stretch of a scatter's time axis that is one link (e.g. a week and its cards), used
    once the chart has too many dots to link each."""

    start: datetime | date
    end: datetime | date
    label: str
    href: str | None = None
