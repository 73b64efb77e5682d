"""The one ordered table of every command, and /help, which reads it."""

from __future__ import annotations

from core import texts
from core.messages import ChatKind, Outgoing
from core.permissions import covers
from core.publication import PUBLISHERS
from core.roles import EVERYONE, HOMESTEAD_LEADERS, OFFICIALS, Role
from handlers import (
    annual,
    awards,
    binding,
    decisions,
    flag_review,
    flag_special,
    flags,
    issue_list,
    issues,
    meeting_prep,
    meeting_schedule,
    meetings,
    party,
    party_dues,
    party_liaison,
    publication,
    rectification,
    supervision,
    surveys,
    wuhao,
)
from handlers.context import Context, Request
from handlers.router import ATTACHMENT, Command, Router, Where


async def help_command(context: Context, request: Request) -> list[Outgoing]:
    """List what this person may do in this chat."""
    person = request.person
    kind = request.incoming.chat_kind
    in_place = person is not None and (
        kind is ChatKind.PRIVATE or (request.homestead is not None and covers(
            person.role, person.place, request.homestead.place)))
    lines = []
    for command in COMMANDS:
        if command.help is None or not command.listed(person.role if person else None, kind):
            continue
        if command.roles is not None and not in_place:
            continue
        lines.append(texts.HELP_LINE.format(usage=command.help.usage,
                                            summary=command.help.summary))
    header = (texts.HELP_HEADER.format(name=person.name, role=person.role.label)
              if person is not None else texts.HELP_HEADER_UNBOUND)
    return [request.reply("\n".join([header, *lines]))]


HEAD_ONLY = frozenset({Role.HEAD})
AWARD_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL})
# Party posts are not roles: /help lists party commands to those likely to hold one.
PARTY_CALLERS = frozenset({Role.HEAD, Role.VILLAGE_CADRE})

COMMANDS: list[Command] = [
    Command("start", binding.start, Where.PRIVATE, roles=None, listed_for=frozenset(),
            help=texts.HELP_START),
    Command("bind", binding.bind, Where.GROUP, roles=None, needs_bound_group=False,
            listed_for=frozenset({Role.HEAD}), help=texts.HELP_BIND),
    Command("help", help_command, Where.ANY, roles=None, aliases=("帮助",),
            listed_for=EVERYONE, reads_only=True, help=texts.HELP_HELP),
    # Meetings (rules M1-M7, M8's /cancel).
    Command("meeting", meeting_schedule.schedule, Where.ANY, roles=HEAD_ONLY, aliases=("开会",),
            help=texts.HELP_MEETING),
    Command("mconfirm", meeting_schedule.confirm, Where.ANY, roles=HEAD_ONLY, button_only=True),
    Command("mcancel", meeting_schedule.cancel, Where.ANY, roles=HEAD_ONLY, button_only=True),
    Command("open", meetings.open_meeting, Where.GROUP, roles=HEAD_ONLY, help=texts.HELP_OPEN),
    Command("checkin", meetings.check_in, Where.ANY, roles=EVERYONE, aliases=("签到",),
            help=texts.HELP_CHECKIN, looks_up=meetings.check_in_on_look_up),
    # /attend also records members at a party meeting, for its caller (rule Y2).
    Command("attend", meetings.attend, Where.ANY, roles=EVERYONE, aliases=("到会",),
            listed_for=HOMESTEAD_LEADERS, help=texts.HELP_ATTEND),
    Command("motion", meetings.put_motion, Where.GROUP, roles=HEAD_ONLY, aliases=("表决",),
            help=texts.HELP_MOTION),
    Command("vote", meetings.cast_vote, Where.ANY, roles=EVERYONE, button_only=True),
    Command("tally", meetings.tally, Where.ANY, roles=HOMESTEAD_LEADERS, aliases=("计票",),
            help=texts.HELP_TALLY),
    Command("close", meetings.close_motion, Where.GROUP, roles=HEAD_ONLY, help=texts.HELP_CLOSE),
    Command("minutes", meetings.add_minutes, Where.ANY, roles=HOMESTEAD_LEADERS,
            aliases=("记录",), help=texts.HELP_MINUTES),
    Command("end", meetings.end_meeting, Where.GROUP, roles=HEAD_ONLY, aliases=("散会",),
            help=texts.HELP_END),
    Command("cancel", meeting_schedule.cancel_meeting, Where.ANY, roles=HEAD_ONLY,
            aliases=("取消",), help=texts.HELP_CANCEL),
    Command("mreplace", meeting_schedule.replace, Where.ANY, roles=HEAD_ONLY, button_only=True),
    Command("mkeep", meeting_schedule.keep, Where.ANY, roles=HEAD_ONLY, button_only=True),
    # Before and after a meeting (rules M8-M9).
    Command("poll", meeting_prep.poll, Where.ANY, roles=HEAD_ONLY, aliases=("征询",),
            help=texts.HELP_POLL),
    Command("pollpick", meeting_prep.pick_time, Where.ANY, roles=EVERYONE, button_only=True),
    Command("request", meeting_prep.request_meeting, Where.ANY, roles=EVERYONE,
            aliases=("提议开会",), help=texts.HELP_REQUEST),
    Command("topic", meeting_prep.set_topic, Where.ANY, roles=frozenset({Role.VILLAGE_CADRE}),
            help=texts.HELP_TOPIC),
    Command("decisions", decisions.list_decisions, Where.ANY, roles=EVERYONE,
            reads_only=True, help=texts.HELP_DECISIONS),
    # /done: a head's decision; also a cadre's 民主生活会 rectification item (rule Y4), so any
    # role may send it and decisions.done refuses a decision to all but the head.
    Command("done", decisions.done, Where.ANY, roles=EVERYONE,
            listed_for=frozenset({Role.HEAD, Role.VILLAGE_CADRE}), help=texts.HELP_DONE),
    # The problem ledger (rules I1-I7).
    Command("issue", issues.raise_issue, Where.ANY, roles=EVERYONE, aliases=("问题",),
            help=texts.HELP_ISSUE),
    Command("icat", issues.categorise, Where.ANY, roles=EVERYONE, button_only=True),
    Command("promise", issues.promise, Where.ANY, roles=HEAD_ONLY, aliases=("约定",),
            help=texts.HELP_PROMISE),
    Command("escalate", issues.escalate, Where.ANY,
            roles=frozenset({Role.HEAD, Role.VILLAGE_CADRE}), aliases=("上报",),
            help=texts.HELP_ESCALATE),
    Command("assign", issues.assign, Where.ANY, roles=OFFICIALS, aliases=("交办",),
            help=texts.HELP_ASSIGN),
    Command("solve", issues.solve, Where.ANY,
            roles=frozenset({Role.HEAD, Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL}),
            aliases=("办结",), help=texts.HELP_SOLVE),
    Command("rate", issues.rate, Where.ANY, roles=EVERYONE, button_only=True),
    Command("status", issues.show_status, Where.ANY, roles=EVERYONE, aliases=("查询",),
            reads_only=True, help=texts.HELP_STATUS),
    Command("issues", issue_list.list_issues, Where.ANY, roles=EVERYONE,
            aliases=("清单", "问题清单"), reads_only=True, help=texts.HELP_ISSUES),
    # The show of hands at the meeting for a round short of raters (rule I8).
    Command("ratings", issues.record_hands, Where.ANY, roles=HOMESTEAD_LEADERS,
            aliases=("举手评价",), help=texts.HELP_RATINGS),
    # Monthly red and yellow flags (rules F1-F8).
    Command("score", flags.enter_score, Where.ANY, roles=OFFICIALS, aliases=("评分",),
            help=texts.HELP_SCORE),
    Command("flags", flags.show_flags, Where.ANY, roles=OFFICIALS, aliases=("红黄旗",),
            reads_only=True, help=texts.HELP_FLAGS),
    Command("veto", flag_special.record_veto, Where.ANY, roles=OFFICIALS, aliases=("否决",),
            help=texts.HELP_VETO),
    Command("onsite", flags.record_onsite, Where.ANY, roles=OFFICIALS, aliases=("现场会",),
            help=texts.HELP_ONSITE),
    # /confirm draws its pictures first, then writes in a short transaction of its own.
    Command("confirm", flags.confirm, Where.ANY, roles=OFFICIALS, aliases=("确认",),
            reads_only=True, help=texts.HELP_CONFIRM),
    # Review and objections before /confirm (rule F10).
    Command("review", flag_review.review, Where.ANY, roles=OFFICIALS, aliases=("复核",),
            help=texts.HELP_REVIEW),
    Command("appeal", flag_review.appeal, Where.ANY, roles=frozenset({Role.VILLAGE_CADRE}),
            aliases=("复议",), help=texts.HELP_APPEAL),
    Command("respond", flag_review.respond, Where.ANY, roles=OFFICIALS, aliases=("答复异议",),
            help=texts.HELP_RESPOND),
    # Special points and vetoes' grounds (rule F11).
    Command("adjust", flag_special.adjust, Where.ANY, roles=OFFICIALS, aliases=("加扣分",),
            help=texts.HELP_ADJUST),
    Command("unveto", flag_special.unveto, Where.ANY, roles=OFFICIALS, aliases=("撤销否决",),
            help=texts.HELP_UNVETO),
    # Rectification after a yellow flag (rule F13).
    Command("rectified", rectification.rectified, Where.ANY, roles=OFFICIALS,
            aliases=("整改办结",), help=texts.HELP_RECTIFIED),
    Command("vground", flag_special.choose_ground, Where.ANY, roles=OFFICIALS,
            button_only=True),
    # Publication: notices and 公示 (rules P1-P2).
    Command("notice", publication.send_notice, Where.ANY, roles=PUBLISHERS, aliases=("通知",),
            help=texts.HELP_NOTICE),
    Command("publicize", publication.publicize, Where.ANY, roles=PUBLISHERS,
            aliases=("公示",), help=texts.HELP_PUBLICIZE),
    Command("nkind", publication.choose_kind, Where.ANY, roles=EVERYONE, button_only=True),
    Command("nread", publication.mark_read, Where.ANY, roles=EVERYONE, button_only=True),
    Command("nobj", publication.how_to_object, Where.ANY, roles=EVERYONE, button_only=True),
    Command("object", publication.object_to, Where.ANY, roles=EVERYONE, aliases=("异议",),
            help=texts.HELP_OBJECT),
    Command("answer", publication.answer, Where.ANY, roles=PUBLISHERS, aliases=("答复",),
            help=texts.HELP_ANSWER),
    Command("notices", publication.list_notices, Where.ANY, roles=PUBLISHERS,
            reads_only=True, help=texts.HELP_NOTICES),
    # Township supervision: digests, talks, the quarter (rules S1-S3).
    Command("digest", supervision.show_digest, Where.ANY,
            roles=frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL}), aliases=("月报",),
            reads_only=True, help=texts.HELP_DIGEST),
    Command("talk", supervision.talk, Where.ANY, roles=OFFICIALS, aliases=("约谈",),
            help=texts.HELP_TALK),
    Command("talkdone", supervision.talk_done, Where.ANY, roles=OFFICIALS,
            aliases=("约谈办结",), help=texts.HELP_TALKDONE),
    Command("assess", supervision.assess, Where.ANY, roles=OFFICIALS, aliases=("季度考核",),
            reads_only=True, help=texts.HELP_ASSESS),
    Command("bonus", supervision.bonus, Where.ANY, roles=OFFICIALS, aliases=("加分",),
            help=texts.HELP_BONUS),
    # The annual 五面红旗 award (rules A1-A3): one command with sub-words; the view reads only,
    # the sub-words that change something open their own write transaction.
    Command("hongqi", awards.hongqi, Where.ANY, roles=AWARD_ROLES, aliases=("红旗", "五面红旗"),
            reads_only=True, help=texts.HELP_HONGQI),
    Command("hq", awards.press_award, Where.ANY, roles=AWARD_ROLES, button_only=True),
    # A picture or file without a command: award or 五个好 evidence being given, else it
    # joins its sender's notice, if any (A2, Y4, P1).
    Command(ATTACHMENT, wuhao.attach, Where.ANY, roles=None, needs_bound_group=False,
            attachment_only=True),
    # The party organisation: meetings, liaison, dues (rules Y1, Y2).
    Command("lesson", party.call_lesson, Where.PRIVATE, roles=EVERYONE, aliases=("三会一课",),
            listed_for=PARTY_CALLERS, help=texts.HELP_LESSON),
    Command("pcheckin", party.check_in, Where.ANY, roles=EVERYONE, button_only=True),
    Command("lessons", party.list_lessons, Where.ANY, roles=EVERYONE, aliases=("组织生活",),
            reads_only=True, listed_for=PARTY_CALLERS, help=texts.HELP_LESSONS),
    Command("visit", party_liaison.visit, Where.ANY, roles=EVERYONE, aliases=("走访",),
            help=texts.HELP_VISIT),
    Command("visits", party_liaison.list_visits, Where.ANY, roles=EVERYONE,
            aliases=("联系户",), reads_only=True, help=texts.HELP_VISITS),
    Command("dues", party_dues.dues, Where.PRIVATE, roles=EVERYONE, aliases=("党费",),
            help=texts.HELP_DUES),
    # Surveys (民主测评, rule Y3): who may start one is storage.surveys.may_survey's call.
    Command("survey", surveys.start_survey, Where.ANY, roles=EVERYONE, aliases=("测评",),
            listed_for=PARTY_CALLERS | OFFICIALS, help=texts.HELP_SURVEY),
    Command("svote", surveys.answer, Where.ANY, roles=EVERYONE, button_only=True),
    # The 五个好 party branch (rule Y4): progress reads only; the self-check and the
    # township's inspection (the award's review flow) open their own write transaction.
    Command("wuhao", wuhao.wuhao, Where.ANY, roles=EVERYONE, aliases=("五个好",),
            reads_only=True, listed_for=PARTY_CALLERS | OFFICIALS, help=texts.HELP_WUHAO),
    Command("wh", wuhao.press, Where.ANY, roles=EVERYONE, button_only=True),
    # 民主生活会 (rule Y4): each cadre's rectification items, reported done with /done.
    Command("remedy", wuhao.remedy, Where.PRIVATE, roles=EVERYONE, aliases=("整改问题",),
            listed_for=PARTY_CALLERS, help=texts.HELP_REMEDY),
    # The flags' annual roll-up (rule F12): officials see it all, a village cadre their line.
    Command("year", annual.show_year, Where.ANY,
            roles=frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL}),
            aliases=("年度汇总",), reads_only=True, help=texts.HELP_YEAR),
]


def build_router() -> Router:
    """The router over the command table."""
    return Router(COMMANDS)
