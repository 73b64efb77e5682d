"""Build the parts of a running wuchang from its settings: one place where they meet."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.holidays_file import load_calendar
from bot.rules_file import load_rules
from bot.scheme_file import load_scheme
from bot.settings import Settings
from core.clock import Clock, SystemClock
from handlers.router import Router
from handlers.table import build_router
from schedules.dispatcher import Dispatcher, Sender
from schedules.jobs import Job
from schedules.registry import all_jobs
from storage.context import Context
from storage.db import Database


@dataclass(slots=True)
class App:
    """The wired service: context, router, outbox dispatcher and jobs."""

    settings: Settings
    context: Context
    router: Router
    dispatcher: Dispatcher
    jobs: list[Job] = field(default_factory=list)

    def add_sender(self, channel: str, sender: Sender) -> None:
        """Let the dispatcher deliver this channel's outbox rows through ``sender``."""
        self.dispatcher.senders[channel] = sender

    async def close(self) -> None:
        """Release the database."""
        await self.context.db.dispose()


async def build_app(settings: Settings, clock: Clock | None = None, *,
                    migrate: bool = True) -> App:
    """Open the database (migrating it unless told not to) and wire the service."""
    database = Database(settings.database_url)
    if migrate:
        await database.migrate()
    rules = load_rules(Path(settings.rules_file))
    rules = replace(rules, calendar=load_calendar(Path(settings.holiday_file)),
                    scheme=load_scheme(rules.scheme_name))
    context = Context(db=database, clock=clock or SystemClock(), timezone=settings.zone,
                      rules=rules)
    dispatcher = Dispatcher(context, {})
    return App(settings=settings, context=context, router=build_router(),
               dispatcher=dispatcher, jobs=all_jobs(dispatcher))


def settle_heap() -> None:
    """Freeze what start-up allocated (modules, tables, rules) out of the collector's way.

    A running service keeps these objects for its whole life; once frozen, the cyclic
    garbage collector stops rescanning them at every collection, which took over a
    tenth of a button burst's time (issue 8). Call it once the service has started.
    """
    gc.collect()
    gc.freeze()
