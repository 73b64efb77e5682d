"""The organisation: townships, grids, villages, 屋场, households and persons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    CTE,
    Row,
    Select,
    Subquery,
    bindparam,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.models import Homestead, Person
from core.roles import Role
from core.roster import RosterError, RosterInvalid, RosterRow
from storage import invites, liaison
from storage.prepared import Prepared
from storage.schema import (
    chat_binding,
    chat_identity,
    grid,
    homestead,
    household,
    person,
    township,
    village,
)


@dataclass(slots=True)
class ImportResult:
    """What a roster import changed, and what the roster should still fix (rule M10)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    households_changed: list[str] = field(default_factory=list)
    villages_moved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.created or self.updated or self.households_changed
                    or self.villages_moved)


def _person_query() -> Select[Any]:
    return (
        select(
            person, township.c.name.label("township_name"), village.c.name.label("village_name"),
            homestead.c.name.label("homestead_name"), household.c.number.label("household_number"),
        )
        .join(township, township.c.id == person.c.township_id)
        .outerjoin(village, village.c.id == person.c.village_id)
        .outerjoin(homestead, homestead.c.id == person.c.homestead_id)
        .outerjoin(household, household.c.id == person.c.household_id)
    )


def _to_person(row: Row[Any] | SimpleNamespace) -> Person:
    return Person(
        id=row.id, code=row.code, name=row.name, role=Role(row.role), age=row.age,
        party_member=row.party_member, township_id=row.township_id,
        township=row.township_name, village_id=row.village_id, village=row.village_name,
        homestead_id=row.homestead_id, homestead=row.homestead_name,
        household=row.household_number, phone=row.phone, household_id=row.household_id,
    )


def _homestead_query() -> Select[Any]:
    return (
        select(
            homestead.c.id, homestead.c.name, homestead.c.village_id,
            village.c.name.label("village_name"), village.c.township_id,
            township.c.name.label("township_name"), grid.c.name.label("grid_name"),
        )
        .join(village, village.c.id == homestead.c.village_id)
        .join(township, township.c.id == village.c.township_id)
        .join(grid, grid.c.id == village.c.grid_id)
    )


def _to_homestead(row: Row[Any] | SimpleNamespace) -> Homestead:
    return Homestead(
        id=row.id, name=row.name, village_id=row.village_id, village=row.village_name,
        township_id=row.township_id, township=row.township_name, grid=row.grid_name,
    )


# Every message resolves its sender and group: these two statements are built once,
# so SQLAlchemy neither rebuilds them nor recomputes their cache key per message.
_PERSON_FOR_ACCOUNT = _person_query().join(
    chat_identity, chat_identity.c.person_id == person.c.id).where(
    chat_identity.c.channel == bindparam("channel"),
    chat_identity.c.external_user_id == bindparam("user_id"))
_HOMESTEAD_FOR_CHAT = _homestead_query().join(
    chat_binding, chat_binding.c.homestead_id == homestead.c.id).where(
    chat_binding.c.channel == bindparam("channel"),
    chat_binding.c.external_chat_id == bindparam("chat_id"))


def with_sender_and_group(more: Callable[[CTE, CTE], Subquery] | None = None) -> Select[Any]:
    """Both look-ups above in one statement: a row with the person's and the 屋场's columns.

    ``more`` makes a subquery of the looked-up sender and group (CTEs of
    ``_PERSON_FOR_ACCOUNT`` and ``_HOMESTEAD_FOR_CHAT``) whose columns, prefixed with its
    name, join the row (NULL when it has none): a command's own statement then goes in
    the same round trip (``storage.meeting_attendance.check_in_pressed``).
    """
    found_person = _PERSON_FOR_ACCOUNT.cte("sender")
    found_homestead = _HOMESTEAD_FOR_CHAT.cte("chat")
    anchor = select(literal(1).label("one")).subquery("anchor")
    joined = anchor.outerjoin(found_person, true()).outerjoin(found_homestead, true())
    columns = [*(column.label(f"p_{column.name}") for column in found_person.c),
               *(column.label(f"h_{column.name}") for column in found_homestead.c)]
    if more is not None:
        extra = more(found_person, found_homestead)
        joined = joined.outerjoin(extra, true())
        columns += [column.label(f"{extra.name}_{column.name}") for column in extra.c]
    return select(*columns).select_from(joined)


_SENDER_AND_GROUP = Prepared(with_sender_and_group())


async def sender_and_group(connection: AsyncConnection, channel: str, user_id: str,
                           chat_id: str | None) -> tuple[Person | None, Homestead | None]:
    """The person bound to this chat account and the 屋场 of this group, in one round trip.

    ``chat_id`` None (a private chat) looks up no 屋场. Every message asks for both.
    """
    row = await _SENDER_AND_GROUP.first(connection, {
        "channel": channel, "user_id": user_id, "chat_id": chat_id})
    assert row is not None  # the anchor row is always there
    return sender_and_group_of(row)


def sender_and_group_of(row: SimpleNamespace) -> tuple[Person | None, Homestead | None]:
    """The person and the 屋场 in a row of a ``with_sender_and_group`` statement."""
    sender, group = prefixed(row, "p_"), prefixed(row, "h_")
    return (None if sender.id is None else _to_person(sender),
            None if group.id is None else _to_homestead(group))


def prefixed(row: SimpleNamespace, prefix: str) -> SimpleNamespace:
    """The columns of ``row`` whose names begin with ``prefix``, named without it."""
    return SimpleNamespace(**{name.removeprefix(prefix): value
                              for name, value in vars(row).items() if name.startswith(prefix)})


async def person_by_id(connection: AsyncConnection, person_id: int) -> Person | None:
    """Return the person with this database id."""
    row = (await connection.execute(_person_query().where(person.c.id == person_id))).first()
    return _to_person(row) if row else None


async def person_for_account(connection: AsyncConnection, channel: str,
                             user_id: str) -> Person | None:
    """Return the person bound to this chat account, in one query."""
    row = (await connection.execute(_PERSON_FOR_ACCOUNT,
                                    {"channel": channel, "user_id": user_id})).first()
    return _to_person(row) if row else None


async def person_by_code(connection: AsyncConnection, code: str) -> Person | None:
    """Return the person with this roster 编号."""
    row = (await connection.execute(_person_query().where(person.c.code == code))).first()
    return _to_person(row) if row else None


async def all_persons(connection: AsyncConnection) -> list[Person]:
    """Return every person, in roster order."""
    rows = await connection.execute(_person_query().order_by(person.c.code))
    return [_to_person(row) for row in rows]


async def homestead_by_id(connection: AsyncConnection, homestead_id: int) -> Homestead | None:
    """Return the 屋场 with this database id."""
    query = _homestead_query().where(homestead.c.id == homestead_id)
    row = (await connection.execute(query)).first()
    return _to_homestead(row) if row else None


async def homestead_for_chat(connection: AsyncConnection, channel: str,
                             chat_id: str) -> Homestead | None:
    """Return the 屋场 this group chat is bound to, in one query."""
    row = (await connection.execute(_HOMESTEAD_FOR_CHAT,
                                    {"channel": channel, "chat_id": chat_id})).first()
    return _to_homestead(row) if row else None


async def all_homesteads(connection: AsyncConnection) -> list[Homestead]:
    """Return every 屋场, ordered by township, village and 屋场 name."""
    query = _homestead_query().order_by(township.c.name, village.c.name, homestead.c.id)
    return [_to_homestead(row) for row in await connection.execute(query)]


async def homesteads_named(connection: AsyncConnection, name: str) -> list[Homestead]:
    """Find 屋场 by ``屋场`` or ``村/屋场``; several when a bare name is not unique."""
    village_name, _, homestead_name = name.rpartition("/")
    query = _homestead_query().where(homestead.c.name == homestead_name.strip())
    if village_name:
        query = query.where(village.c.name == village_name.strip())
    return [_to_homestead(row) for row in await connection.execute(query)]


async def import_roster(connection: AsyncConnection, rows: Sequence[RosterRow],
                        now: Any) -> ImportResult:
    """Create or update the organisation and its persons from validated rows.

    Persons are matched by 编号 and updated in place, so their chat bindings and
    invite codes survive; persons missing from the file are left as they are.
    """
    result = ImportResult()
    township_ids = await _ensure_names(connection, township, {row.township for row in rows})
    grid_ids = await _ensure_grids(connection, rows, township_ids)
    village_ids = await _ensure_villages(connection, rows, township_ids, grid_ids, result)
    homestead_ids = await _ensure_homesteads(connection, rows, township_ids, village_ids)
    household_ids = await _ensure_households(connection, rows, homestead_ids, result)
    existing = {
        row.code: row for row in await connection.execute(select(person))
    }
    new_rows: list[dict[str, Any]] = []
    for row in rows:
        village_id = homestead_id = household_id = None
        if row.village:
            village_id = village_ids[(row.township, row.village)]
            if row.homestead:
                homestead_key = (row.township, row.village, row.homestead)
                homestead_id = homestead_ids[homestead_key]
                if row.household is not None:
                    household_id = household_ids[(*homestead_key, row.household)]
        values = {
            "code": row.code, "name": row.name, "township_id": township_ids[row.township],
            "village_id": village_id, "homestead_id": homestead_id,
            "household_id": household_id,
            "age": row.age, "party_member": row.party_member, "role": row.role.value,
            "phone": row.phone,
        }
        current = existing.get(row.code)
        if current is None:
            new_rows.append(values)
            result.created.append(row.code)
        elif any(getattr(current, key) != value for key, value in values.items()):
            await connection.execute(
                update(person).where(person.c.id == current.id).values(**values))
            result.updated.append(row.code)
        else:
            result.unchanged += 1
    if new_rows:
        await connection.execute(insert(person), new_rows)
        created_ids = await connection.execute(
            select(person.c.id).where(person.c.code.in_(result.created)))
        await invites.issue(connection, [row.id for row in created_ids], now)
    await liaison.store(connection, rows, village_ids)  # roster 联系村 (F13)
    await _check_one_leader_per_homestead(connection, rows)
    return result


async def _check_one_leader_per_homestead(connection: AsyncConnection,
                                          rows: Sequence[RosterRow]) -> None:
    """Refuse an import that leaves a 屋场 with two heads or two recorders.

    Persons missing from a later file are kept, so a partial file can clash with
    the stored roster even when it is consistent in itself; the transaction then
    rolls back.
    """
    leaders = (
        select(person.c.homestead_id, person.c.role)
        .where(person.c.role.in_([Role.HEAD.value, Role.RECORDER.value]),
               person.c.homestead_id.is_not(None))
        .group_by(person.c.homestead_id, person.c.role)
        .having(func.count() > 1)
    )
    clashes = {(row.homestead_id, row.role) for row in await connection.execute(leaders)}
    if not clashes:
        return
    homesteads = {found.id: found for found in await all_homesteads(connection)}
    errors = []
    for homestead_id, role in sorted(clashes):
        place = homesteads[homestead_id]
        for row in rows:
            if row.role.value == role and row.village == place.village \
                    and row.homestead == place.name and row.township == place.township:
                errors.append(RosterError(row.row_number, texts.ROSTER_LEADER_EXISTS.format(
                    village=place.village, homestead=place.name, role=Role(role).label)))
    raise RosterInvalid(errors)


async def _ensure_names(connection: AsyncConnection, table: Any, names: set[str]) -> dict[str, int]:
    known = {row.name: row.id for row in await connection.execute(select(table.c.id, table.c.name))}
    missing = sorted(names - known.keys())
    if missing:
        await connection.execute(insert(table), [{"name": name} for name in missing])
        known = {row.name: row.id
                 for row in await connection.execute(select(table.c.id, table.c.name))}
    return known


async def _ensure_grids(connection: AsyncConnection, rows: Sequence[RosterRow],
                        township_ids: dict[str, int]) -> dict[tuple[str, str], int]:
    wanted = {(row.township, row.grid) for row in rows if row.grid}
    names_by_id = {value: key for key, value in township_ids.items()}

    async def load() -> dict[tuple[str, str], int]:
        result = await connection.execute(select(grid.c.id, grid.c.township_id, grid.c.name))
        return {(names_by_id[row.township_id], row.name): row.id for row in result
                if row.township_id in names_by_id}

    known = await load()
    missing = sorted(wanted - known.keys())
    if missing:
        await connection.execute(insert(grid), [
            {"township_id": township_ids[town], "name": name} for town, name in missing])
        known = await load()
    return known


async def _ensure_villages(connection: AsyncConnection, rows: Sequence[RosterRow],
                           township_ids: dict[str, int], grid_ids: dict[tuple[str, str], int],
                           result: ImportResult) -> dict[tuple[str, str], int]:
    wanted = {(row.township, row.village): (row.township, row.grid or "")
              for row in rows if row.village}
    names_by_id = {value: key for key, value in township_ids.items()}
    current = {
        (names_by_id[row.township_id], row.name): (row.id, row.grid_id)
        for row in await connection.execute(select(village))
        if row.township_id in names_by_id
    }
    kinds = {(row.township, row.village): row.village_kind
             for row in rows if row.village and row.village_kind}
    for key, grid_key in sorted(wanted.items()):
        grid_id = grid_ids[grid_key]
        if key not in current:
            created = await connection.execute(insert(village).values(
                township_id=township_ids[key[0]], grid_id=grid_id, name=key[1]))
            assert created.inserted_primary_key is not None
            current[key] = (created.inserted_primary_key[0], grid_id)
        elif current[key][1] != grid_id:
            await connection.execute(
                update(village).where(village.c.id == current[key][0]).values(grid_id=grid_id))
            result.villages_moved.append(key[1])
        if key in kinds:  # 村类型 stated: a village not stated keeps its kind (default 村)
            await connection.execute(update(village).where(
                village.c.id == current[key][0]).values(kind=kinds[key]))
    return {key: ids[0] for key, ids in current.items()}


async def _ensure_homesteads(connection: AsyncConnection, rows: Sequence[RosterRow],
                             township_ids: dict[str, int],
                             village_ids: dict[tuple[str, str], int],
                             ) -> dict[tuple[str, str, str], int]:
    village_names = {value: key for key, value in village_ids.items()}

    async def load() -> dict[tuple[str, str, str], int]:
        result = await connection.execute(
            select(homestead.c.id, homestead.c.village_id, homestead.c.name))
        return {(*village_names[row.village_id], row.name): row.id for row in result
                if row.village_id in village_names}

    known = await load()
    wanted = {(row.township, row.village, row.homestead)
              for row in rows if row.village and row.homestead}
    missing = sorted(wanted - known.keys())
    if missing:
        await connection.execute(insert(homestead), [
            {"village_id": village_ids[(town, vil)], "name": name} for town, vil, name in missing])
        known = await load()
    return known


async def _ensure_households(connection: AsyncConnection, rows: Sequence[RosterRow],
                             homestead_ids: dict[tuple[str, str, str], int],
                             result: ImportResult) -> dict[tuple[str, str, str, int], int]:
    homestead_names = {value: key for key, value in homestead_ids.items()}

    async def load() -> dict[tuple[str, str, str, int], tuple[int, bool]]:
        result = await connection.execute(select(household))
        return {(*homestead_names[row.homestead_id], row.number): (row.id, row.at_home)
                for row in result if row.homestead_id in homestead_names}

    known = await load()
    wanted: dict[tuple[str, str, str, int], bool] = {}
    for row in rows:
        if row.village and row.homestead and row.household is not None:
            wanted[(row.township, row.village, row.homestead, row.household)] = row.at_home
    missing = [key for key in wanted if key not in known]
    if missing:
        await connection.execute(insert(household), [
            {"homestead_id": homestead_ids[key[:3]], "number": key[3], "at_home": wanted[key]}
            for key in missing])
    for key, at_home in wanted.items():
        if key in known and known[key][1] != at_home:
            await connection.execute(
                update(household).where(household.c.id == known[key][0]).values(at_home=at_home))
            result.households_changed.append(f"{key[1]}{key[2]}{key[3]}号")
    if missing:
        known = await load()
    return {key: value[0] for key, value in known.items()}


async def persons_with_role(connection: AsyncConnection, role: Role, *,
                            village_id: int | None = None, homestead_id: int | None = None,
                            township_id: int | None = None) -> list[Person]:
    """Persons of one role, narrowed to a village, 屋场 or township."""
    query = _person_query().where(person.c.role == role.value)
    if village_id is not None:
        query = query.where(person.c.village_id == village_id)
    if homestead_id is not None:
        query = query.where(person.c.homestead_id == homestead_id)
    if township_id is not None:
        query = query.where(person.c.township_id == township_id)
    return [_to_person(row) for row in await connection.execute(query.order_by(person.c.code))]


async def persons_in(connection: AsyncConnection, township_id: int,
                     village_id: int | None = None) -> list[Person]:
    """Every person living in a township, or in one village of it, in roster order."""
    query = _person_query().where(person.c.township_id == township_id)
    if village_id is not None:
        query = query.where(person.c.village_id == village_id)
    return [_to_person(row) for row in await connection.execute(query.order_by(person.c.code))]

