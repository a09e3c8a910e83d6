"""Opening hours in a line: runs of days with the same hours grouped together."""
from __future__ import annotations

from dataclasses import dataclass

from .models import OpeningHours


@dataclass(frozen=True, slots=True)
class HoursGroup:
    days: str  # 'Mon–Fri', 'Sat', 'Mon, Tue'
    hours: str  # '9:00 AM – 5:00 PM' or 'Closed'


def hours_summary(hours: tuple[OpeningHours, ...]) -> list[HoursGroup]:
    """Monday..Sunday as groups of consecutive days sharing their hours.

    9-5 Monday to Friday, 9-1 Saturday, closed Sunday gives three groups:
    'Mon–Fri', 'Sat', 'Sun'. Used by the `hours_summary` filter in templates.
    """
    groups: list[list[OpeningHours]] = []
    for day in hours:
        if groups and groups[-1][-1].display == day.display:
            groups[-1].append(day)
        else:
            groups.append([day])
    summary = []
    for run in groups:
        first, last = run[0].day[:3], run[-1].day[:3]
        days = first if len(run) == 1 else (f"{first}, {last}" if len(run) == 2 else f"{first}–{last}")
        summary.append(HoursGroup(days, run[0].display))
    return summary
