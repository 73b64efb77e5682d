"""The ``party`` key of the JSON export (DESIGN §5), also what the registers workbook reads."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.party import party_groups
from core.roles import Role
from storage import org, party, party_records


async def snapshot(connection: AsyncConnection, zone: ZoneInfo) -> dict[str, Any]:
    """Party members, groups (M6), meetings with attendance, visits and dues (Y1, Y2)."""
    members = await party.members(connection)
    persons = [found.person for found in members]
    by_id = {found.id: found for found in persons}
    homesteads = {found.id: found for found in await org.all_homesteads(connection)}
    heads = {found.homestead_id: found for found in persons if found.role is Role.HEAD}
    groups = []
    for homestead_id, in_group in sorted(party_groups(persons).items()):
        head = heads.get(homestead_id)
        place = homesteads[homestead_id]
        groups.append({"homestead": place.name, "village": place.village,
                       "leader": head.code if head is not None and head.party_member else None,
                       "members": [found.code for found in in_group]})
    lessons = await party.lessons(connection)
    rolls = await party.rolls(connection, [found.id for found in lessons])
    meetings = []
    for lesson in lessons:
        roll = [entry for lesson_id, entry in rolls if lesson_id == lesson.id]
        meetings.append({
            "id": lesson.id, "kind": lesson.kind.value, "branch": lesson.branch,
            "topic": lesson.topic, "starts_at": lesson.starts_at.astimezone(zone).isoformat(),
            "called_by": by_id[lesson.called_by].code if lesson.called_by in by_id else None,
            "attended": [by_id[entry.person_id].code for entry in roll if entry.present],
            "excused": [by_id[entry.person_id].code for entry in roll
                        if entry.excused and not entry.present],
            "expected": [by_id[entry.person_id].code for entry in roll]})
    households = {}
    for found in persons:
        if found.household_id is not None:
            households[found.household_id] = f"{found.village}{found.homestead}{found.household}号"
    return {
        "members": [{"code": found.person.code, "name": found.person.name,
                     "party_member": found.person.party_member, "branch": found.branch,
                     "post": found.info.post.value if found.info.post else None,
                     "reserve_cadre": found.info.reserve_cadre, "activist": found.info.activist,
                     "mobile": found.info.mobile, "position": found.info.position,
                     "liaison": found.info.liaison}
                    for found in members if found.person.village is not None and (
                        found.person.party_member or found.info.reserve_cadre
                        or found.info.activist)],
        "groups": groups,
        "meetings": meetings,
        "visits": [{"id": visit.id, "person": by_id[visit.member_id].code,
                    "household": households.get(visit.household_id), "text": visit.text,
                    "at": visit.at.astimezone(zone).isoformat()}
                   for visit in await party_records.visits(connection)],
        "dues": [{"person": by_id[member_id].code, "month": month, "amount": amount / 100}
                 for (member_id, month), amount in sorted(
                     (await party_records.dues(connection)).items(),
                     key=lambda item: (item[0][1], by_id[item[0][0]].code))],
    }
