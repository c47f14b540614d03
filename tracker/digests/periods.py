"""Digest periods: the latest digest time at or before a moment, and its name."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tracker.clock import local_moment
from tracker.config import Settings
from tracker.domain import DigestFrequency

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def digest_time(day: date, settings: Settings) -> datetime:
    return local_moment(day, settings.schedule.digest_time, settings.tz)


def current_period(
    frequency: DigestFrequency, *, now: datetime, settings: Settings
) -> tuple[str, datetime] | None:
    """(period name, when it fell due) of the latest digest due at or before `now`."""
    if frequency is DigestFrequency.OFF:
        return None
    local_day = now.astimezone(settings.tz).date()
    for back in range(0, 8):
        day = local_day - timedelta(days=back)
        if frequency is DigestFrequency.WEEKLY and (
            WEEKDAYS[day.weekday()] != settings.schedule.digest_weekday
        ):
            continue
        due = digest_time(day, settings)
        if due <= now:
            return name_of(frequency, day), due
    return None


def name_of(frequency: DigestFrequency, day: date) -> str:
    if frequency is DigestFrequency.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()
