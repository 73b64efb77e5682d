"""The services every handler and job receives: database, clock and local time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.config import Rules
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Context:
    """Services shared by all handlers and timed jobs."""

    db: Database
    clock: Clock
    timezone: ZoneInfo
    rules: Rules = field(default_factory=Rules)

    def local(self, moment: datetime) -> datetime:
        """Show a UTC moment in the local time zone."""
        return moment.astimezone(self.timezone)
