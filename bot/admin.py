"""What the township admin does from the terminal: roster, invites, status, verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.files.roster import read_roster
from bot.wiring import App
from core.party import group_warnings, household_liaison_warnings
from core.roster import liaison_warnings, roster_warnings, validate_roster
from handlers.menus import refresh as refresh_menus
from storage import events, invites, issues, liaison, menus, org, outbox, party, seals, tasks
from storage import jobs as job_log
from storage.jobs import JobRun
from storage.org import ImportResult


async def import_roster_file(app: App, path: Path) -> ImportResult:
    """Validate a whole roster file, then import it in one transaction (RosterInvalid if bad)."""
    header, rows = read_roster(path)
    valid = validate_roster(header, rows)
    now = app.context.clock.now()
    async with app.context.db.write() as connection:
        result = await org.import_roster(connection, valid, now)
        await party.store_roster(connection, valid)  # rule Y1
        if result.changed:
            await events.append(connection, at=now, stream="roster", kind="roster.imported",
                                payload={"file": path.name, "created": result.created,
                                         "updated": result.updated,
                                         "households_changed": result.households_changed,
                                         "villages_moved": result.villages_moved})
        result.warnings = await _roster_warnings(connection)
        for channel in await menus.channels(connection):  # a new role, a new menu
            if channel in app.context.channels:  # running here; else its menu job does it
                await refresh_menus(connection, app.router.commands, channel, now)
    return result


async def _roster_warnings(connection: AsyncConnection) -> list[str]:
    """Rules M10, F13 (a village nobody liaises with), M6 and Y1 over the whole stored roster.

    The whole roster, because an import may be partial.
    """
    homesteads = await org.all_homesteads(connection)
    return [*roster_warnings(homesteads, await org.all_persons(connection)),
            *liaison_warnings(*await liaison.villages(connection)),
            *await _party_warnings(connection, {place.id: place.full_name
                                                for place in homesteads})]


async def _party_warnings(connection: AsyncConnection, names: dict[int, str]) -> list[str]:
    """Rules M6 and Y1: a party group without a member head; 联帮带 over its limits."""
    members = await party.members(connection)
    return [*group_warnings(names, [member.person for member in members]),
            *household_liaison_warnings(members)]


async def invite_rows(app: App, renew: list[str],
                      village: str | None = None) -> list[invites.Slip]:
    """Everyone's invite (of one village if given), after giving ``renew`` persons new codes."""
    now = app.context.clock.now()
    async with app.context.db.write() as connection:
        for code in renew:
            found = await org.person_by_code(connection, code)
            if found is None:
                raise LookupError(code)
            await invites.renew(connection, found.id, now)
            await events.append(connection, at=now, stream=f"person:{found.id}",
                                kind="invite.renewed", payload={"code": code})
        return await invites.slips(connection, village)


@dataclass(frozen=True, slots=True)
class Status:
    """What `wuchang status` shows."""

    schema: str | None
    jobs: list[tuple[str, int, JobRun | None]]
    backlog: dict[tuple[str, str], int]
    now: datetime
    zone: ZoneInfo
    roster_warnings: list[str]


async def status(app: App) -> Status:
    """Collect the jobs' last runs, the outbox backlog and the roster's warnings (rule M10)."""
    async with app.context.db.read() as connection:
        runs = await job_log.all_runs(connection)
        backlog = await outbox.backlog(connection)
        warnings = await _roster_warnings(connection)
    jobs = [(job.name, job.every_seconds, runs.get(job.name)) for job in app.jobs]
    return Status(await app.context.db.schema_version(), jobs, backlog, app.context.clock.now(),
                  app.context.timezone, warnings)


async def verify(app: App) -> tuple[int | None, list[int]]:
    """The first event whose hash chain does not hold, and issues whose row left the ledger."""
    async with app.context.db.read() as connection:
        return (await events.first_broken(connection),
                await issues.mismatched_projections(connection))


async def verify_seals(app: App, kept_head: str | None = None) -> tuple[list[str], bool]:
    """Sealed subjects whose rows changed, and whether a kept chain head is still in the chain."""
    async with app.context.db.read() as connection:
        holds = kept_head is None or await events.holds_head(connection, kept_head)
        return await seals.broken_seals(connection), holds


async def verify_tasks(app: App) -> list[int]:
    """Follow-up tasks (decisions…) whose row left what their events recorded."""
    async with app.context.db.read() as connection:
        return await tasks.mismatched_projections(connection)
