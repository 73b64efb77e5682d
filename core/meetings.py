"""Rules M1-M9 of the monthly deliberation meeting (红色屋场议事恳谈会), as pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from core.when import parse_day, parse_time

QUORUM_PERCENT = 80
PASS_PERCENT = 80
ADULT_AGE = 18
PARTY_GROUP_MINIMUM = 3
MAX_PERSONS_PER_HOUSEHOLD = 20


def households_required(resident_households: int) -> int:
    """Households that must be present: 80% of resident households, rounded up (rule M3)."""
    return -(-resident_households * QUORUM_PERCENT // 100)


def quorum_met(households_present: int, resident_households: int) -> bool:
    """Whether a meeting is quorate: present >= 80% of resident households (rule M3).

    Households living away long-term are outside ``resident_households``; a 屋场
    with no resident household cannot hold a quorate meeting.
    """
    if resident_households <= 0:
        return False
    return households_present * 100 >= resident_households * QUORUM_PERCENT


def votes_required(persons_present: int) -> int:
    """Votes in favour a motion needs: 80% of persons present, rounded up (rule M4)."""
    return -(-persons_present * PASS_PERCENT // 100)


def motion_passed(yes: int, persons_present: int) -> bool:
    """Whether a motion passes: yes >= 80% of persons present, not of votes cast (rule M4)."""
    if persons_present <= 0:
        return False
    return yes * 100 >= persons_present * PASS_PERCENT


def may_participate(age: int) -> bool:
    """Whether a villager of this age takes part in the meeting's counts (rule M3)."""
    return age >= ADULT_AGE


def has_party_group(party_members: int) -> bool:
    """Whether a 屋场 has a party group (党小组), led by its head (rule M6)."""
    return party_members >= PARTY_GROUP_MINIMUM


@dataclass(frozen=True, slots=True)
class Blackout:
    """A busy farming season (农忙) of one village, or of every village when ``village`` is None.

    ``start`` and ``end`` are inclusive. With ``yearly`` only their month and day
    count, so the season recurs every year (a season may run over New Year).
    """

    name: str
    start: date
    end: date
    yearly: bool
    village: str | None = None

    def covers(self, day: date, village: str) -> bool:
        """Whether ``day`` in ``village`` falls inside this season (rule M2)."""
        if self.village is not None and self.village != village:
            return False
        if not self.yearly:
            return self.start <= day <= self.end
        key = (day.month, day.day)
        first, last = (self.start.month, self.start.day), (self.end.month, self.end.day)
        if first <= last:
            return first <= key <= last
        return key >= first or key <= last


def blackout_for(blackouts: Iterable[Blackout], day: date, village: str) -> Blackout | None:
    """The first busy season that ``day`` falls in for ``village``, if any (rule M2)."""
    return next((season for season in blackouts if season.covers(day, village)), None)


ATTEND_ITEM = re.compile(r"^(\d{1,4})(?:[*×xX](\d{1,3}))?$")


class AttendanceSyntaxError(ValueError):
    """An /attend item that is not ``户号`` or ``户号*人数``."""


def parse_attendance(text: str) -> dict[int, int]:
    """Parse ``3 5*2 7`` into {household number: persons}; a bare number means one person.

    ``*0`` withdraws a household recorded by mistake. Chinese commas and the
    multiplication sign are accepted, since phones offer them.
    """
    items = text.replace("，", " ").replace(",", " ").replace("、", " ").split()
    if not items:
        raise AttendanceSyntaxError(text)
    result: dict[int, int] = {}
    for item in items:
        match = ATTEND_ITEM.match(item)
        if match is None:
            raise AttendanceSyntaxError(item)
        number, persons = int(match.group(1)), match.group(2)
        count = 1 if persons is None else int(persons)
        if number <= 0 or count > MAX_PERSONS_PER_HOUSEHOLD:
            raise AttendanceSyntaxError(item)
        result[number] = count
    return result


def households_over_adults(persons_by_household: Mapping[int, int],
                           ages_by_household: Mapping[int, Iterable[int]]) -> dict[int, int]:
    """Households counted with more persons than their roster members aged 18+ (rule M7).

    Return {household number: its members aged 18+} for each one over; a household
    the roster does not know has none.
    """
    adults = {number: sum(1 for age in ages if may_participate(age))
              for number, ages in ages_by_household.items()}
    return {number: adults.get(number, 0) for number, persons
            in sorted(persons_by_household.items()) if persons > adults.get(number, 0)}


def evening_before(starts_at_local: datetime, hour: int) -> datetime:
    """The evening reminder's moment: ``hour`` o'clock on the day before (local time)."""
    previous = starts_at_local.date() - timedelta(days=1)
    return starts_at_local.replace(year=previous.year, month=previous.month, day=previous.day,
                                   hour=hour, minute=0, second=0, microsecond=0)


HOUR_BEFORE = timedelta(hours=1)


# --- before a meeting (rule M8) -----------------------------------------------------
POLL_MIN_OPTIONS, POLL_MAX_OPTIONS = 2, 4
REQUEST_WINDOW = timedelta(days=30)


class PollSyntaxError(ValueError):
    """A /poll argument list that is not 2-4 pairs of ``日期 时间``; args[0] is the bad part."""


def parse_poll(text: str, zone: tzinfo, today: date) -> list[datetime]:
    """Parse ``2026-11-10 19:30 12月12日 19点半`` into 2-4 distinct local times (rule M8).

    Each candidate is a day and a time as ``core.when`` reads them. Raises
    PollSyntaxError naming the first day and time that cannot be read, or the whole
    text when there are too few or too many pairs or two are the same.
    """
    words = text.split()
    if len(words) % 2 or not POLL_MIN_OPTIONS <= len(words) // 2 <= POLL_MAX_OPTIONS:
        raise PollSyntaxError(text)
    times: list[datetime] = []
    for day, clock in zip(words[::2], words[1::2], strict=True):
        try:
            times.append(datetime.combine(parse_day(day, today), parse_time(clock),
                                          tzinfo=zone))
        except ValueError:
            raise PollSyntaxError(f"{day} {clock}") from None
    if len(set(times)) != len(times):
        raise PollSyntaxError(text)
    return times


def request_window_start(now: datetime, last_meeting_ended: datetime | None) -> datetime:
    """Requests for a meeting count for 30 days, and not from before the last meeting (M8)."""
    start = now - REQUEST_WINDOW
    return max(start, last_meeting_ended) if last_meeting_ended is not None else start


def meeting_wanted(households_asking: int, resident_households: int) -> bool:
    """Whether more than half the resident households ask for a meeting (rule M8).

    Exactly half is not enough.
    """
    return households_asking * 2 > resident_households and households_asking > 0


def meeting_wanted_now(asking_before: int, asking_after: int, resident_households: int) -> bool:
    """Whether one more request crosses the half: the head is told once per crossing (M8)."""
    return (meeting_wanted(asking_after, resident_households)
            and not meeting_wanted(asking_before, resident_households))
