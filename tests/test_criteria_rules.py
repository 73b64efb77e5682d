"""Criteria checklists (DESIGN §3, rule A1): criterion kinds at their edges, OR, none happened."""

from __future__ import annotations

from datetime import date

import pytest

from bot.files.award_scheme import AwardSchemeError, load_award_scheme, parse_award_scheme
from core.criteria import (
    Answer,
    Checklist,
    Compare,
    Criterion,
    Figure,
    Incident,
    Kind,
    Outcome,
    Review,
    Verdict,
    evaluate,
    next_open,
    outcome,
    read_figures,
    unanswered,
)

SCHEME_000 = load_award_scheme("award-000")
LAND = SCHEME_000.checklist("村", "产业兴旺")
assert LAND is not None
LAND_2 = LAND.criterion(2)  # 流转土地 area 30% 以上, OR households 30% 以上
BASE_4 = LAND.criterion(4)  # income above 10% AND base 30%: both
GOVERNANCE = SCHEME_000.checklist("村", "社会治理")
assert GOVERNANCE is not None and LAND_2 is not None and BASE_4 is not None
NINE_NONE = GOVERNANCE.criterion(4)
assert NINE_NONE is not None


def test_threshold_at_its_edge_30_meets_29_9_does_not() -> None:
    assert evaluate(LAND_2, Answer(2, figures={"area_share": 30.0})) is True
    assert evaluate(LAND_2, Answer(2, figures={"area_share": 29.9})) is False


def test_above_is_strict() -> None:
    strict = Criterion(1, "t", "t", Kind.NUMBER, (Figure("x", "x", 10, Compare.ABOVE),))
    assert evaluate(strict, Answer(1, figures={"x": 10})) is False
    assert evaluate(strict, Answer(1, figures={"x": 10.01})) is True


def test_or_criterion_is_met_by_either_figure() -> None:
    assert evaluate(LAND_2, Answer(2, figures={"area_share": 12, "household_share": 30})) is True
    assert evaluate(LAND_2, Answer(2, figures={"area_share": 31, "household_share": 5})) is True
    assert evaluate(LAND_2, Answer(2, figures={"area_share": 29.9,
                                              "household_share": 29.9})) is False
    assert evaluate(LAND_2, Answer(2, figures={"household_share": 30})) is True


def test_and_criterion_needs_both_figures() -> None:
    assert evaluate(BASE_4, Answer(4, figures={"income_above": 10})) is None
    assert evaluate(BASE_4, Answer(4, figures={"income_above": 10, "base_share": 30})) is True
    assert evaluate(BASE_4, Answer(4, figures={"income_above": 10, "base_share": 29})) is False


def test_none_happened_is_broken_by_an_incident_of_its_types_only() -> None:
    said = Answer(4, value=True)
    assert evaluate(NINE_NONE, said) is True
    fire = Incident("重大火灾", "仓库起火", date(2026, 3, 1))
    assert evaluate(NINE_NONE, said, [fire]) is False
    other = Incident("非正常上访", "x", date(2026, 3, 1))  # criterion 2's type, not 九无
    assert evaluate(NINE_NONE, said, [other]) is True
    assert len(NINE_NONE.incidents) == 9


def test_outcome_needs_every_criterion_met_and_an_incident_unmeets() -> None:
    checklist = GOVERNANCE
    met = {number: Verdict(number, Review.MET) for number in (1, 2, 3, 4)}
    assert outcome(checklist, met) is Outcome.MET
    assert outcome(checklist, {**met, 3: Verdict(3, Review.SENT_BACK, "补材料",
                                                 date(2026, 12, 1))}) is Outcome.INCOMPLETE
    assert outcome(checklist, {**met, 3: Verdict(3, Review.NOT_MET)}) is Outcome.NOT_MET
    assert outcome(checklist, {1: met[1]}) is Outcome.INCOMPLETE
    drug = Incident("涉毒案件", "x", date(2026, 5, 1))
    assert outcome(checklist, met, [drug]) is Outcome.NOT_MET


def test_unanswered_and_next_open() -> None:
    checklist = Checklist("x", (
        Criterion(1, "a", "a", Kind.YES_NO),
        Criterion(2, "b", "b", Kind.NUMBER, (Figure("n", "n", 1),)),
        Criterion(3, "c", "c", Kind.NONE_HAPPENED, incidents=("命案",))))
    assert unanswered(checklist, {}) == [1, 2, 3]
    answers = {1: Answer(1, value=False), 2: Answer(2, figures={"n": 0})}
    assert unanswered(checklist, answers) == [3]
    found = next_open(checklist, answers)
    assert found is not None and found.number == 3


def test_read_figures() -> None:
    assert read_figures(LAND_2, ["30%"]) == {"area_share": 30.0}
    assert read_figures(LAND_2, ["-", "45"]) == {"household_share": 45.0}
    for bad in (["x"], ["1", "2", "3"], ["-"], ["nan"], ["-5"]):
        with pytest.raises(ValueError):
            read_figures(LAND_2, bad)


def test_shipped_schemes_follow_the_seeds() -> None:
    assert [found.name for found in SCHEME_000.checklists("村")] == [
        "党建示范", "脱贫致富", "产业兴旺", "乡风文明", "社会治理"]
    civil = SCHEME_000.checklist("村", "乡风文明")
    assert civil is not None
    assert [(f.label, f.threshold) for c in civil.criteria for f in c.figures] == [
        ("“清洁之家”创建率", 70), ("户用卫生厕所普及率", 90), ("“文明家庭”创建率", 50)]
    scheme_003 = load_award_scheme("award-003")
    assert [found.name for found in scheme_003.checklists("社区")] == [
        "党建引领", "服务优质", "绿色宜居", "文明祥和", "社会治理"]
    assert [len(found.criteria) for found in scheme_003.checklists("村")] == [5, 6, 4, 5, 4]
    assert [len(found.criteria) for found in scheme_003.checklists("社区")] == [5, 5, 3, 4, 4]


def test_a_malformed_scheme_is_refused_naming_the_entry() -> None:
    with pytest.raises(AwardSchemeError, match="numbered"):
        parse_award_scheme({"name": "x", "village": [{"name": "a", "criteria": [
            {"number": 2, "title": "t", "kind": "yes_no"}]}]})
    with pytest.raises(AwardSchemeError, match="one or two figures"):
        parse_award_scheme({"name": "x", "village": [{"name": "a", "criteria": [
            {"number": 1, "title": "t", "kind": "number"}]}]})
