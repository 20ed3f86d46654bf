"""The money's words and figures, written once (the weekly dashboard shows FIGURE_DEFINITIONS).

Days are the process calendar's local days. A week's figures are taken on its last day D (the
Sunday; for the week in progress, today), from invoices issued and payments paid on or before D;
a voided invoice (its card lost) counts from the day it was voided as never issued.
"""

WINDOW_WEEKS = 12  # the trailing window of invoiced sales that days sales outstanding reads

# Aging of what is outstanding, by days past the due date on the day asked about.
AGING_BUCKETS = [
    # key, label, lowest days overdue, highest (None: no upper bound)
    ("not_due", "Not due", None, 0),
    ("d1_30", "1-30 days", 1, 30),
    ("d31_60", "31-60 days", 31, 60),
    ("d61_90", "61-90 days", 61, 90),
    ("over_90", "Over 90 days", 91, None),
]


def aging_bucket(days_overdue: int) -> str:
    for key, _, low, high in AGING_BUCKETS:
        if (low is None or days_overdue >= low) and (high is None or days_overdue <= high):
            return key
    return AGING_BUCKETS[-1][0]


FIGURE_DEFINITIONS = [
    (
        "Outstanding",
        "The invoices' amounts less the payments paid on or before D, over the invoices issued "
        "on or before D.",
    ),
    (
        "Overdue amount",
        "What is outstanding on D on invoices whose due date is before D (an invoice is overdue "
        "the day after its due date).",
    ),
    (
        "Days sales outstanding",
        f"Outstanding on D / amount invoiced in the trailing {WINDOW_WEEKS} weeks ending with "
        f"the week (from that Monday to D) x the days of that window; one decimal. None when "
        f"nothing was invoiced in the window.",
    ),
    ("Payments received", "The payments paid from the week's Monday to D."),
]
