"""The ``wuchang`` command line: the township admin's tools and the service itself."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer

from bot.cli.backup import backup
from bot.cli.common import fail, import_table, rejected, say, settings_or_fail, with_app
from bot.cli.errors import ExplainingGroup, safe_url
from bot.cli.files import slips, template
from bot.cli.wecom import wecom_cli
from core import texts

if TYPE_CHECKING:
    from bot.wiring import App

T = TypeVar("T")

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
cli = typer.Typer(cls=ExplainingGroup, help="wuchang：红色屋场议事与问题清单机器人。",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  context_settings=HELP_OPTIONS)
roster_cli = typer.Typer(help="花名册：导入人员，打印邀请码。", no_args_is_help=True)
cli.add_typer(roster_cli, name="roster")
scores_cli = typer.Typer(help="红黄旗：从表格导入月度评比分数。", no_args_is_help=True)
cli.add_typer(scores_cli, name="scores")
hongqi_cli = typer.Typer(help="五面红旗：导入纸质申报材料。", no_args_is_help=True)
cli.add_typer(hongqi_cli, name="hongqi")
dues_cli = typer.Typer(help="党费：从表格导入缴纳记录。", no_args_is_help=True)
cli.add_typer(dues_cli, name="dues")
cli.add_typer(wecom_cli, name="wecom")


def main() -> None:
    """Entry point of the console script."""
    cli()


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import version

        typer.echo(f"wuchang {version('wuchang')}")
        raise typer.Exit()


@cli.callback()
def options(
    context: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=texts.CLI_QUIET_HELP)] = False,
    _version_shown: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version, is_eager=True, help=texts.CLI_VERSION_HELP)]
    = False,
) -> None:
    """Options of every command: --quiet keeps only errors, --version prints the version."""
    context.obj = {"quiet": quiet}
    if quiet:
        logging.getLogger().setLevel(logging.ERROR)


@cli.command()
def init() -> None:
    """Create or upgrade the database schema (also done on every start)."""
    from core import texts
    from storage.db import Database, head_revision

    settings = settings_or_fail()

    async def upgrade() -> Path | None:
        database = Database(settings.database_url)
        try:
            return await database.migrate()
        finally:
            await database.dispose()

    aside = asyncio.run(upgrade())
    if aside is not None:
        say(texts.CLI_DATABASE_COPIED.format(path=aside))
    say(texts.CLI_DATABASE_READY.format(version=head_revision(),
                                               url=safe_url(settings.database_url)))


@cli.command()
def run(
    context: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = True,
) -> None:
    """Start every configured channel, the HTTP app and the scheduler; stop on SIGTERM."""
    from bot.logs import configure
    from bot.service import serve

    settings = settings_or_fail()
    quiet = isinstance(context.obj, dict) and context.obj.get("quiet")
    configure(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING,
              settings.log_format)
    asyncio.run(serve(settings))


@cli.command()
def status() -> None:
    """List the timed jobs with their last run, the outbox backlog and roster warnings."""
    from rich.console import Console
    from rich.table import Table

    from bot.admin import status as collect

    found = with_app(collect)
    console = Console()
    console.print(f"数据库版本：{found.schema}")
    jobs = Table("任务", "间隔(秒)", "上次开始", "上次结束", "次数", "失败", "最近错误")
    for name, every, last in found.jobs:
        if last is None:
            jobs.add_row(name, str(every), "未运行", "", "0", "0", "")
        else:
            jobs.add_row(name, str(every), _when(last.last_started_at, found.zone),
                         _when(last.last_finished_at, found.zone), str(last.runs),
                         str(last.failures),
                         last.last_error or "")
    console.print(jobs)
    backlog = Table("通道", "待发", "已发", "失败")
    for channel in sorted({channel for channel, _ in found.backlog}):
        backlog.add_row(channel, *(str(found.backlog.get((channel, state), 0))
                                   for state in ("pending", "sent", "failed")))
    console.print(backlog if found.backlog else "发件箱为空。")
    _print_roster_warnings(found.roster_warnings)


def _print_roster_warnings(warnings: list[str]) -> None:
    """Rule M10's findings on the stored roster, one line each, never wrapped."""
    from core import texts

    if not warnings:
        typer.echo(texts.ROSTER_WARNINGS_NONE)
        return
    typer.echo(texts.ROSTER_WARNINGS_HEADER.format(count=len(warnings)))
    for warning in warnings:
        typer.echo(f"  {warning}")


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


@cli.command()
def verify(
    head: Annotated[str | None, typer.Option(
        "--head", help="a chain head kept from a digest or confirmation message")] = None,
) -> None:
    """Check the event log's hash chain, the sealed rows, and every issue and task's events."""
    from bot.admin import verify as check
    from bot.admin import verify_seals, verify_tasks
    from core import texts

    async def every(app: App) -> tuple[int | None, list[int], list[int], list[str], bool]:
        return (*await check(app), await verify_tasks(app), *await verify_seals(app, head))

    broken, mismatched, tasks, sealed, holds = with_app(every)
    if broken is None and not mismatched and not tasks and not sealed and holds:
        say("事件记录完整，哈希链校验通过。")
        if head is not None:
            say(texts.VERIFY_HEAD_HOLDS)
        return
    if broken is not None:
        typer.echo(f"事件记录被改动：第一个校验不通过的事件编号是 {broken}。", err=True)
    if mismatched:
        numbers = "、".join(str(number) for number in mismatched)
        typer.echo(f"问题清单与事件记录不一致：{numbers}号问题。", err=True)
    if tasks:
        numbers = "、".join(str(number) for number in tasks)
        typer.echo(f"决议等跟进事项与事件记录不一致：{numbers}号。", err=True)
    if sealed:
        typer.echo(texts.VERIFY_SEALS_BROKEN.format(subjects="、".join(
            texts.seal_subject(subject) for subject in sealed)), err=True)
    if not holds:
        typer.echo(texts.VERIFY_HEAD_MISSING, err=True)
    raise typer.Exit(1)


@cli.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="json or xlsx")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    month: Annotated[str | None, typer.Option(help="YYYY-MM: issues raised that month (xlsx)")]
    = None,
    village: Annotated[str | None, typer.Option(help="only this village's issues (xlsx)")]
    = None,
    book: Annotated[str, typer.Option(help="xlsx: ledger (问题清单) or party (党支部台账)")]
    = "ledger",
) -> None:
    """Print the whole state as JSON, or write the problem ledger as a spreadsheet."""
    if format == "json":
        _export_json(output)
    elif format == "xlsx":
        if output is None:
            raise fail("导出表格请用 -o 指定文件，例如 -o 问题清单.xlsx")
        if book == "party":  # the branch's registers (rule Y4's 一卡二表三薄)
            _export_party_book(output)
        elif book == "ledger":
            _export_xlsx(output, month, village)
        else:
            raise fail(f"不支持的表格：{book}（可用：ledger、party）")
    else:
        raise fail(f"不支持的格式：{format}（可用：json、xlsx）")


def _export_json(output: Path | None) -> None:
    from storage.export import snapshot

    async def collect(app: App) -> dict[str, object]:
        async with app.context.db.read() as connection:
            return await snapshot(connection, app.context.timezone, app.context.rules.scheme,
                                  app.context.rules.award)

    document = json.dumps(with_app(collect), ensure_ascii=False, indent=2, default=str)
    if output is None:
        typer.echo(document)
    else:
        output.write_text(document + "\n", encoding="utf-8")


def _export_party_book(output: Path) -> None:
    from bot.files.party_book import write_party_book
    from storage.party_export import snapshot

    async def collect(app: App) -> dict[str, Any]:
        async with app.context.db.read() as connection:
            return await snapshot(connection, app.context.timezone)

    count = write_party_book(with_app(collect), output)
    typer.echo(f"已导出 {count} 名党员的台账到 {output}")


def _export_xlsx(output: Path, month: str | None, village: str | None) -> None:
    from rich.progress import Progress

    from bot.files.ledger_xlsx import write_ledger

    settings = settings_or_fail()
    period = None
    if month is not None:
        try:
            start = datetime.strptime(month, "%Y-%m").replace(tzinfo=settings.zone)
        except ValueError:
            raise fail(f"月份“{month}”不对，请写成 2026-11") from None
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        period = (start, following)

    async def work(app: App) -> int:
        with Progress(transient=True) as bar:
            task = bar.add_task("导出问题清单", total=None)
            return await write_ledger(
                app.context, output, month=period, village=village,
                progress=lambda done, total: bar.update(task, completed=done, total=total))

    count = with_app(work, settings)
    say(f"已导出 {count} 个问题到 {output}")


@cli.command()
def minutes(
    meeting_id: Annotated[int, typer.Argument(help="the meeting's id (wuchang export)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.pdf or FILE.xlsx")],
) -> None:
    """Write a meeting's printable record (台账): A4 PDF or a spreadsheet, by the suffix."""
    from bot.files.meeting_record import MeetingNotHeld, UnknownMeeting, write_record
    from core import texts

    if output.suffix.lower() not in (".pdf", ".xlsx"):
        raise fail(texts.RECORD_BAD_SUFFIX.format(path=output))
    try:
        with_app(lambda app: write_record(app.context, meeting_id, output))
    except UnknownMeeting:
        raise fail(texts.RECORD_UNKNOWN_MEETING.format(meeting_id=meeting_id), 1) from None
    except MeetingNotHeld:
        raise fail(texts.RECORD_NOT_HELD.format(meeting_id=meeting_id), 1) from None
    say(texts.RECORD_WRITTEN.format(path=output))


@cli.command()
def poster(
    village: Annotated[str, typer.Argument(help="村, or 镇/村 where two townships have one")],
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.pdf or FILE.png")],
) -> None:
    """Print a village's month on one A4 page (PDF or PNG) for the physical 公开栏."""
    from bot.files.a4 import FORMATS
    from bot.files.poster import PosterRefused, month_board, write_poster
    from core import texts

    if output.suffix.lower() not in FORMATS:
        raise fail(texts.POSTER_BAD_SUFFIX)
    try:  # 2026-3 is March too: one spelling of the month from here on
        month = f"{datetime.strptime(month, '%Y-%m'):%Y-%m}"
    except ValueError:
        raise fail(texts.MONTH_BAD.format(value=month)) from None
    try:
        board = with_app(lambda app: month_board(app.context, village, month))
    except PosterRefused as refused:
        raise fail(str(refused)) from None
    write_poster(board, month, output)
    say(texts.POSTER_WRITTEN.format(village=board.village, month=month, path=output))


@cli.command()
def digest(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM; default last month")]
    = None,
) -> None:
    """Print each township's monthly digest of the 红色屋场 work (rules S1, S2)."""
    from core import texts
    from core.clock import SystemClock
    from core.supervision import digest_text, draft_digest, judged_on, previous_month
    from storage import flags as flag_store
    from storage import supervision

    settings = settings_or_fail()
    today = SystemClock().now().astimezone(settings.zone).date()
    if month is None:
        month = previous_month(today)
    elif re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) is None:
        raise fail(texts.MONTH_BAD.format(value=month))

    async def work(app: App) -> list[str]:
        rules = app.context.rules
        async with app.context.db.read() as connection:
            return [digest_text(draft_digest(await supervision.digest_inputs(
                connection, await supervision.scope_of(connection, township_id), month,
                app.context.timezone, rules.supervision), judged_on(month, today),
                rules.calendar, rules.supervision))
                for township_id in await flag_store.township_ids(connection)]

    typer.echo("\n\n".join(with_app(work, settings)))


@cli.command()
def replay(script: Annotated[Path, typer.Argument(help="JSONL script")]) -> None:
    """Play a script through the real handlers and print every outgoing message as JSON."""
    from bot.replay import ScriptError, parse_script, play

    settings = settings_or_fail()
    try:
        lines = parse_script(script.read_text(encoding="utf-8").splitlines(), settings.zone)
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"读不了脚本：{error}") from None
    except ScriptError as error:
        raise fail(f"脚本错误：{error}") from None

    def emit(line: dict[str, object]) -> None:
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    asyncio.run(play(settings, lines, emit))


@cli.command()
def chat(
    person: Annotated[str, typer.Option("--as", help="roster 编号")],
    where: Annotated[str | None, typer.Option("--in", help="屋场 or 村/屋场")] = None,
) -> None:
    """Talk to the bot in this terminal as a roster person, privately or in a 屋场 group."""
    from bot.terminal import talk

    asyncio.run(talk(settings_or_fail(), person, where))


@cli.command()
def demo(
    db: Annotated[Path, typer.Option(help="SQLite file to rebuild")] = Path("wuchang.db"),
) -> None:
    """Rebuild the sample township in a SQLite file and print a scripted conversation."""
    from bot.demo import DemoRefused, run_demo

    try:
        asyncio.run(run_demo(db, settings_or_fail()))
    except DemoRefused as refused:
        raise fail(str(refused)) from None


@roster_cli.command("import")
def roster_import(file: Annotated[Path, typer.Argument(help=".csv or .xlsx")]) -> None:
    """Import or update the roster; one bad row rejects the whole file."""
    from bot.admin import import_roster_file
    from core import texts
    from core.roster import RosterInvalid

    try:
        result = with_app(lambda app: import_roster_file(app, file), create=True)
    except RosterInvalid as invalid:
        raise rejected("花名册", "数据", invalid) from None
    say(f"导入完成：新增 {len(result.created)} 人，更新 {len(result.updated)} 人，"
        f"未变 {result.unchanged} 人；在家情况变动 {len(result.households_changed)} 户。")
    for warning in result.warnings:  # rule M10: warned, not refused
        typer.echo(texts.ROSTER_WARNING.format(warning=warning), err=True)


@roster_cli.command("invites")
def roster_invites(
    renew: Annotated[list[str] | None, typer.Option(
        "--renew", help="编号 whose code is replaced (lost phone)")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="write a CSV file Excel opens (UTF-8 with BOM)")] = None,
) -> None:
    """Print CSV 编号,姓名,邀请码,村,屋场 for everyone on the roster."""
    from bot.admin import invite_rows
    from bot.files.cells import csv_row
    from bot.files.roster import write_csv

    try:
        slips = with_app(lambda app: invite_rows(app, renew or []))
    except LookupError as missing:
        raise fail(f"花名册里没有编号 {missing}") from None
    rows = [["编号", "姓名", "邀请码", "村", "屋场"]]
    rows += [csv_row([slip.person_code, slip.name, slip.code, slip.village, slip.homestead])
             for slip in slips]
    if output is None:
        csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
    else:
        write_csv(output, rows)


@dues_cli.command("import")
def dues_import(file: Annotated[Path, typer.Argument(help=".xlsx or .csv")]) -> None:
    """Import 党费 (月份, 编号, 金额 in 元); one bad row rejects all (rule Y2)."""
    from bot.files.party_dues import import_dues

    import_table(import_dues, file, kind="党费表", nothing="党费", done=texts.DUES_IMPORTED)


@scores_cli.command("template")
def scores_template() -> None:
    """Print the scores template's header (CSV): 月份, 村, one column per item or category."""
    from bot.files.rules import load_rules
    from bot.files.scheme import load_scheme
    from bot.files.scores import template_header

    rules_file = Path(settings_or_fail().rules_file)
    scheme = load_scheme(load_rules(rules_file).scheme_name)
    csv.writer(sys.stdout, lineterminator="\n").writerow(template_header(scheme))


@scores_cli.command("import")
def scores_import(file: Annotated[Path, typer.Argument(help=".xlsx or .csv")]) -> None:
    """Import monthly scores (月份, 村, one column per category); one bad row rejects all."""
    from bot.files.scores import import_scores

    import_table(import_scores, file, kind="分数表", nothing="分数", done=texts.SCORES_IMPORTED)


@hongqi_cli.command("import")
def hongqi_import(file: Annotated[Path, typer.Argument(help=".xlsx or .csv")]) -> None:
    """Import 五面红旗 applications (年度, 村, 类别, 指标, 值, 说明); one bad row rejects all."""
    from bot.files.awards import import_applications

    import_table(import_applications, file, kind="申报表", nothing="申报材料",
                 done=texts.AWARD_IMPORTED)


cli.command()(backup)
cli.command()(template)
roster_cli.command("slips")(slips)


def _chinese_help() -> None:
    """Help texts in Chinese (core.texts.CLI_HELP) with the English command names."""
    groups = [("", cli), *((f"{info.name} ", info.typer_instance)
                           for info in cli.registered_groups if info.typer_instance)]
    for prefix, group in groups:
        for info in group.registered_commands:
            name = info.name or (info.callback.__name__.replace("_", "-")
                                 if info.callback else "")
            if f"{prefix}{name}" in texts.CLI_HELP:
                info.help = texts.CLI_HELP[f"{prefix}{name}"]


_chinese_help()
