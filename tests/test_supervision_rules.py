"""Rules S1-S3 as pure functions, at their edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from core.calendar import WorkCalendar
from core.supervision import (
    Bonus,
    DigestInputs,
    Figures,
    LagInputs,
    SupervisionRules,
    draft_digest,
    judged_on,
    lag_reasons,
    no_meeting_lag,
    overdue_lag,
    parse_quarter,
    previous_month,
    quarter_months,
    quarter_score,
    quorum_lag,
    rank_quarter,
    working_days_after,
)

RULES = SupervisionRules()
CALENDAR = WorkCalendar(holidays=frozenset({date(2026, 10, 1)}))


def test_no_meeting_lags_only_after_two_whole_months_without_one() -> None:
    assert no_meeting_lag((False, False), RULES)
    assert no_meeting_lag((False, False, True), RULES)
    assert not no_meeting_lag((False, True), RULES)
    assert not no_meeting_lag((True, False), RULES)
    assert not no_meeting_lag((False,), RULES)  # too little history to say
    assert no_meeting_lag((False, False, False), SupervisionRules(no_meeting_months=3))


def test_quorum_lags_when_the_last_two_meetings_both_missed_it() -> None:
    assert quorum_lag((False, False), RULES)
    assert quorum_lag((False, False, True), RULES)
    assert not quorum_lag((False, True, False), RULES)
    assert not quorum_lag((True, False), RULES)
    assert not quorum_lag((False,), RULES)  # one meeting only
    assert not quorum_lag((), RULES)


def test_an_issue_lags_once_overdue_more_than_ten_working_days() -> None:
    friday = date(2026, 11, 13)
    assert working_days_after(CALENDAR, friday, date(2026, 11, 27)) == 10
    assert not overdue_lag(friday, date(2026, 11, 27), CALENDAR, RULES)  # exactly 10
    assert not overdue_lag(friday, date(2026, 11, 29), CALENDAR, RULES)  # the weekend
    assert overdue_lag(friday, date(2026, 11, 30), CALENDAR, RULES)  # 11
    assert not overdue_lag(None, date(2026, 11, 30), CALENDAR, RULES)
    # A holiday is not a working day: 09-30 to 10-02 is one working day (10-02), not two.
    assert working_days_after(CALENDAR, date(2026, 9, 30), date(2026, 10, 2)) == 1


def test_lag_reasons_name_every_reason() -> None:
    inputs = LagInputs("金竹村", "枫树湾", (False, False), (False, False), date(2026, 11, 13))
    assert lag_reasons(inputs, date(2026, 11, 30), CALENDAR, RULES) == [
        "连续2个月没有开会", "最近2次会议到会户数都不足法定", "有问题超期超过10个工作日"]
    assert lag_reasons(LagInputs("金竹村", "杨家湾", (True, False), (True,), None),
                       date(2026, 11, 30), CALENDAR, RULES) == []


def test_a_township_digest_sums_its_villages_and_marks_lagging_ones() -> None:
    one = Figures(meetings=2, quorate=1, attendance=((3, 3), (1, 3)), motions=1, decisions=1,
                  raised=1, overdue=1, homesteads_met=1)
    idle = Figures()
    lags = (LagInputs("金竹村", "枫树湾", (True, False), (False, True), None),
            LagInputs("金竹村", "杨家湾", (False, False), (), None))
    inputs = DigestInputs("2026-11", "金溪镇", (("金竹村", "枫树湾"), ("金竹村", "杨家湾")),
                          (one, idle), lags, (), by_village=True)
    digest = draft_digest(inputs, date(2026, 11, 30), CALENDAR, RULES)
    ((village, figures),) = digest.rows
    assert village == "金竹村"
    assert (figures.homesteads, figures.homesteads_met, figures.meetings) == (2, 1, 2)
    assert digest.lagging == (("金竹村杨家湾", "连续2个月没有开会"),)
    assert digest.lagging_rows == {"金竹村"}
    per_homestead = draft_digest(replace(inputs, by_village=False), date(2026, 11, 30),
                                 CALENDAR, RULES)
    assert [name for name, _ in per_homestead.rows] == ["枫树湾", "杨家湾"]
    assert per_homestead.lagging_rows == {"杨家湾"}


def test_months_and_quarters() -> None:
    assert previous_month(date(2026, 1, 1)) == "2025-12"
    assert judged_on("2026-11", date(2026, 12, 1)) == date(2026, 11, 30)
    assert judged_on("2026-11", date(2026, 11, 20)) == date(2026, 11, 20)
    assert judged_on("2026-02", date(2026, 5, 1)) == date(2026, 2, 28)
    assert parse_quarter("2026-Q4") == (2026, 4)
    assert parse_quarter("2026q1") == (2026, 1)
    assert parse_quarter("2026-Q5") is None
    assert parse_quarter("2026-4") is None
    assert quarter_months(2026, 4) == ["2026-10", "2026-11", "2026-12"]


def test_quarter_score_averages_the_months_and_bonus_points_decide_the_ranking() -> None:
    idle = Figures()  # no meeting, no issue: only issues on time counts, 30 of 100
    busy = Figures(homesteads_met=1, meetings=1, quorate=1, attendance=((3, 3),), raised=1,
                   closed=1, ratings=(1.0,))
    assert quarter_score(RULES.weights, [idle]) == 30
    assert quarter_score(RULES.weights, [busy]) == 100
    assert quarter_score(RULES.weights, [idle, busy, idle]) == round(160 / 3, 2)
    assert quarter_score(RULES.weights, []) == 0
    ranked = rank_quarter(RULES.weights, {"金竹村": [busy], "丰收村": [idle], "石桥村": [idle]},
                          [Bonus("丰收村", 5, "经验推广"), Bonus("丰收村", -1, "材料迟交")])
    assert [(found.village, found.score, found.total) for found in ranked] == [
        ("金竹村", 100, 100), ("丰收村", 30, 34), ("石桥村", 30, 30)]
    # Equal totals: the higher score from the figures first, then the name.
    tied = rank_quarter(RULES.weights, {"乙村": [idle], "甲村": [busy]},
                        [Bonus("乙村", 70, "特别贡献")])
    assert [found.village for found in tied] == ["甲村", "乙村"]
    names = rank_quarter(RULES.weights, {"乙村": [idle], "甲村": [idle]}, [])
    assert [found.village for found in names] == sorted(["乙村", "甲村"])
