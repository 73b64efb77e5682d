"""Load and validate a 五面红旗 award scheme (TOML, rule A1): a shipped one or a township's file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.files.scheme import SchemeError, read_scheme_file
from core.criteria import Checklist, Compare, Criterion, Figure, Kind, Scheme

# The file's sections and the roster's 村类型 they are for.
CLASSES = {"village": "村", "community": "社区"}
# The 五个好 standard's one section (rule Y4): its checklists are a party branch's.
BRANCH_CLASSES = {"branch": "党支部"}
MAX_FIGURES = 2


class AwardSchemeError(SchemeError):
    """The award scheme is malformed; the message names the entry."""


def load_award_scheme(name_or_path: str) -> Scheme:
    """A shipped scheme (``award-000``, ``award-003``) or the scheme file at a path."""
    data, source = read_scheme_file(name_or_path, "award scheme", AwardSchemeError)
    return parse_award_scheme(data, source)


def load_wuhao_scheme(name_or_path: str) -> Scheme:
    """The 五个好 branch standard (rule Y4): the shipped ``wuhao-001`` or a file at a path."""
    data, source = read_scheme_file(name_or_path, "wuhao scheme", AwardSchemeError)
    return parse_checklists(data, source, BRANCH_CLASSES)


def parse_award_scheme(data: dict[str, Any], source: str = "award scheme") -> Scheme:
    """Validate a parsed award scheme: flags for 村 (and 社区), each with numbered criteria."""
    scheme = parse_checklists(data, source, CLASSES)
    if "村" not in scheme.classes:
        raise AwardSchemeError(f"{source}: [[village]] flags are missing")
    return scheme


def parse_checklists(data: dict[str, Any], source: str,
                     sections: Mapping[str, str]) -> Scheme:
    """Validate a criteria scheme (DESIGN §3) of any subject, e.g. a branch standard.

    ``sections`` maps each array of tables to the class of subject its checklists are
    for: ``{"village": "村"}`` here, ``{"branch": "党支部"}`` for a branch standard.
    """
    def fail(message: str) -> AwardSchemeError:
        return AwardSchemeError(f"{source}: {message}")

    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise fail("name is missing")
    classes: dict[str, tuple[Checklist, ...]] = {}
    for section, label in sections.items():
        flags = data.get(section)
        if flags is None:
            continue
        if not isinstance(flags, list) or not flags:
            raise fail(f"[[{section}]] must list the checklists")
        checklists = tuple(_flag(entry, f"{section} #{number}", fail)
                           for number, entry in enumerate(flags, start=1))
        names = [found.name for found in checklists]
        if len(set(names)) != len(names):
            raise fail(f"{section}: checklist names are not unique")
        classes[label] = checklists
    if not classes:
        raise fail(f"no checklists: expected [[{']], [['.join(sections)}]]")
    return Scheme(name=name, classes=classes)


def _flag(entry: Any, where: str, fail: Callable[[str], AwardSchemeError]) -> Checklist:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) \
            or not entry["name"]:
        raise fail(f"{where}: a flag needs a name")
    listed = entry.get("criteria")
    if not isinstance(listed, list) or not listed:
        raise fail(f"{where} ({entry['name']}): criteria are missing")
    criteria = tuple(_criterion(item, f"{where} ({entry['name']})", fail) for item in listed)
    numbers = [found.number for found in criteria]
    if numbers != list(range(1, len(numbers) + 1)):
        raise fail(f"{where} ({entry['name']}): criteria must be numbered 1, 2, 3...")
    return Checklist(entry["name"], criteria)


def _criterion(item: Any, where: str, fail: Callable[[str], AwardSchemeError]) -> Criterion:
    if not isinstance(item, dict):
        raise fail(f"{where}: a criterion must be a table")
    number, title, text = item.get("number"), item.get("title"), item.get("text", "")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise fail(f"{where}: criterion number must be a whole number from 1")
    if not isinstance(title, str) or not title or not isinstance(text, str):
        raise fail(f"{where} #{number}: title and text must be text")
    try:
        kind = Kind(item.get("kind", ""))
    except ValueError:
        raise fail(f"{where} #{number}: kind must be yes_no, number or none_happened") from None
    figures: tuple[Figure, ...] = ()
    incidents: tuple[str, ...] = ()
    join = item.get("join", "or")
    if join not in ("or", "and"):
        raise fail(f"{where} #{number}: join must be or / and")
    if kind is Kind.NUMBER:
        listed = item.get("figures")
        if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_FIGURES:
            raise fail(f"{where} #{number}: a number criterion has one or two figures")
        figures = tuple(_figure(entry, f"{where} #{number}", fail) for entry in listed)
        if len({figure.key for figure in figures}) != len(figures):
            raise fail(f"{where} #{number}: figure keys are not unique")
    elif kind is Kind.NONE_HAPPENED:
        listed = item.get("incidents")
        if not isinstance(listed, list) or not listed \
                or not all(isinstance(entry, str) and entry for entry in listed):
            raise fail(f"{where} #{number}: none_happened lists its incident types")
        incidents = tuple(listed)
    return Criterion(number=number, title=title, text=text or title, kind=kind,
                     figures=figures, incidents=incidents, either=join == "or")


def _figure(entry: Any, where: str, fail: Callable[[str], AwardSchemeError]) -> Figure:
    if not isinstance(entry, dict):
        raise fail(f"{where}: a figure must be a table")
    key, label, threshold = entry.get("key"), entry.get("label"), entry.get("threshold")
    if not isinstance(key, str) or not key or not isinstance(label, str) or not label:
        raise fail(f"{where}: a figure needs a key and a label")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise fail(f"{where}: figure {key} needs a threshold number")
    try:
        compare = Compare(entry.get("compare", "at_least"))
    except ValueError:
        raise fail(f"{where}: figure {key}: compare must be at_least or above") from None
    unit, source = entry.get("unit", ""), entry.get("source")
    if not isinstance(unit, str) or (source is not None and not isinstance(source, str)):
        raise fail(f"{where}: figure {key}: unit and source must be text")
    return Figure(key=key, label=label, threshold=float(threshold), compare=compare, unit=unit,
                  source=source)
