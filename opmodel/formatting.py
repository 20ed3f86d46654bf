"""How every screen writes durations, numbers, people, instants and figures: one function per
kind, used by the template filters (opmodel/templatetags/opmodel_ui.py) and any view that builds
text.

A figure by its unit: count and clients are numbers, share a fraction 0..1 written as a whole
percent, percent already a percentage, days a duration in days.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.template.defaultfilters import floatformat

from opmodel.rounding import percent_round

NO_VALUE = "—"  # every screen's "no value": an em dash


def share_text(share: float, *, keep_tiny: bool = False) -> str:
    """A share as a whole percent (0.42 -> "42%"); ``keep_tiny`` writes 0.004 as "0.4%", not 0."""
    if keep_tiny and share != 0 and round(share * 100) == 0:
        return f"{share * 100:.1f}%"
    return f"{share * 100:.0f}%"


def figure_text(value, unit: str, *, bare: bool = False) -> str:
    """A figure as text: "42%", "12.5%", "3.2 d", "7", or the dash when there is none.

    `bare` leaves the "d" off days, for a table whose column header already names the unit.
    """
    if value is None:
        return NO_VALUE
    if unit == "share":
        return share_text(value)
    if unit == "percent":
        # As the card writes a percentage (two decimals, halves away from zero): one rule.
        return percent_text(percent_round(value))
    if unit == "days":
        return f"{value:.1f}" if bare else f"{value:.1f} d"
    if unit == "amount":
        return money_text(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def duration_text(delta: timedelta, *, units: int = 1, with_days: bool = True) -> str:
    """A duration in words, largest unit first, its sign dropped.

    One unit (tiles, ages): "<1m", "45m", "5h", "3d", and weeks past 70 days ("11w").
    Two units (time left): "45m", "5h 20m", "2d 3h". `with_days=False` stays in hours: a
    business day is not 24 hours, so business time is not shown in days.
    """
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 1:
        return "<1m"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes}m"
    if hours < 24 or not with_days:
        return _units(f"{hours}h", f"{minutes}m" if minutes else "", units)
    days, hours = divmod(hours, 24)
    if units == 1 and days >= 70:
        return f"{days // 7}w"
    return _units(f"{days}d", f"{hours}h" if hours else "", units)


def _units(first: str, second: str, units: int) -> str:
    return f"{first} {second}" if units > 1 and second else first


def percent_text(value: Decimal | float | None) -> str:
    """A percentage as the card shows it: up to two decimals, none when whole ("15%",
    "12.50%"), and a dash when there is none (a margin without a price)."""
    if value is None:
        return NO_VALUE
    return f"{floatformat(value, '-2')}%"


def person_text(user) -> str:
    """A person as every screen names them: their full name, else their username."""
    if not user:
        return ""
    return user.get_full_name() or user.get_username()


def day_text(day) -> str:
    """A date as every screen writes it, as in moment_text: "Nov 27, 2026"."""
    if day is None:
        return NO_VALUE
    return f"{day:%b} {day.day}, {day.year}"


def moment_text(moment: datetime | None, zone: str) -> str:
    """An instant as every screen writes it, in the process calendar's time zone: "Nov 27,
    2026, 14:05". The zone is not repeated on each time: the page or message names it once
    (times_note)."""
    if moment is None:
        return NO_VALUE
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%b} {local.day}, {local.year}, {local:%H:%M}"


def zone_text(zone: str, at: datetime) -> str:
    """A time zone as a page names it: "Europe/Berlin (CET)", its abbreviation at `at`."""
    return f"{zone} ({at.astimezone(ZoneInfo(zone)).tzname()})"


def times_note(zones: Mapping[str, Iterable[str]], at: datetime) -> str:
    """The one line a page or a message gives about its times, `zones` mapping each zone shown
    to the names of what is in it (processes): "Times in Europe/Berlin (CET)." for one zone,
    "Times in each process's zone: Europe/Berlin (CET) for Order to cash; Asia/Tokyo (JST) for
    Tokyo sales." for several, and nothing when no time is shown."""
    if not zones:
        return ""
    if len(zones) == 1:
        return f"Times in {zone_text(next(iter(zones)), at)}."
    parts = []
    for zone in sorted(zones):
        names = sorted(set(zones[zone]))
        parts.append(zone_text(zone, at) + (f" for {', '.join(names)}" if names else ""))
    return f"Times in each process's zone: {'; '.join(parts)}."


def money_text(value) -> str:
    """An amount as the card shows it: two decimals, thousands grouped ("1,250.00")."""
    if value in (None, ""):
        return NO_VALUE
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def number_text(value) -> str:
    """A quantity without trailing zeros ("2", "2.5")."""
    if value in (None, ""):
        return NO_VALUE
    try:
        return floatformat(Decimal(str(value)), "-3")
    except InvalidOperation:
        return str(value)
