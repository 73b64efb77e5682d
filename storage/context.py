"""The services every handler and job receives: database, clock and local time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.clock import Clock
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Context:
    """Services shared by all handlers and timed jobs."""

    db: Database
    clock: Clock
    timezone: ZoneInfo

    def local(self, moment: datetime) -> datetime:
        """Show a UTC moment in the local time zone."""
        return moment.astimezone(self.timezone)
