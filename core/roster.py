"""A roster file's rows checked before anything is written; the stored roster's warnings (M10)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from core import texts
from core.models import Homestead, Person
from core.party import NO_PARTY, PartyInfo, parse_party_columns, party_liaison_errors
from core.roles import ROLE_BY_LABEL, Role

COLUMNS: tuple[str, ...] = (
    "编号", "姓名", "镇", "网格", "村", "屋场", "户号", "在家", "党员", "年龄", "角色", "手机",
)
LIAISON_COLUMN = "联系村"  # optional, for a 镇干部: the villages they liaise with (F13)
LIAISON_SEPARATOR = "、"
REQUIRED_COLUMNS: frozenset[str] = frozenset(
    {"编号", "姓名", "镇", "网格", "村", "屋场", "户号", "年龄"})
YES, NO = "是", "否"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_AGE = 120
MAX_LENGTHS: dict[str, int] = {"编号": 32, "姓名": 64, "镇": 64, "网格": 64, "村": 64,
                               "屋场": 64}
VILLAGE_KINDS = ("村", "社区")  # roster 村类型: a 社区 uses the community award scheme (A1)
# Rule M10 (seed 004: "一般30-50户划分为一个屋场"): outside this, the roster is only warned.
FEWEST_HOUSEHOLDS = 30
MAX_HOUSEHOLD = 99_999  # 户号 within a 屋场; more digits is a typing slip (or an ID number)
MOST_HOUSEHOLDS = 50


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One validated person of the roster."""

    row_number: int
    code: str
    name: str
    township: str
    grid: str | None
    village: str | None
    homestead: str | None
    household: int | None
    at_home: bool
    party_member: bool
    age: int
    role: Role
    phone: str | None
    liaisons: tuple[str, ...] | None = None  # None: the file has no 联系村 column
    village_kind: str | None = None  # 村类型 as the row states it; None: not stated (村)
    party: PartyInfo = NO_PARTY  # the optional party columns (rule Y1)


@dataclass(frozen=True, slots=True)
class RosterError:
    """One problem found in a roster file; ``row_number`` 1 is the header row."""

    row_number: int
    message: str

    def __str__(self) -> str:
        """Render as the admin sees it: the row number, then the problem."""
        if self.row_number == 0:
            return self.message
        return texts.ROSTER_ROW_ERROR.format(row=self.row_number, message=self.message)


class RosterInvalid(Exception):
    """The roster file has errors; nothing may be imported from it."""

    def __init__(self, errors: list[RosterError]) -> None:
        super().__init__(f"{len(errors)} roster errors")
        self.errors = errors


def validate_roster(header: Iterable[str], rows: Iterable[Mapping[str, str]]) -> list[RosterRow]:
    """Check a whole roster and return its rows, or raise ``RosterInvalid`` with every error."""
    header_names = [name.strip() for name in header]
    missing = sorted(REQUIRED_COLUMNS - set(header_names), key=COLUMNS.index)
    if missing:
        raise RosterInvalid([RosterError(1, texts.ROSTER_MISSING_COLUMNS.format(
            columns="、".join(missing)))])
    errors: list[RosterError] = []
    parsed: list[RosterRow] = []
    for row_number, raw in enumerate(rows, start=2):
        cells = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        if not any(cells.values()):
            continue
        row, row_errors = _parse_row(row_number, cells, LIAISON_COLUMN in header_names)
        errors.extend(row_errors)
        parsed.append(row)
    # Checks across rows see every row, even one with errors of its own, so that
    # every problem of the file is listed at once.
    errors.extend(_check_across_rows(parsed))
    errors.extend(_check_liaisons(parsed))
    errors.extend(RosterError(number, message)  # rule Y1's 联系党员
                  for number, message in party_liaison_errors(parsed))
    if not parsed and not errors:
        errors.append(RosterError(1, texts.ROSTER_EMPTY))
    if errors:
        raise RosterInvalid(sorted(errors, key=lambda error: error.row_number))
    return parsed


def _parse_row(row_number: int, cells: Mapping[str, str],
               has_liaisons: bool = False) -> tuple[RosterRow, list[RosterError]]:
    """Parse one row; the row comes back even with errors, with defaults where it is bad."""
    problems: list[str] = []
    code, name, township = cells.get("编号", ""), cells.get("姓名", ""), cells.get("镇", "")
    for column, value in (("编号", code), ("姓名", name), ("镇", township)):
        if not value:
            problems.append(texts.ROSTER_MISSING_VALUE.format(column=column))
    for column, limit in MAX_LENGTHS.items():
        if len(cells.get(column, "")) > limit:
            problems.append(texts.ROSTER_TOO_LONG.format(column=column, limit=limit))
    role_label = cells.get("角色", "") or Role.VILLAGER.label
    role = ROLE_BY_LABEL.get(role_label)
    if role is None:
        problems.append(texts.ROSTER_BAD_ROLE.format(
            value=role_label, allowed="、".join(ROLE_BY_LABEL)))
    grid, village, homestead = cells.get("网格", ""), cells.get("村", ""), cells.get("屋场", "")
    household_text = cells.get("户号", "")
    lives_in_homestead = role is not None and role is not Role.TOWNSHIP_OFFICIAL
    needs_homestead = role in (Role.VILLAGER, Role.HEAD, Role.RECORDER)
    if lives_in_homestead and not village:
        problems.append(texts.ROSTER_MISSING_VALUE.format(column="村"))
    if village and not grid:
        problems.append(texts.ROSTER_MISSING_VALUE.format(column="网格"))
    if needs_homestead and not homestead:
        problems.append(texts.ROSTER_MISSING_VALUE.format(column="屋场"))
    if homestead and not village:
        problems.append(texts.ROSTER_HOMESTEAD_WITHOUT_VILLAGE)
    household: int | None = None
    if household_text:
        if household_text.isdecimal() and 0 < int(household_text) <= MAX_HOUSEHOLD:
            household = int(household_text)
        elif household_text.isdecimal() and int(household_text) > 0:
            problems.append(texts.ROSTER_HOUSEHOLD_TOO_BIG.format(value=household_text,
                                                                  most=MAX_HOUSEHOLD))
        else:
            problems.append(texts.ROSTER_BAD_HOUSEHOLD.format(value=household_text))
        if not homestead:
            problems.append(texts.ROSTER_HOUSEHOLD_WITHOUT_HOMESTEAD)
    elif homestead:
        problems.append(texts.ROSTER_MISSING_VALUE.format(column="户号"))
    at_home = _yes_no(cells.get("在家", ""), "在家", default=True, problems=problems)
    party_member = _yes_no(cells.get("党员", ""), "党员", default=False, problems=problems)
    age_text = cells.get("年龄", "")
    age = 0
    if not age_text:
        problems.append(texts.ROSTER_MISSING_VALUE.format(column="年龄"))
    elif not age_text.isdecimal() or not 0 < int(age_text) <= MAX_AGE:
        problems.append(texts.ROSTER_BAD_AGE.format(value=age_text))
    else:
        age = int(age_text)
    phone = cells.get("手机", "") or None
    if phone is not None and not MOBILE.match(phone):
        problems.append(texts.ROSTER_BAD_PHONE.format(value=phone))
    liaisons = _liaisons(cells, role, problems) if has_liaisons else None
    village_kind = cells.get("村类型", "") or None
    if village_kind is not None and village_kind not in VILLAGE_KINDS:
        problems.append(texts.ROSTER_BAD_VILLAGE_KIND.format(value=village_kind,
                                                             allowed="、".join(VILLAGE_KINDS)))
        village_kind = None
    party = parse_party_columns(cells, party_member, problems)  # rule Y1
    errors = [RosterError(row_number, problem) for problem in problems]
    return RosterRow(
        row_number=row_number, code=code, name=name, township=township,
        grid=grid or None, village=village or None, homestead=homestead or None,
        household=household, at_home=at_home, party_member=party_member, age=age,
        role=role or Role.VILLAGER, phone=phone, liaisons=liaisons, village_kind=village_kind,
        party=party,
    ), errors


def _liaisons(cells: Mapping[str, str], role: Role | None,
              problems: list[str]) -> tuple[str, ...]:
    """The villages a 镇干部 liaises with (、-separated); only a 镇干部 may have them (F13)."""
    names = tuple(dict.fromkeys(name.strip() for name in cells.get(LIAISON_COLUMN, "").split(
        LIAISON_SEPARATOR) if name.strip()))
    if names and role is not Role.TOWNSHIP_OFFICIAL:
        problems.append(texts.ROSTER_LIAISON_NOT_OFFICIAL.format(column=LIAISON_COLUMN))
    return names


def _check_liaisons(rows: list[RosterRow]) -> list[RosterError]:
    """Each liaison village must be a village of the official's township in the file (F13)."""
    villages = {(row.township, row.village) for row in rows if row.village}
    return [RosterError(row.row_number, texts.ROSTER_LIAISON_UNKNOWN.format(
        village=name, township=row.township))
        for row in rows if row.role is Role.TOWNSHIP_OFFICIAL
        for name in row.liaisons or () if (row.township, name) not in villages]


def liaison_warnings(villages: Iterable[tuple[str, str]],
                     liaised: Collection[tuple[str, str]]) -> list[str]:
    """Villages (镇, 村) no official liaises with, in townships that use 联系村 (F13).

    Warned, never refused: such a village's 整改 falls to all the township's 镇干部, as
    in a township that does not fill the column at all (which is not warned).
    """
    using = {township for township, _ in liaised}
    return [texts.ROSTER_NO_LIAISON.format(township=township, village=name)
            for township, name in villages if township in using
            and (township, name) not in liaised]


def _yes_no(value: str, column: str, *, default: bool, problems: list[str]) -> bool:
    if not value:
        return default
    if value in (YES, NO):
        return value == YES
    problems.append(texts.ROSTER_BAD_YES_NO.format(column=column, value=value))
    return default


def _check_across_rows(rows: list[RosterRow]) -> list[RosterError]:
    """Checks that need the whole file: uniqueness, consistency and one head per 屋场."""
    errors: list[RosterError] = []
    first_row_of_code: dict[str, int] = {}
    first_row_of_phone: dict[str, int] = {}
    grid_of_village: dict[tuple[str, str], tuple[str | None, int]] = {}
    kind_of_village: dict[tuple[str, str], tuple[str, int]] = {}
    at_home_of_household: dict[tuple[str, str, str, int], tuple[bool, int]] = {}
    leaders: dict[tuple[str, str, str, Role], list[int]] = defaultdict(list)
    for row in rows:
        if row.code in first_row_of_code:
            errors.append(RosterError(row.row_number, texts.ROSTER_DUPLICATE_CODE.format(
                code=row.code, first=first_row_of_code[row.code])))
        elif row.code:
            first_row_of_code[row.code] = row.row_number
        if row.phone is not None:
            if row.phone in first_row_of_phone:
                errors.append(RosterError(row.row_number, texts.ROSTER_DUPLICATE_PHONE.format(
                    phone=row.phone, first=first_row_of_phone[row.phone])))
            else:
                first_row_of_phone[row.phone] = row.row_number
        if row.village is not None:
            village_key = (row.township, row.village)
            known = grid_of_village.setdefault(village_key, (row.grid, row.row_number))
            if known[0] != row.grid:
                errors.append(RosterError(row.row_number, texts.ROSTER_GRID_CLASH.format(
                    village=row.village, grid=row.grid, other=known[0], first=known[1])))
            if row.village_kind is not None:
                stated = kind_of_village.setdefault(village_key,
                                                    (row.village_kind, row.row_number))
                if stated[0] != row.village_kind:
                    errors.append(RosterError(row.row_number,
                                              texts.ROSTER_VILLAGE_KIND_CLASH.format(
                                                  village=row.village, kind=row.village_kind,
                                                  other=stated[0], first=stated[1])))
        if row.village and row.homestead and row.household is not None:
            household_key = (row.township, row.village, row.homestead, row.household)
            seen = at_home_of_household.setdefault(household_key, (row.at_home, row.row_number))
            if seen[0] != row.at_home:
                errors.append(RosterError(row.row_number, texts.ROSTER_HOUSEHOLD_CLASH.format(
                    household=row.household, first=seen[1])))
            if row.role in (Role.HEAD, Role.RECORDER):
                leaders[(row.township, row.village, row.homestead, row.role)].append(
                    row.row_number)
    for (_, village, homestead, role), row_numbers in leaders.items():
        for row_number in row_numbers[1:]:
            errors.append(RosterError(row_number, texts.ROSTER_SECOND_LEADER.format(
                village=village, homestead=homestead, role=role.label, first=row_numbers[0])))
    return errors


def roster_warnings(homesteads: Sequence[Homestead], persons: Iterable[Person]) -> list[str]:
    """What the roster should fix but may keep: 屋场 size, recorder, a head outside the party.

    Rule M10. ``homesteads`` and ``persons`` are the whole roster as stored; households
    are the distinct 户号 of the persons of a 屋场. One text per finding, 屋场 by 屋场.
    """
    households: dict[int, set[int]] = defaultdict(set)
    recorded: set[int] = set()
    heads: dict[int, list[Person]] = defaultdict(list)
    for member in persons:
        if member.homestead_id is None:
            continue
        if member.household is not None:
            households[member.homestead_id].add(member.household)
        if member.role is Role.RECORDER:
            recorded.add(member.homestead_id)
        elif member.role is Role.HEAD:
            heads[member.homestead_id].append(member)
    warnings: list[str] = []
    for place in homesteads:
        count = len(households[place.id])
        if not FEWEST_HOUSEHOLDS <= count <= MOST_HOUSEHOLDS:
            template = (texts.ROSTER_FEW_HOUSEHOLDS if count < FEWEST_HOUSEHOLDS
                        else texts.ROSTER_MANY_HOUSEHOLDS)
            warnings.append(template.format(homestead=place.full_name, households=count,
                                            fewest=FEWEST_HOUSEHOLDS, most=MOST_HOUSEHOLDS))
        if place.id not in recorded:
            warnings.append(texts.ROSTER_NO_RECORDER.format(homestead=place.full_name))
        warnings.extend(
            texts.ROSTER_HEAD_NOT_PARTY_MEMBER.format(homestead=place.full_name,
                                                      name=head.name, code=head.code)
            for head in heads[place.id] if not head.party_member)
    return warnings
