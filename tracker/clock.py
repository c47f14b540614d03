"""Moments in the configured zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local_moment(day: date, clock: str, zone: ZoneInfo) -> datetime:
    """`clock` ("HH:MM") on `day` in `zone`, aware; a time that a DST change skips moves
    forward (the round trip through UTC normalises it)."""
    hour, minute = (int(part) for part in clock.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)
