"""The services every handler and job receives: database, clock, time zone, rules, channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.config import Rules
from core.messages import Capabilities
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Context:
    """Services shared by all handlers and timed jobs."""

    db: Database
    clock: Clock
    timezone: ZoneInfo
    rules: Rules = field(default_factory=Rules)
    # What each running channel can show, by channel name, for the delivery policy.
    channels: dict[str, Capabilities] = field(default_factory=dict)

    def local(self, moment: datetime) -> datetime:
        """Show a UTC moment in the local time zone."""
        return moment.astimezone(self.timezone)
