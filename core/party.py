"""The village party organisation (rules Y1, Y2, M6): posts, groups, lessons, liaison, dues."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from core import texts
from core.meetings import has_party_group
from core.models import Person
from core.roles import Role

# Rule Y1 (seed 001, 联帮带: "每名村幹部聯繫6戶黨員，每名黨員幫帶10戶農戶").
CADRE_MOST_MEMBERS = 6
MEMBER_MOST_HOUSEHOLDS = 10


class Post(StrEnum):
    """A party post (党内职务), stored by its Chinese label as the roster spells it."""

    GENERAL_SECRETARY = "总支书记"
    SECRETARY = "支部书记"
    COMMITTEE = "支委"
    GROUP_LEADER = "党小组长"


# Who may call a branch's meetings (rule Y2): its secretary, or the 总支's.
SECRETARIES: frozenset[Post] = frozenset({Post.GENERAL_SECRETARY, Post.SECRETARY})


class LessonKind(StrEnum):
    """The party meetings of 三会一课, 主题党日 and the 中心组's study (rule Y2)."""

    BRANCH_ASSEMBLY = "支部党员大会"
    COMMITTEE = "支委会"
    GROUP = "党小组会"
    LECTURE = "党课"
    THEME_DAY = "主题党日"
    CENTRAL_GROUP = "中心组学习"
    VIDEO = "电教片"  # 组织党员收看电教片 (seed 001: 不少于12部 a year, rule Y4)
    DEMOCRATIC_LIFE = "民主生活会"  # the 两委班子's yearly meeting (seed 001, rule Y4)


@dataclass(frozen=True, slots=True)
class PartyInfo:
    """What the roster's optional party columns say of one person (rule Y1)."""

    branch: str | None = None
    post: Post | None = None
    reserve_cadre: bool = False
    activist: bool = False
    mobile: bool = False
    position: str | None = None
    liaison: str | None = None  # the 编号 of the member who liaises with this household

    @property
    def empty(self) -> bool:
        """Whether the row said nothing of the party."""
        return self == NO_PARTY


NO_PARTY = PartyInfo()


@dataclass(frozen=True, slots=True)
class PartyGroup:
    """A recipient for storage.notify.tell: the party members of a 屋场's group, privately."""

    homestead_id: int


@dataclass(frozen=True, slots=True)
class Member:
    """A person with their party columns, as the party's rules need them."""

    person: Person
    info: PartyInfo

    @property
    def branch(self) -> str:
        """The branch's name: the 党支部 column, else the village's own branch."""
        return branch_name(self.person.village, self.info.branch)


def branch_name(village: str | None, branch: str | None) -> str:
    """A branch as people name it: the 党支部 column, or 金竹村党支部 when it is empty."""
    return branch or texts.PARTY_DEFAULT_BRANCH.format(village=village or "")


def is_secretary(member: Member) -> bool:
    """Whether this member is a branch secretary (支部书记 or 总支书记) of their village."""
    return member.person.party_member and member.info.post in SECRETARIES


def holds_no_office(member: Member) -> bool:
    """Whether a party member is 无职 (seed 001's 无职党员设岗定责): no office at all.

    Neither a party post nor a role in the village: a 村干部, 屋场长 or 记录员 holds one.
    """
    return member.person.party_member and member.info.post is None \
        and member.person.role is Role.VILLAGER


# --- the roster's columns (rule Y1) ---------------------------------------------

PARTY_COLUMNS: tuple[str, ...] = ("党支部", "党内职务", "后备干部", "入党积极分子",
                                  "流动党员", "岗位", "联系党员")
POST_BY_LABEL: dict[str, Post] = {post.value: post for post in Post}


def parse_party_columns(cells: Mapping[str, str], party_member: bool,
                        problems: list[str]) -> PartyInfo:
    """Read the optional party columns of one row, adding what is wrong to ``problems``.

    Seed 001: branch, post, 流动党员 and 设岗定责's post are a party member's; an
    入党积极分子 is by definition not yet one. 后备干部 may be anyone (seed 001's
    "四培养": 致富能手, young farmers...). 联系党员 is about the household, on any row.
    """
    post_text = cells.get("党内职务", "")
    post = POST_BY_LABEL.get(post_text) if post_text else None
    if post_text and post is None:
        problems.append(texts.ROSTER_BAD_POST.format(value=post_text,
                                                     allowed="、".join(POST_BY_LABEL)))
    flags = {}
    for column in ("后备干部", "入党积极分子", "流动党员"):
        value = cells.get(column, "")
        if value and value not in ("是", "否"):
            problems.append(texts.ROSTER_BAD_YES_NO.format(column=column, value=value))
        flags[column] = value == "是"
    info = PartyInfo(branch=cells.get("党支部", "") or None, post=post,
                     reserve_cadre=flags["后备干部"], activist=flags["入党积极分子"],
                     mobile=flags["流动党员"], position=cells.get("岗位", "") or None,
                     liaison=cells.get("联系党员", "") or None)
    for column, limit in (("党支部", 64), ("岗位", 64), ("联系党员", 32)):
        if len(cells.get(column, "")) > limit:
            problems.append(texts.ROSTER_TOO_LONG.format(column=column, limit=limit))
    if not party_member:
        members_only = [column for column, said in (
            ("党支部", info.branch), ("党内职务", post_text), ("流动党员", info.mobile),
            ("岗位", info.position)) if said]
        if members_only:
            problems.append(texts.ROSTER_PARTY_ONLY.format(columns="、".join(members_only)))
    elif info.activist:
        problems.append(texts.ROSTER_ACTIVIST_MEMBER)
    return info


class LiaisonRow(Protocol):
    """What the cross-row liaison check reads of a roster row (core.roster.RosterRow)."""

    @property
    def row_number(self) -> int: ...  # noqa: D102
    @property
    def code(self) -> str: ...  # noqa: D102
    @property
    def township(self) -> str: ...  # noqa: D102
    @property
    def village(self) -> str | None: ...  # noqa: D102
    @property
    def homestead(self) -> str | None: ...  # noqa: D102
    @property
    def household(self) -> int | None: ...  # noqa: D102
    @property
    def party_member(self) -> bool: ...  # noqa: D102
    @property
    def party(self) -> PartyInfo: ...  # noqa: D102


def party_liaison_errors(rows: Sequence[LiaisonRow]) -> list[tuple[int, str]]:
    """A 联系党员 names a party member of the same village, one per household (rule Y1)."""
    by_code = {row.code: row for row in rows}
    errors: list[tuple[int, str]] = []
    first_of_household: dict[tuple[str, str | None, str | None, int], tuple[str, int]] = {}
    for row in rows:
        liaison = row.party.liaison
        if liaison is None:
            continue
        named = by_code.get(liaison)
        if named is None or not named.party_member or row.village is None \
                or (named.township, named.village) != (row.township, row.village):
            errors.append((row.row_number, texts.ROSTER_BAD_LIAISON.format(code=liaison)))
        if row.household is not None:
            key = (row.township, row.village, row.homestead, row.household)
            seen = first_of_household.setdefault(key, (liaison, row.row_number))
            if seen[0] != liaison:
                errors.append((row.row_number, texts.ROSTER_LIAISON_CLASH.format(
                    code=liaison, other=seen[0], first=seen[1])))
    return errors


def household_liaison_warnings(members: Iterable[Member]) -> list[str]:
    """联帮带 limits (rule Y1): a cadre over 6 party members, a member over 10 households.

    A household a village cadre liaises with counts its party members toward the
    cadre's 6 (seed 001: "每名村幹部聯繫6戶黨員"); any other liaised household counts
    toward its liaison's 10.
    """
    people = list(members)
    by_code = {member.person.code: member for member in people}
    household_liaison: dict[int, Member] = {}
    household_members: dict[int, set[str]] = defaultdict(set)
    for member in people:
        household = member.person.household_id
        if household is None:
            continue
        if member.person.party_member:
            household_members[household].add(member.person.code)
        liaison = by_code.get(member.info.liaison or "")
        if liaison is not None:
            household_liaison[household] = liaison
    households: dict[str, set[int]] = defaultdict(set)
    party_members: dict[str, set[str]] = defaultdict(set)
    for household, liaison in household_liaison.items():
        code = liaison.person.code
        others = household_members[household] - {code}
        if liaison.person.role is Role.VILLAGE_CADRE and others:
            party_members[code] |= others
        else:
            households[code].add(household)
    warnings = []
    for code, named in sorted(party_members.items()):
        if len(named) > CADRE_MOST_MEMBERS:
            person = by_code[code].person
            warnings.append(texts.ROSTER_CADRE_TOO_MANY.format(
                name=person.name, code=code, count=len(named), most=CADRE_MOST_MEMBERS))
    for code, liaised in sorted(households.items()):
        if len(liaised) > MEMBER_MOST_HOUSEHOLDS:
            person = by_code[code].person
            warnings.append(texts.ROSTER_MEMBER_TOO_MANY.format(
                name=person.name, code=code, count=len(liaised), most=MEMBER_MOST_HOUSEHOLDS))
    return warnings


# --- party groups (rule M6) -----------------------------------------------------

def party_groups(persons: Iterable[Person]) -> dict[int, list[Person]]:
    """The party members of each 屋场 that has a party group (≥ 3 members, rule M6)."""
    members: dict[int, list[Person]] = defaultdict(list)
    for person in persons:
        if person.party_member and person.homestead_id is not None:
            members[person.homestead_id].append(person)
    return {homestead: found for homestead, found in members.items()
            if has_party_group(len(found))}


# --- meetings (rule Y2) ---------------------------------------------------------

def may_call(kind: LessonKind, caller: Member, group_leader_of: int | None,
             village: Sequence[Member]) -> bool:
    """Whether ``caller`` may schedule this kind: a secretary; a group's leader its 党小组会.

    The 民主生活会 is the 总支书记's where the village has one (seed 001: 由村党总支部书记
    主持召开, rule Y4); else a branch secretary's.
    """
    if kind is LessonKind.DEMOCRATIC_LIFE and any(
            is_secretary(member) and member.info.post is Post.GENERAL_SECRETARY
            for member in village):
        return is_secretary(caller) and caller.info.post is Post.GENERAL_SECRETARY
    if is_secretary(caller):
        return True
    return kind is LessonKind.GROUP and group_leader_of is not None


def expected(kind: LessonKind, caller: Member, village: Sequence[Member],
             group: int | None) -> list[Member]:
    """Who is expected at a party meeting (rule Y2).

    A 党小组会: the members of the group's 屋场; a 支委会: the branch's posts; a
    中心组学习: the village's 两委 (村干部), secretaries and group leaders (seed 001); a
    民主生活会: the 两委班子, its 村干部 and party posts (rule Y4); the rest: every
    member of the caller's branch.
    """
    if kind is LessonKind.GROUP:
        return [member for member in village
                if member.person.party_member and member.person.homestead_id == group]
    if kind is LessonKind.CENTRAL_GROUP:
        return [member for member in village
                if member.person.role in (Role.VILLAGE_CADRE, Role.HEAD)
                or (member.person.party_member and member.info.post is not None)]
    if kind is LessonKind.DEMOCRATIC_LIFE:
        return [member for member in village
                if member.person.role is Role.VILLAGE_CADRE
                or (member.person.party_member and member.info.post is not None)]
    in_branch = [member for member in village
                 if member.person.party_member and member.branch == caller.branch]
    if kind is LessonKind.COMMITTEE:
        return [member for member in in_branch if member.info.post is not None]
    return in_branch


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One person expected at a party meeting: present or not, excused as 流动党员 or not."""

    person_id: int
    excused: bool
    present: bool


def attendance_rate(entries: Iterable[RollEntry]) -> float | None:
    """Present / expected, leaving out the excused absent (rule Y2: 流动党员 excused, not absent).

    None when nobody was expected.
    """
    counted = [entry for entry in entries if entry.present or not entry.excused]
    if not counted:
        return None
    return sum(entry.present for entry in counted) / len(counted)


def rates_by_person(entries: Iterable[RollEntry]) -> dict[int, float]:
    """Each person's attendance rate over the meetings they were expected at."""
    by_person: dict[int, list[RollEntry]] = defaultdict(list)
    for entry in entries:
        by_person[entry.person_id].append(entry)
    return {person_id: rate for person_id, found in by_person.items()
            if (rate := attendance_rate(found)) is not None}


def monthly_kinds_missing(held: Iterable[LessonKind]) -> list[LessonKind]:
    """Which monthly meetings a branch has not held yet this month (rule Y2, seed 001/002)."""
    counted = Counter(held)
    return [kind for kind in (LessonKind.THEME_DAY, LessonKind.CENTRAL_GROUP)
            if not counted[kind]]


def quarter_start(day: date) -> date:
    """The first day of ``day``'s quarter (visits are checked per quarter)."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def valid_month(text: str) -> bool:
    """Whether ``text`` is a month written YYYY-MM."""
    return MONTH.match(text) is not None


def parse_amount(text: str) -> int | None:
    """党费 in 元 as typed (12, 12.5, 12.50) → fen; None if it is not a positive amount."""
    whole, _, cents = text.partition(".")
    if not whole.isdecimal() or (cents and not (cents.isdecimal() and len(cents) <= 2)):
        return None
    fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
    return fen if 0 < fen <= 100_000_000 else None


def yuan(fen: int) -> str:
    """Fen shown as 元 with two decimals."""
    return f"{fen // 100}.{fen % 100:02d}"


def arrears(members: Iterable[Member], paid: Mapping[int, set[str]],
            months: Sequence[str]) -> dict[int, list[str]]:
    """The months of ``months`` each member has paid no 党费 for (rule Y2, seed 001)."""
    owing: dict[int, list[str]] = {}
    for member in members:
        if not member.person.party_member:
            continue
        missing = [month for month in months if month not in paid.get(member.person.id, set())]
        if missing:
            owing[member.person.id] = missing
    return owing


def group_warnings(names: Mapping[int, str], persons: Sequence[Person]) -> list[str]:
    """A 屋场 with a party group whose head is not a party member (rules M6, M10)."""
    heads = {person.homestead_id: person for person in persons if person.role is Role.HEAD}
    warnings = []
    for homestead_id, members in sorted(party_groups(persons).items()):
        head = heads.get(homestead_id)
        if head is None or not head.party_member:
            warnings.append(texts.ROSTER_GROUP_NO_LEADER.format(
                homestead=names.get(homestead_id, ""), members=len(members)))
    return warnings
