"""Group commit on both databases, and a check-in with its totals (issue 23)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import event, insert
from sqlalchemy.exc import IntegrityError

from storage import meeting_attendance, meetings
from storage.db import Database
from storage.schema import household, person, township
from tests.conftest import insert_homestead, township_names

NOW = datetime(2026, 11, 5, 11, 0, tzinfo=UTC)


async def test_writers_queued_together_share_commits_and_fail_alone(database: Database) -> None:
    begins: list[object] = []
    event.listen(database.write_engine.sync_engine, "begin", begins.append)

    async def writer(number: int) -> None:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name=f"镇{number:02d}"))
            await asyncio.sleep(0)
            if number == 2:
                raise ValueError("this writer changes its mind")
            if number == 5:  # a database error undoes this writer only, too
                await connection.execute(insert(township).values(id=-1, name="重复"))
                await connection.execute(insert(township).values(id=-1, name="重复"))

    results = await asyncio.gather(*(writer(number) for number in range(24)),
                                   return_exceptions=True)
    assert type(results[2]) is ValueError and isinstance(results[5], IntegrityError)
    assert sum(result is None for result in results) == 22
    assert await township_names(database) == [f"镇{number:02d}" for number in range(24)
                                          if number not in (2, 5)]
    assert 0 < len(begins) < 24  # fewer transactions than writers
    async with database.write() as connection:  # the next writer starts afresh
        await connection.execute(insert(township).values(name="镇99"))
    assert (await township_names(database))[-1] == "镇99"


async def test_a_check_in_returns_the_totals_with_itself_counted(database: Database) -> None:
    async with database.write() as connection:
        await insert_homestead(connection)
        await connection.execute(insert(household), [
            {"id": number, "homestead_id": 1, "number": number, "at_home": True}
            for number in (1, 2)])
        await connection.execute(insert(person), [
            {"id": number, "code": f"P{number}", "name": f"人{number}", "role": "villager",
             "township_id": 1, "village_id": 1,
             "age": 40, "party_member": False, "homestead_id": 1,
             "household_id": 1 if number < 3 else 2} for number in (1, 2, 3)])
        meeting_id = await meetings.create(connection, homestead_id=1, starts_at=NOW,
                                           place="祠堂", topic="修路",
                                           status=meetings.SCHEDULED, created_by=1, now=NOW)
        closed = await meeting_attendance.check_in(connection, meeting_id, 1, 1, 1, NOW)
        assert closed is None  # not open yet: nothing written
        await meetings.set_status(connection, meeting_id, meetings.OPEN, opened_at=NOW,
                                  resident_households=2)
        # The recorder counted household 2 with two persons before anyone pressed.
        await meetings.record_households(connection, meeting_id, {2: 2}, 1, NOW)
    totals = []
    for person_id, household_id in ((1, 1), (1, 1), (2, 1), (3, 2)):
        async with database.write() as connection:
            shown = await meeting_attendance.check_in(connection, meeting_id, 1, person_id,
                                            household_id, NOW)
            totals.append(None if shown is None else shown[1:])
    # Household 2 keeps its count of 2 (the larger); the repeat press writes nothing.
    assert totals == [(2, 3), None, (2, 4), (2, 4)]
    async with database.write() as connection:
        assert await meeting_attendance.check_in(connection, meeting_id, 2, 3, 2, NOW) is None
