"""How a figure reads as text, by its unit: the one formatter of dashboards, goals and reviews.

Units (metrics.catalogue's vocabulary): count and clients are numbers, share a fraction 0..1
written as a whole percent, percent already a percentage, days a duration in days.
"""

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
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:.1f}" if bare else f"{value:.1f} d"
    return f"{value:g}" if isinstance(value, float) else str(value)
