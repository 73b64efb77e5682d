"""Build the parts of a running wuchang from its settings: one place where they meet."""

from __future__ import annotations

import gc
import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.files.award_scheme import load_award_scheme, load_wuhao_scheme
from bot.files.holidays import load_calendar
from bot.files.rules import load_rules
from bot.files.scheme import load_scheme
from bot.settings import Settings
from core.clock import Clock, SystemClock
from core.config import DEFAULT_WUHAO_SCHEME
from core.messages import FULL, Incoming, Outgoing
from handlers import delivery
from handlers.pictures import digest_picture
from handlers.router import Router
from handlers.table import build_router
from schedules.dispatcher import Dispatcher, Sender
from schedules.intake import Intake
from schedules.jobs import Job
from schedules.registry import all_jobs
from storage.context import Context
from storage.db import Database

if TYPE_CHECKING:
    from bot.channels import Channel


@dataclass(slots=True)
class App:
    """The wired service: context, router, outbox dispatcher, inbox intake and jobs.

    ``worker`` names this process among the workers sharing the database.
    """

    settings: Settings
    context: Context
    router: Router
    dispatcher: Dispatcher
    intake: Intake
    jobs: list[Job] = field(default_factory=list)
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    def add_channel(self, channel: Channel) -> None:
        """Deliver the channel's outbox rows through it, minding what it can show."""
        self.context.channels[channel.name] = channel.capabilities
        self.dispatcher.senders[channel.name] = channel

    def add_sender(self, channel: str, sender: Sender) -> None:
        """Deliver a channel's outbox rows through a bare sender (tests, benchmarks)."""
        self.dispatcher.senders[channel] = sender

    async def answer(self, incoming: Incoming) -> list[Outgoing]:
        """Handle a message from a channel: the replies, as that channel should send them."""
        capabilities = self.context.channels.get(incoming.channel, FULL)
        return await delivery.answer(self.context, self.router, capabilities, incoming)

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
                    scheme=load_scheme(rules.scheme_name),
                    award=load_award_scheme(rules.award_scheme_name),
                    wuhao=load_wuhao_scheme(DEFAULT_WUHAO_SCHEME))
    context = Context(db=database, clock=clock or SystemClock(), timezone=settings.zone,
                      rules=rules)
    dispatcher = Dispatcher(context, {})
    intake = Intake(context)
    return App(settings=settings, context=context, router=build_router(),
               dispatcher=dispatcher, intake=intake,
               jobs=all_jobs(dispatcher, intake, digest_picture))


def settle_heap() -> None:
    """Freeze what start-up allocated (modules, tables, rules) out of the collector's way.

    A running service keeps these objects for its whole life; once frozen, the cyclic
    garbage collector stops rescanning them at every collection, which took over a
    tenth of a button burst's time (issue 8). Call it once the service has started.
    """
    gc.collect()
    gc.freeze()
