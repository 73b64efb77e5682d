"""Every text a person reads from wuchang, in Simplified Chinese, kept in one place.

The same word is used for the same thing everywhere: 屋场长, 记录员, 到会户数,
问题清单, 销号, 红旗, 黄旗. Texts live in ``core`` so that both the conversation
(``handlers``) and the timed jobs (``schedules``) can reach them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

# --- conversation: general -------------------------------------------------------
UNKNOWN_COMMAND = "没有“{command}”这个命令。发送 /help 查看你能用的命令。"
NOT_A_COMMAND_PRIVATE = "请发送命令，例如 /help 查看你能用的命令。"
NOT_BOUND = "你还没有绑定身份。请发送 /start 邀请码（邀请码向屋场长索取）。"
GROUP_NOT_BOUND = "本群还没有绑定屋场。请屋场长在群里发送 /bind 邀请码。"
NUMBER_TOO_LARGE = "数字太大了，请检查编号或人数后重发。"
ROLE_REFUSED = "{role}不能使用 {command}。发送 /help 查看你能用的命令。"
PLACE_REFUSED = "你不属于{place}，不能在这里操作。"
PRIVATE_ONLY = "{command} 请在和我的私聊中发送。"
GROUP_ONLY = "{command} 请在屋场群里发送。"
INTERNAL_ERROR = "出了点问题，这次操作没有生效。请稍后再试。"
INACTIVE_PERSON = "你的身份已停用，请联系屋场长。"
BUTTON_EXPIRED = "这个按钮已失效。"

# --- binding ------------------------------------------------------------------------
START_USAGE = "请发送 /start 邀请码，例如 /start K7P4M2QX。邀请码向屋场长索取。"
BIND_USAGE = "请发送 /bind 邀请码（屋场长本人的邀请码）。"
INVITE_UNKNOWN = "邀请码“{code}”不对，请核对后重发。"
INVITE_USED = "这个邀请码已经用过了。如需换手机，请联系镇里的管理员重发邀请码。"
ACCOUNT_TAKEN = "这个账号已绑定为{name}，不能再绑定别人。"
BOUND_WELCOME = "绑定成功：{name}，{place}{role}。发送 /help 查看你能用的命令。"
ALREADY_BOUND = "你已绑定为{name}，{place}{role}。发送 /help 查看你能用的命令。"
BIND_NOT_HEAD = "只有屋场长的邀请码可以绑定屋场群。"
BIND_NOT_YOURS = "这不是你的邀请码。请屋场长本人发送 /bind。"
GROUP_BOUND = "本群已绑定为{place}屋场群。会议通知、表决和问题清单都会发到这里。"
GROUP_ALREADY_BOUND = "本群已经是{place}屋场群。"
GROUP_BOUND_ELSEWHERE = "本群已绑定为{place}屋场群，不能改绑。如需改绑，请联系镇里的管理员。"

# --- help ---------------------------------------------------------------------------
HELP_HEADER = "{name}（{role}），你在这里可以用："
HELP_HEADER_UNBOUND = "你还没有绑定身份，可以用："
HELP_LINE = "{usage}  {summary}"

# --- roster import (for the township admin) ----------------------------------------
ROSTER_ROW_ERROR = "第{row}行：{message}"
ROSTER_MISSING_COLUMNS = "表头缺少列：{columns}"
ROSTER_EMPTY = "文件里没有人员"
ROSTER_MISSING_VALUE = "“{column}”不能为空"
ROSTER_BAD_ROLE = "角色“{value}”不认识，只能是：{allowed}"
ROSTER_BAD_HOUSEHOLD = "户号“{value}”应为正整数"
ROSTER_HOUSEHOLD_WITHOUT_HOMESTEAD = "填了户号就要填屋场"
ROSTER_HOMESTEAD_WITHOUT_VILLAGE = "填了屋场就要填村"
ROSTER_BAD_YES_NO = "“{column}”只能填是或否，现在是“{value}”"
ROSTER_BAD_AGE = "年龄“{value}”应为1到120的整数"
ROSTER_TOO_LONG = "“{column}”太长，最多{limit}个字"
ROSTER_BAD_PHONE = "手机号“{value}”应为11位手机号"
ROSTER_DUPLICATE_CODE = "编号{code}重复（第{first}行已有）"
ROSTER_DUPLICATE_PHONE = "手机号{phone}重复（第{first}行已有）"
ROSTER_GRID_CLASH = "{village}在这里属于“{grid}”，第{first}行却属于“{other}”"
ROSTER_HOUSEHOLD_CLASH = "{household}号户的“在家”与第{first}行同户的人不一致"
ROSTER_SECOND_LEADER = "{village}{homestead}已有{role}（第{first}行），每个屋场只能有一位"
ROSTER_LEADER_EXISTS = "{village}{homestead}已有别的{role}，每个屋场只能有一位（先把原来的改为村民）"
ROSTER_BAD_FILE = "读不了这个文件：{reason}"
ROSTER_BAD_SUFFIX = "只能导入 .csv 或 .xlsx 文件"

# --- roster warnings (rule M10): printed after an import and by `wuchang status` ------------
ROSTER_FEW_HOUSEHOLDS = "{homestead}只有{households}户，屋场一般为{fewest}–{most}户。"
ROSTER_MANY_HOUSEHOLDS = "{homestead}有{households}户，屋场一般为{fewest}–{most}户。"
ROSTER_NO_RECORDER = "{homestead}没有记录员，每个屋场要确定一名记录员。"
ROSTER_HEAD_NOT_PARTY_MEMBER = "{homestead}的屋场长{name}（{code}）不是党员，屋场长应由党员担任。"
ROSTER_WARNING = "提醒：{warning}"
ROSTER_WARNINGS_NONE = "花名册无提醒。"
ROSTER_WARNINGS_HEADER = "花名册提醒（{count}条）："

# --- meetings (rules M1-M6) ------------------------------------------------------------
WEEKDAYS = "一二三四五六日"
MEETING_USAGE = "请这样发：/meeting 2026-11-20 19:30 地点 议题"
MEETING_BAD_TIME = "日期或时间不对：“{value}”。请这样写：2026-11-20 19:30，或 明天 19点30"
MEETING_IN_PAST = "{when}已经过去了，请安排以后的时间。"
MEETING_TOO_FAR = "只能安排一年以内的会议。"
MEETING_NO_HOMESTEAD = "你没有所属屋场，不能安排会议。"
MEETING_SCHEDULED = "已安排议事恳谈会：{when}，在{place}。\n议题：{topic}\n会前一晚和会前1小时会在群里提醒。"
MEETING_ANNOUNCED = "{head}安排了议事恳谈会：{when}，在{place}。\n议题：{topic}"
MEETING_IN_BLACKOUT = "{when}在{season}期间（{village}的农忙时节），一般应避开。确定要在这时开会吗？"
MEETING_CONFIRM = "确认安排"
MEETING_CANCEL = "取消"
MEETING_CANCELLED = "已取消，没有安排这次会议。"
MEETING_NOT_PENDING = "这次安排已经处理过了。"
MEETING_NONE_SCHEDULED = "还没有安排会议。请先发送 /meeting 日期 时间 地点 议题。"
MEETING_NOT_TODAY = "下次会议安排在{when}，不是今天。今天开会请先用 /meeting 安排。"
MEETING_ALREADY_OPEN = "会议已经在进行中。"
MEETING_OPENED = ("红色屋场议事恳谈会开始：{topic}\n在家{resident}户，需到会{required}户（80%）。\n"
                  "到会村民请按“签到”；没有手机的由记录员用 /attend 户号 登记。")
MEETING_NOT_OPEN = "现在没有进行中的会议。请屋场长先发送 /open 开始会议。"
MEETING_ENDED_ALREADY = "这次会议已经结束了。"
CHECKIN_BUTTON = "签到"
CHECKIN_NOT_MEMBER = "只有本屋场的村民可以签到。"
CHECKIN_UNDER_AGE = "签到只限本屋场18岁以上的村民。"
CHECKIN_AGAIN = "{name}已经签过到了。"
CHECKED_IN = "{name}已签到。{progress}"
PROGRESS = "到会{present}/{required}户，{persons}人。"
QUORUM_REACHED = "已达到法定户数。"
ATTEND_USAGE = "请这样发：/attend 3 5*2 7（户号，一户多人写 户号*人数，*0 撤销）"
ATTEND_BAD_ITEM = "“{item}”看不懂。" + ATTEND_USAGE
ATTEND_UNKNOWN = "本屋场没有这些户号：{numbers}。请核对后重发。"
ATTEND_RECORDED = "已登记：{items}。{progress}"
ATTEND_ITEM = "{number}号{persons}人"
ATTEND_WITHDRAWN = "{number}号撤销"
MOTION_USAGE = "请这样发：/motion 表决内容"
MOTION_STILL_OPEN = "还有表决没结束：“{text}”。请先 /close。"
MOTION_PUT = ("表决：{text}\n到会{persons}人，赞成须达{need}人（到会人数的80%）。\n"
              "已签到的村民请按按钮表决；也可由记录员 /tally 赞成 反对 弃权 登记举手结果。")
VOTE_YES, VOTE_NO, VOTE_ABSTAIN = "赞成", "反对", "弃权"
VOTE_NOT_CHECKED_IN = "请先签到再表决。"
VOTE_CLOSED = "这项表决已经结束了。"
VOTE_TALLIED = "这项表决已按举手结果登记，按钮不再计票。"
VOTE_RECORDED = "{name}：已记录{choice}。"
VOTE_CHANGED = "{name}：已改为{choice}。"
NO_OPEN_MOTION = "现在没有进行中的表决。请先发送 /motion 表决内容。"
TALLY_USAGE = "请这样发：/tally 赞成人数 反对人数 弃权人数，例如 /tally 25 3 2"
TALLY_TOO_MANY = "赞成、反对、弃权合计{total}人，超过到会人数{persons}人。请核对到会登记或人数。"
TALLY_RECORDED = "已登记举手结果：赞成{yes} 反对{no} 弃权{abstain}（代替按钮投票）。屋场长发送 /close 结束表决。"
MOTION_RESULT = "表决结果：{text}\n赞成{yes} 反对{no} 弃权{abstain}，到会{persons}人，须赞成{need}人：{verdict}。"
PASSED, FAILED = "通过", "未通过"
NOT_BINDING = "到会{present}户，未达在家户数的80%（{required}户），本次表决不具约束力。"
NOT_BINDING_SHORT = "（不具约束力）"
MINUTES_USAGE = "请这样发：/minutes 记录内容"
MINUTES_NO_MEETING = "还没有可以记录的会议。"
MINUTES_RECORDED = "已记入会议记录（共{count}条）。"
SUMMARY = ("议事恳谈会结束：{homestead}，{when}\n议题：{topic}\n"
           "到会{present}户（在家{resident}户，需{required}户），{persons}人，{quorum}。")
SUMMARY_QUORUM_MET = "达到法定户数"
SUMMARY_QUORUM_MISSED = "未达法定户数，表决不具约束力"
SUMMARY_MOTIONS = "表决{count}项："
SUMMARY_MOTION = "{number}. {text}：{verdict}（赞成{yes}/反对{no}/弃权{abstain}）{binding}"
SUMMARY_NO_MOTIONS = "没有表决。"
SUMMARY_MINUTES = "会议记录（{count}条，原文）："
SUMMARY_MINUTE = "{time} {name}：{text}"
SUMMARY_NO_MINUTES = "没有会议记录。"
REMIND_EVENING = "提醒：明天{time}在{place}召开红色屋场议事恳谈会。\n议题：{topic}\n请各户准时参加。"
REMIND_HOUR = "提醒：1小时后（{time}）在{place}召开议事恳谈会。\n议题：{topic}"
REMIND_NO_MEETING = "{month}月{homestead}还没有安排议事恳谈会。请发送 /meeting 日期 时间 地点 议题 安排。"

# Persons present per household (M7), /cancel and replacing a meeting (M8), issue 13.
ATTEND_OVER_ADULTS = "{items}，不能多登记。请按实到人数重发，这次什么也没登记。"
ATTEND_OVER_ADULTS_ITEM = "{number}号户18岁以上只有{adults}人"
MEETING_NOTHING_TO_CANCEL = "没有待开的会议可以取消。安排会议请发送 /meeting 日期 时间 地点 议题。"
MEETING_OPEN_NOT_CANCELLED = "会议正在进行，不能取消。要结束请发送 /end。"
MEETING_CANCELLED_NOTICE = "{head}取消了{when}在{place}的议事恳谈会。{reason}"
MEETING_CANCEL_REASON = "原因：{reason}"
MEETING_MOVED_REASON = "改到{when}开。"
MEETING_CANCEL_DONE = "已取消{when}的议事恳谈会，已通知屋场群，会前提醒不再发送。"
MEETING_REPLACE_ASK = "{old}在{place}已安排了议事恳谈会（议题：{topic}）。要改为{new}开吗？"
MEETING_REPLACE = "替换"
MEETING_KEEP = "保留"
MEETING_KEPT = "好的，仍按{when}开会，没有安排新的会议。"
MEETING_ASKED_DROPPED = "已取消，没有安排{when}的会议。{kept}"
MEETING_STILL_ON = "{when}的会议照常；要取消它，请再发送 /cancel。"
# Before a meeting: time polls, requests for a meeting, the village's topic (rule M8).
POLL_USAGE = "请这样发：/poll 2026-11-10 19:30 2026-11-12 19:30（2到4个候选时间）；/poll 看各时间户数；/poll 结束 截止。"
POLL_BAD = "“{value}”看不懂。" + POLL_USAGE
POLL_IN_PAST = "{when}已经过去了，候选时间要在以后。"
POLL_TOO_FAR = "候选时间只能在一年以内。"
POLL_STILL_OPEN = "已有开会时间征询还没截止。请先发送 /poll 结束。"
POLL_NONE = "现在没有开会时间征询。请发送 /poll 日期 时间 日期 时间 发起。"
POLL_ASKED = "{head}征询议事恳谈会的时间，请本屋场18岁以上村民选一个（截止前可以改选）："
POLL_OPTION = "{number}. {when}：{households}户"
POLL_STARTED = "已在屋场群发起开会时间征询。发送 /poll 看各时间的户数，/poll 结束 截止。"
POLL_PICKED = "{name}：已选{when}。"
POLL_REPICKED = "{name}：已改选{when}。"
POLL_ENDED_ALREADY = "这次开会时间征询已经截止了。"
POLL_NOT_MEMBER = "只有本屋场18岁以上的村民可以选开会时间。"
POLL_STATE = "开会时间征询（{state}）："
POLL_OPEN, POLL_CLOSED = "进行中", "已截止"
POLL_BEST = "选的户数最多：{when}。请发送 /meeting 日期 时间 地点 议题 安排会议。"
POLL_END_WORD = "结束"
REQUEST_USAGE = "请这样发：/request 想议的事，例如 /request 商量修村口的路"
REQUEST_NOT_MEMBER = "只有本屋场18岁以上的村民可以提议开会。"
REQUEST_RECORDED = "已记下你家提议开会：{topic}\n{asking}户提议（在家{resident}户，超过一半就通知屋场长和村干部）。"
REQUEST_WANTED = "{homestead}有{asking}户提议开会，超过在家{resident}户的一半，请安排议事恳谈会。\n想议的事：{topics}"
TOPIC_USAGE = "请这样发：/topic 本月议事主题，例如 /topic 人居环境整治"
TOPIC_NO_VILLAGE = "你没有所属的村，不能定议事主题。"
TOPIC_SET = "已定{village}{month}月议事主题：{topic}\n已通知本村各屋场长。"
TOPIC_TOLD = "{village}定了{month}月议事恳谈会的主题：{topic}\n请在本月的会上议一议。"
TOPIC_LINE = "村定本月主题：{topic}"

# After a meeting: decisions (决议) and their carrying out (rule M9).
SUMMARY_DECISIONS = "形成决议{count}项，由屋场长在{due}前办结（/done 编号 说明）："
SUMMARY_DECISION = "决议{number}号：{text}"
DECISIONS_NO_HOMESTEAD = "请在屋场群里发送 /decisions 查看那个屋场的决议。"
DECISIONS_HEADER = "{homestead}的决议："
DECISIONS_NONE = "{homestead}还没有决议。会上达到法定户数且通过的表决才成为决议。"
DECISION_LINE = "{number}号 {text}（{day}会议）：{state}"
DECISION_OPEN = "未办，{due}前办结"
DECISION_LATE = "超期未办（应在{due}前办结）"
DECISION_DONE = "已办结：{report}"
DONE_USAGE = "请这样发：/done 决议编号 办理说明，例如 /done 3 路灯已经装好"
DONE_UNKNOWN = "没有{number}号决议。发送 /decisions 查看编号。"
DONE_NOT_YOURS = "{number}号决议由{owner}办理，你不能报办结。"
DONE_ALREADY = "{number}号决议已经办结了：{report}"
DONE_RECORDED = "决议{number}号“{text}”已办结：{report}"
OVERDUE_DECISIONS = "超过30天还没办结的决议："
OVERDUE_DECISION = "决议{number}号 {text}（应在{due}前办结）"
OVERDUE_DECISIONS_HEAD = "{homestead}有决议超期未办，请尽快办结并 /done 编号 说明："

# The printable meeting record for the village's files (台账, rules M3-M5 and M9).
RECORD_TITLE = "红色屋场议事恳谈会记录"
RECORD_HEAD = (("屋场", "{homestead}"), ("时间", "{when}"), ("地点", "{place}"),
               ("议题", "{topic}"), ("村定主题", "{village_topic}"))
RECORD_QUORUM = "在家{resident}户，需到会{required}户（80%），实到{present}户、{persons}人：{quorum}。"
RECORD_ATTENDANCE = "到会登记"
RECORD_ATTENDANCE_COLUMNS = ("户号", "到会人数", "签到人")
RECORD_MOTIONS = "表决事项"
RECORD_MOTION_COLUMNS = ("序号", "事项", "赞成", "反对", "弃权", "到会人数", "结果")
RECORD_NOT_BINDING = "通过（不具约束力）"
RECORD_DECISIONS = "形成决议"
RECORD_DECISION_COLUMNS = ("编号", "决议", "办结期限", "状态")
RECORD_MINUTES = "会议记录"
RECORD_MINUTE_COLUMNS = ("时间", "记录人", "内容")
RECORD_ISSUES = "提出问题"
RECORD_ISSUE_COLUMNS = ("编号", "问题", "类别")
RECORD_NONE = "无"
RECORD_SIGNATURES = ("屋场长（签字）：", "记录员（签字）：", "日期：")
RECORD_UNKNOWN_MEETING = "没有编号为 {meeting_id} 的会议。"
RECORD_NOT_HELD = "{meeting_id}号会议还没有开完（或已取消），散会后才有台账。"
RECORD_BAD_SUFFIX = "只能写成 .pdf 或 .xlsx 文件：{path}"
RECORD_WRITTEN = "已写出会议记录：{path}"

# --- the problem ledger (rules I1-I7) ---------------------------------------------------
ISSUE_USAGE = "请这样发：/issue 问题标题，例如 /issue 村口路灯坏了"
ISSUE_NO_HOMESTEAD = "请在屋场群里提问题。"
ISSUE_RAISED = "已记入问题清单：{number}号问题“{title}”。请选择类别："
ISSUE_NUMBER = "{number}号"
ISSUE_CATEGORY_SET = "{number}号问题类别：{category}。屋场长可当场解决（/solve {number} 说明）、约定时间（/promise {number} 日期）或上报村里（/escalate {number}）。"
ISSUE_CATEGORY_ALREADY = "{number}号问题已经选过类别了。"
ISSUE_CATEGORY_NOT_YOURS = "只有提问题的人或屋场长、记录员可以选类别。"
ISSUE_BAD_NUMBER = "请写问题编号，例如 {usage}"
ISSUE_UNKNOWN = "问题清单里没有{number}号问题。"
ISSUE_NOT_YOURS = "{number}号问题不归你看。"
ISSUE_NO_CATEGORY = "{number}号问题还没选类别，请先在问题消息下选择类别。"
ISSUE_FINISHED = "{number}号问题已{status}，不能再这样操作。"
PROMISE_USAGE = "请这样发：/promise 编号 日期 [说明]，例如 /promise 12 2026-12-10 买灯泡换上"
PROMISE_NOT_HERE = "{number}号问题已上报到{level}，约定时间由{level}里定。"
PROMISE_BAD_DATE = "日期不对：“{value}”。请写成 2026-12-10，且不早于今天。"
PROMISE_RECORDED = "{number}号问题约定{day}前解决。{note}"
ESCALATE_USAGE = "请这样发：/escalate 编号 [原因]"
ESCALATE_TOP = "{number}号问题已在镇里处理，不能再往上报。"
ESCALATE_NOT_YOUR_LEVEL = "{number}号问题现在在{level}里处理，{role}不能上报。"
ESCALATED_TO_VILLAGE = "{number}号问题“{title}”已上报村里。{window}内，村里须在{deadline}前解决或报镇里。{reason}"
ESCALATED_TO_TOWNSHIP = "{number}号问题“{title}”已由村里上报镇里，等待镇里交办。{reason}"
ESCALATED_OVERDUE = "{number}号问题“{title}”{window}内村里未解决（期限{deadline}），已自动上报镇里并标记超期。"
ASSIGN_USAGE = "请这样发：/assign 编号 部门 负责人 日期，例如 /assign 12 城建办 王明 2026-12-20"
ASSIGN_NOT_TOWNSHIP = "{number}号问题还在{level}里，只有上报到镇里的问题才能交办。"
ASSIGNED = "{number}号问题“{title}”已交办：{department}，负责人{responsible}，{day}前办结。"
SOLVE_USAGE = "请这样发：/solve 编号 处理说明"
SOLVE_NOT_HANDLER = "{number}号问题现在由{handler}处理，你不能报办结。"
SOLVE_ASSIGN_FIRST = "{number}号问题还没交办，请先 /assign。"
SOLVED = "{number}号问题“{title}”已办结：{note}\n请本屋场村民评价（{closes}前）："
RATE_NOT_MEMBER = "只有{place}的村民可以评价这个问题。"
RATE_CLOSED = "这一轮评价已经结束了。"
RATE_AGAIN = "你已经评价过这一轮了。"
RATED = "已评价：{choice}。"
ROUND_EXTENDED = "{number}号问题评价人数不足（{raters}/{needed}人），评价延长到{closes}。请大家评价："
ISSUE_CLOSED = "{number}号问题“{title}”满意率{rate}（{raters}人评价），已销号。"
ISSUE_REOPENED = "{number}号问题“{title}”满意率{rate}（{raters}人评价），不足60%，不得销号，退回{handler}重新处理。"
ISSUE_REOPENED_HANDLER = "{number}号问题“{title}”群众满意率{rate}（{raters}人评价），不足60%，请重新处理后再报办结。"
PROMISE_OVERDUE = "{number}号问题“{title}”约定{day}前解决，已超期。请尽快解决或上报村里。"
DUE_OVERDUE = "{number}号问题“{title}”应在{day}前办结（{department}），已超期。"
CALENDAR_UNKNOWN = "提醒：系统没有{year}年的法定节假日安排，期限暂按周一至周五计算。请管理员更新节假日文件。"
STATUS_HEADER = "{number}号问题：{title}\n{homestead}｜{category}｜在{level}｜{status}{overdue}"
STATUS_DEADLINE = "期限：{day}"
STATUS_HANDLER = "承办：{department} {responsible}"
STATUS_SATISFACTION = "满意率：{rate}"
STATUS_HISTORY = "经过："
STATUS_LINE = "{when} {who}：{what}"
OVERDUE_MARK = "（超期）"
NO_CATEGORY = "未分类"
SYSTEM_NAME = "系统"
HISTORY: dict[str, str] = {
    "issue.raised": "提出问题",
    "issue.categorised": "分类为{category}",
    "issue.promised": "约定{date}前解决",
    "issue.escalated": "上报到{to}",
    "issue.assigned": "交办{department}，负责人{responsible}，{due}前办结",
    "issue.solved": "报办结：{note}",
    "issue.rated": "评价",
    "issue.round_extended": "评价人数不足，延长评价",
    "issue.closed": "满意率{rate}，销号",
    "issue.reopened": "满意率{rate}，不得销号，退回重办",
    "issue.overdue": "超期",
}
HANDLER_HEAD = "屋场长"
HANDLER_VILLAGE = "村干部"
HANDLER_TOWNSHIP = "镇里"
SUMMARY_ISSUES = "提出问题{count}个：{titles}"

# Issue 13: when the village's clock starts (I9), who is responsible (I10), the list (I5).
REPORT_WINDOW = "自{start}（{counted_from}）起{days}个工作日"
REPORT_WINDOW_NO_START = "{days}个工作日"
COUNTED_FROM_MEETING = "会议之日"
COUNTED_FROM_VILLAGE = "到村之日"
STATUS_REPORT_DEADLINE = "期限：{day}，{window}"
ASSIGN_NOT_OFFICIAL = "本镇干部里没有“{name}”，负责人请写镇干部的编号或姓名：{candidates}"
ASSIGN_AMBIGUOUS = "本镇有{count}位镇干部叫“{name}”，负责人请写编号：{candidates}"
ASSIGN_CANDIDATE = "{code} {name}"
ISSUES_USAGE = "请这样发：/issues 看问题清单，/issues 超期 只看超期的。"
ISSUES_OVERDUE_WORD = "超期"
ISSUES_NO_HOMESTEAD = "你没有所属屋场。请在屋场群里发送 /issues。"
ISSUES_HOMESTEAD = "{place}问题清单：未销号{count}个"
ISSUES_VILLAGE = "{place}待村里办理的问题{count}个"
ISSUES_TOWNSHIP = "{place}待镇里办理的问题{count}个"
ISSUES_ONLY_OVERDUE = "（只看超期）"
ISSUES_NONE = "{place}没有未销号的问题。"
ISSUES_NONE_VILLAGE = "{place}没有待村里办理的问题。"
ISSUES_NONE_TOWNSHIP = "{place}没有待镇里办理的问题。"
ISSUES_NONE_OVERDUE = "{place}没有超期的问题。"
ISSUES_LINE = "{number}号 {title}｜在{level}｜{status}{deadline}{handler}{overdue}"
ISSUES_LINE_PLACE = "{number}号 {homestead}：{title}｜{status}{deadline}{handler}{overdue}"
ISSUES_DEADLINE = "｜{day}前"
ISSUES_DEADLINE_WINDOW = "｜{day}前，{window}"
ISSUES_HANDLER = "｜{department}{responsible}"
ISSUES_NOT_ASSIGNED = "｜待交办"
ISSUES_PAGE = "（第{page}/{pages}页）"
# Who rates, and the show of hands at the meeting for a round short of raters (rule I8).
RATE_UNDER_AGE = "评价只限{place}18岁以上的村民。"
RATE_ASSESSED = "这一轮是你报的办结，不能评价自己的工作。"
RATE_CADRE = "{role}不参加评价，办理结果由群众评价。"
RATE_AWAITS_MEETING = "这一轮评价人数不足，等下次议事恳谈会举手评价。"
ROUND_AWAITS_MEETING = "{number}号问题“{title}”延长后评价人数仍不足（{raters}/{needed}人），暂不销号也不退回，等下次议事恳谈会举手评价。"
MEETING_AWAITING_RATINGS = "待举手评价的问题：{issues}\n请大家举手评价，记录员或屋场长用 /ratings 编号 满意 基本满意 不满意 登记人数。"
AWAITING_ITEM = "{number}号“{title}”"
RATINGS_USAGE = "请这样发：/ratings 编号 满意人数 基本满意人数 不满意人数，例如 /ratings 12 20 5 3"
RATINGS_NO_MEETING = "举手评价要在本屋场开会时登记。请屋场长先发送 /open 开始会议。"
RATINGS_IN_WINDOW = "{number}号问题还在评价期内（{closes}前），请大家按按钮评价，不用举手评价。"
RATINGS_NOT_AWAITING = "{number}号问题{status}，没有等待举手评价。"
RATINGS_NONE = "满意、基本满意、不满意合计0人。请数清举手人数后重发。"
RATINGS_TOO_MANY = "满意、基本满意、不满意合计{total}人，超过到会人数{persons}人。请核对到会登记或人数。"
RATINGS_RECORDED = "已登记{number}号问题会上举手评价：满意{satisfied} 基本满意{basically} 不满意{dissatisfied}（代替按钮评价）。"
HISTORY |= {
    "issue.round_awaiting": "评价人数不足，等议事恳谈会举手评价",
    "issue.rated_by_hands": "会上举手评价：满意{satisfied} 基本满意{basically} 不满意{dissatisfied}",
}

# --- monthly red and yellow flags (rules F1-F8) -----------------------------------------
SCORE_USAGE = "请这样发：/score 2026-10 金竹村 党建引领发展 92.5"
VETO_USAGE = "请这样发：/veto 2026-10 金竹村 事由"
ONSITE_USAGE = "请这样发：/onsite 2026-10 金竹村（该村承办了区级现场会）"
FLAGS_USAGE = "请这样发：/flags 2026-10"
CONFIRM_USAGE = "请这样发：/confirm 2026-10 [班子会日期]"
MONTH_BAD = "月份“{value}”不对，请写成 2026-10。"
MONTH_FUTURE = "{month}还没到，不能评比。"
VILLAGE_UNKNOWN = "本镇没有“{name}”这个村。"
CATEGORY_UNKNOWN = "没有“{name}”这个评比类别。类别有：{categories}"
CATEGORY_COMPUTED = "“{name}”由系统按数据自动计算，不用录入分数。"
SCORE_BAD = "分数“{value}”不对，应在{low:g}到{high:g}之间。"
SCORE_RECORDED = "已录入：{month} {village} {category} {score:g}分。{note}"
SCORE_REPLACED = "（原为{previous:g}分）"
SCORE_AFTER_CONFIRM = "{month}已确认发布，改分后请再次 /confirm {month} 发布更正。"
VETO_RECORDED = "已记录一票否决：{month} {village}，{reason}。该村当月不得红旗。"
ONSITE_RECORDED = "已记录：{village}承办{month}区级现场会，{next_month}直接得红旗（不占名额）。"
ONSITE_ALREADY = "{village}{month}的现场会已经记录过了。"
FLAGS_TITLE = "{month}红黄旗评比（{state}）"
FLAGS_DRAFT = "草稿"
FLAGS_CONFIRMED = "已确认第{version}版"
FLAGS_GRID = "【{grid}】"
FLAGS_CATEGORY = "{category}：红旗 {reds}；黄旗 {yellows}"
FLAGS_ONSITE = "现场会红旗：{villages}"
FLAGS_NONE = "无"
FLAGS_MISSING = "还缺{count}项分数：{items}"
FLAGS_INDICATORS = "系统数据（参考）：开会屋场比例／到会率／问题按期率／满意度"
FLAGS_INDICATOR_LINE = "{village}：{meetings_held}／{attendance}／{issues_on_time}／{satisfaction}"
FLAGS_MORE = "等"
CONFIRM_MISSING = "{month}还缺{count}项分数，不能确认：{items}"
CONFIRMED = "{month}红黄旗已确认（第{version}版），已发布到各村屋场群。"
CONFIRMED_ALREADY = "{month}红黄旗第{version}版已确认发布，分数没有变化，不再重发。"
CONFIRM_CHANGING = "{month}的分数在确认时一再变动，没有确认；请稍后再 /confirm {month}。"
FLAGS_NO_VILLAGES = "本镇花名册里还没有村，无法评比。"
VILLAGE_RESULT = "{month}红黄旗评比：{village}\n红旗：{reds}\n黄旗：{yellows}\n{money}"
VILLAGE_RESULT_CORRECTION = "【更正，第{version}版】"
MONEY_REWARD = "奖励{amount}元。"
MONEY_PENALTY = "扣罚{amount}元。"
MONEY_NONE = "不奖不罚。"
GRID_PICTURE_TITLE = "{month} {grid} 红黄旗评比"
GRID_PICTURE_FOOTER = "每项前{reds}名红旗，末{yellows}名黄旗{floor}；一票否决的村不得红旗；现场会红旗不占名额。"
GRID_FOOTER_FLOOR = "（低于{floor:g}分才给黄旗）"
GRID_FOOTER_NO_PLACES = "本网格不足2个村，不评红黄旗。"
OFFICIAL_SUMMARY = "{month}红黄旗结算（第{version}版）："
OFFICIAL_SETTLEMENT = "{village}：红{reds} 黄{yellows}，{money}{consequences}"
OFFICIAL_CONSEQUENCES = "\n  后果：{items}"
SCORES_REMINDER = "{month}红黄旗还缺{count}项分数（{items}），请在{due}前录入（/score 或 wuchang scores import），再 /confirm {month}。"
SCORES_IMPORTED = "已导入{count}项分数。"
SCORES_ROW_ERROR = "第{row}行：{message}"
SCORES_MISSING_COLUMNS = "表头缺少列：{columns}"
# Flags F9-F13 (issue 17): scored items (F9).
ITEM_SCORE_BAD = "“{item}”的分数“{value}”不对，应在0到{high:g}之间。"
ITEM_SCORE_RECORDED = "已录入：{month} {village} {category}·{item} {score:g}分。{note}{progress}"
ITEM_PROGRESS = "{category}还缺：{items}。"
ITEM_COMPLETE = "{category}合计{total:g}分。"
ITEM_AND_TOTAL = "“{category}”和它的分项“{item}”不能同时填，请只填一种。"
FLAGS_ITEMS = "分项得分："
FLAGS_ITEM_LINE = "{village} {category}：{items}"
# Flags F9-F13 (issue 17): review (复核) and objections (复议), F10.
REVIEW_USAGE = "请这样发：/review 2026-10（复核本月草稿，复核人不能是录分人）"
REVIEW_OWN_SCORES = "你录入过{month}的分数，不能复核；请另一位未录分的镇干部复核。"
REVIEW_ALREADY = "{month}草稿已于{day}复核，异议截止{until}。"
REVIEW_MISSING = "{month}还缺{count}项分数，补齐后再复核：{items}"
REVIEWED = "{month}红黄旗草稿已复核。各村可在{until}前（{days}个工作日）提出异议，全部答复后再 /confirm {month}。"
REVIEW_TO_VILLAGE = "{month}红黄旗草稿已复核：{village}\n{lines}\n有异议请在{until}前发：/appeal {month} 类别 理由"
REVIEW_LINE = "{category}：{score}，网格第{rank}/{of}名{flag}"
REVIEW_NO_SCORE = "无分"
APPEAL_USAGE = "请这样发：/appeal 2026-10 和美家园建设 理由"
APPEAL_NO_VILLAGE = "只有村干部可以为本村提异议。"
APPEAL_NOT_REVIEWED = "{month}草稿还没有复核，复核后才能提异议。"
APPEAL_TOO_LATE = "{month}的异议已于{until}截止。"
APPEAL_RECORDED = "已收到你的异议（第{number}号），镇里答复后会告诉你。"
APPEAL_TO_OFFICIALS = "{village}对{month}{category}提出异议（第{number}号）：{text}\n请答复：/respond {number} 答复"
RESPOND_USAGE = "请这样发：/respond 异议编号 答复"
RESPOND_UNKNOWN = "本镇没有第{number}号红黄旗异议。"
RESPOND_ALREADY = "第{number}号异议已答复：{answer}"
RESPONDED = "已答复第{number}号异议，已告知{village}。"
RESPONSE_TO_VILLAGE = "你对{month}{category}的异议（第{number}号）镇里答复：{answer}"
CONFIRM_NOT_REVIEWED = "{month}草稿还没有复核，不能确认。请未录分的镇干部先 /review {month}。"
CONFIRM_UNANSWERED = "{month}还有{count}条异议未答复（第{numbers}号），不能确认。请先 /respond。"
CONFIRM_BAD_MEETING_DAY = "班子会日期“{value}”不对，请写成 2026-11-03，且不晚于今天。"
# Flags F9-F13 (issue 17): special points (特别加扣分) and vetoes' grounds, F11.
ADJUST_USAGE = "请这样发：/adjust 2026-10 金竹村 和美家园建设 +5 事由（扣分写 -5）"
ADJUST_BAD_POINTS = "加扣分“{value}”不对，应为不为0的数，在-{most:g}到+{most:g}之间，例如 +5 或 -3。"
ADJUSTED = "已记录特别加扣分：{month} {village} {category} {points:+g}分，{reason}。{note}"
VETO_GROUND_ASK = "请选一票否决的情形："
VETO_GROUND_SET = "已归类：{village}{month}一票否决，情形：{ground}。"
VETO_GROUND_ALREADY = "这条一票否决已归类为：{ground}。"
VETO_WITHDRAWN_ALREADY = "这条一票否决已撤销。"
UNVETO_USAGE = "请这样发：/unveto 2026-10 金竹村 撤销原因（有几条时在原因前写编号）"
UNVETO_NONE = "{village}{month}没有未撤销的一票否决。"
UNVETOED = "已撤销{village}{month}第{number}号一票否决（{was}）：{reason}。{note}"
FLAGS_ADJUSTMENTS = "特别加扣分："
FLAGS_ADJUSTMENT_LINE = "{village} {category}：{points:+g}分"
# Flags F13 (issue 17): rectification (整改) after a yellow flag.
RECTIFY_SUBJECT = "{month}黄旗整改（{categories}）"
RECTIFY_OWNER = "镇干部"
RECTIFY_OPENED = "{month}黄旗整改任务：{items}，请在{due}前整改后发 /rectified 编号 说明。"
RECTIFY_ITEM = "{village}第{number}号"
RECTIFIED_USAGE = "请这样发：/rectified 整改编号 说明，例如 /rectified 12 村道垃圾已清理"
RECTIFY_UNKNOWN = "本镇没有第{number}号整改任务。"
RECTIFY_DONE_ALREADY = "第{number}号整改任务已办结：{report}"
RECTIFIED = "第{number}号整改任务（{village}）已办结：{note}"
RECTIFIED_TOLD = "{village}第{number}号整改任务（{subject}）已办结：{note}"

# --- publication: notices and 公示 (rules P1-P2) -----------------------------------------
NOTICE_USAGE = "请这样发：/notice 通知内容；更正已发的通知：/notice 更正 编号 内容"
PUBLICIZE_USAGE = "请这样发：/publicize [天数] 公示内容，例如 /publicize 5 2026年低保名单……（天数可省，默认5个工作日）"
PUBLICIZE_BAD_DAYS = "公示天数“{value}”不对，应为1到{most}个工作日。"
CORRECTION_USAGE = "更正请这样发：/notice 更正 编号 新内容（公示用 /publicize 更正 编号 新内容），编号是原来那条的编号。"
NOTICE_TOO_LONG = "内容太长了，最多{most}个字。请分几条发。"
NOTICE_NO_SCOPE = "你没有所属的屋场或村，不能发通知。"
NOTICE_BAD_NUMBER = "请写编号，例如 {usage}"
NOTICE_UNKNOWN = "没有第{number}号通知或公示。"
NOTICE_NOT_YOURS = "第{number}号不是发给你所在屋场或村的，不能这样操作。"
CORRECTION_NOT_YOURS = "第{number}号不是你这一级发的，不能更正。"
NOTICE_CHOOSE_KIND = "第{number}号{what}还没发出，请选择类别：\n{excerpt}"
NOTICE_WHAT = "通知"
PUBLICITY_WHAT = "公示"
NOTICE_KIND_NOT_YOURS = "只有发布人可以选类别。"
NOTICE_ALREADY_SENT = "第{number}号已经发出了。"
NOTICE_SENT = "第{number}号{what}（{kind}）已发到{scope}的{groups}个屋场群。发送 /notices 看已阅户数。"
NOTICE_NO_GROUPS = "第{number}号{what}（{kind}）已发布，但{scope}还没有绑定的屋场群。"
NOTICE_TEXT = "【{kind}】{scope}通知（第{number}号）{correction}\n{text}\n——{publisher}"
PUBLICITY_TEXT = ("【{kind}】{scope}公示（第{number}号，{ends}止）{correction}\n{text}\n——{publisher}\n"
                  "有异议请按“异议”，或发送 /object {number} 理由。")
NOTICE_CORRECTS = "【更正第{number}号】"
NOTICE_SYSTEM_PUBLISHER = "系统发布"
READ_BUTTON = "已阅"
OBJECT_BUTTON = "异议"
READ_RECORDED = "已阅，谢谢。"
READ_ALREADY = "你家已经阅过了。"
READ_NOT_MEMBER = "这条是发给{scope}的，只有那里的住户点“已阅”才算数。"
OBJECT_HOW = "对第{number}号公示有异议，请发送：/object {number} 理由（{ends}前）。"
OBJECT_USAGE = "请这样发：/object 编号 理由，例如 /object 12 名单里漏了3号户"
OBJECT_NOT_PUBLICITY = "第{number}号是通知，不是公示，不能提异议。"
OBJECT_ENDED = "第{number}号公示已于{ends}结束，不能再提异议。"
OBJECT_TOO_LONG = "理由太长了，最多{most}个字。"
OBJECTED = "已收到你对第{number}号公示的异议（第{sequence}条）。答复后会告诉你。"
OBJECTION_TO_PUBLISHER = "第{number}号公示（{excerpt}）收到第{sequence}条异议：{text}\n请答复：/answer {number} {sequence} 答复内容"
ANSWER_USAGE = "请这样发：/answer 编号 序号 答复，例如 /answer 12 1 已核实，补上3号户"
ANSWER_NOT_YOURS = "第{number}号公示的异议由发布人或同级的{role}答复，你不能答复。"
ANSWER_NOT_PUBLICITY = "第{number}号是通知，不是公示，没有异议可答复。"
OBJECTION_UNKNOWN = "第{number}号公示没有第{sequence}条异议（共{count}条）。"
OBJECTION_ANSWERED_ALREADY = "第{number}号公示的第{sequence}条异议已经答复过了。"
ANSWERED = "已答复第{number}号公示的第{sequence}条异议，并告诉了提出人。"
ANSWER_TO_OBJECTOR = "你对第{number}号公示（{excerpt}）的异议：{text}\n答复：{answer}"
PUBLICITY_ENDED = "第{number}号公示期满（{kind}）：{excerpt}"
PUBLICITY_NO_OBJECTIONS = "公示期间没有收到异议。"
PUBLICITY_OBJECTIONS = "公示期间收到异议{count}条："
OBJECTION_LINE = "{number}. {text}"
OBJECTION_ANSWER = "   答复：{answer}"
OBJECTION_NO_ANSWER = "   尚未答复"
PUBLICITY_UNANSWERED = "还有{count}条异议没有答复（第{numbers}条），请发布人尽快答复。"
PUBLICITY_ALL_ANSWERED = "异议都已答复。"
NOTICES_NONE = "你还没有发过通知。发送 /notice 内容 发通知，/publicize 内容 发公示。"
NOTICES_HEADER = "你发的通知和公示（最近{count}条）："
NOTICES_LINE = "第{number}号 {kind}{state}：{excerpt}｜已阅{read}/{bound}户{objections}"
NOTICES_RUNNING = "公示，{ends}止"
NOTICES_ENDED = "公示已结束"
NOTICES_PLAIN = "通知"
NOTICES_OBJECTIONS = "｜异议{count}条"
NOTICES_UNANSWERED = "（{count}条未答复）"
# Pictures and files attached to a notice (rule P1).
NOTICE_ATTACH_HINT = "\n要附图片或文件，请在{minutes}分钟内接着发过来。"
ATTACH_DRAFT = "第{number}号还没发出：请先选类别，再发图片或文件。"
ATTACH_NO_NOTICE = "图片和文件要附在通知后面：请先用 /notice 内容 发通知，再在{minutes}分钟内发图片或文件。"
ATTACH_TOO_MANY = "第{number}号通知最多附{most}个图片或文件。"
ATTACH_TOO_BIG = "文件太大了，最多{most}。请压缩后再发。"
ATTACH_NOT_PUBLISHER = "只有屋场长、村干部和镇干部发通知时能附图片或文件。"
ATTACHED = "已附到第{number}号通知（第{sequence}个附件：{name}），并发到了{groups}个屋场群。"
ATTACHED_PICTURE = "第{number}号通知的附图（{name}）"
ATTACHED_FILE = "第{number}号通知附有文件：{name}（{size}），需要的请找{publisher}。"

# --- township supervision (rules S1-S3): digests, lagging 屋场, talks, the quarter --------
DIGEST_TITLE = "{place}{month}红色屋场工作月报"
DIGEST_LEGEND = "会议/达法定｜到会率｜表决/决议｜问题 提出/销号/按时/超期｜满意度"
DIGEST_LINE = "{0}：{1}｜{2}｜{3}｜{4}｜{5}"
DIGEST_NONE = "—"
DIGEST_EMPTY = "本月没有数据。"
DIGEST_LAGGING = "工作滞后的屋场："
DIGEST_LAG_LINE = "{place}：{reason}"
DIGEST_TALKS = "未结的约谈："
DIGEST_PICTURE_HEADER = ("屋场", "会议/达法定", "到会率", "表决/决议", "问题 提出/销号/按时/超期",
                         "满意度")
DIGEST_PICTURE_VILLAGE = "村"
DIGEST_PICTURE_FOOTER = "黄底为工作滞后；会议只计已结束的；按时、超期按本月提出的问题计。"
DIGEST_USAGE = "请发送 /digest 或 /digest 2026-10（月份可省略，默认上个月）。"
DIGEST_NO_PLACE = "你不属于哪个村，没有月报可看。"
LAG_NO_MEETING = "连续{months}个月没有开会"
LAG_QUORUM = "最近{meetings}次会议到会户数都不足法定"
LAG_OVERDUE = "有问题超期超过{days}个工作日"
TALK_USAGE = "请发送 /talk 村 事由，例如 /talk 金竹村 连续两个月没有开会。"
TALK_LINE = "{number}号 {village}：{reason}（{since}起）"
TALK_OPENED = "已记录约谈{number}号：{village}，事由：{reason}。请在{due}前约谈并用 /talkdone {number} 结果 办结。"
TALK_TOLD = "镇里{official}将约谈{village}主职干部（约谈{number}号），事由：{reason}。"
TALK_YELLOW_REASON = "{month}得黄旗（{categories}）"
TALK_LEADER = "镇主要领导"
TALKDONE_USAGE = "请发送 /talkdone 编号 结果，例如 /talkdone 3 已约谈村支书，限期整改。"
TALK_UNKNOWN = "没有约谈{number}号。"
TALK_CLOSED_ALREADY = "约谈{number}号已经办结。"
TALK_NOT_YOURS = "约谈{number}号由{official}办理，请由其本人办结。"
TALK_DONE = "约谈{number}号已办结：{result}"
TALK_DONE_TOLD = "约谈{number}号（{village}：{reason}）已办结：{result}"
QUARTER_BAD = "季度“{value}”不对，请写成 2026-Q4。"
ASSESS_USAGE = "请发送 /assess 2026-Q4。"
ASSESS_TITLE = "{quarter}红色屋场季度考核（得分+加分=合计）："
ASSESS_LINE = "{rank}. {village} {score:g}+{bonus:g}={total:g}"
ASSESS_BONUS_LINE = "   加分{points:+g}：{reason}"
ASSESS_EMPTY = "本镇没有村。"
BONUS_USAGE = "请发送 /bonus 2026-Q4 村 分 事由，例如 /bonus 2026-Q4 金竹村 2 屋场议事经验在全县推广。"
BONUS_POINTS_BAD = "加分“{value}”不对，请写 -{limit:g} 到 {limit:g} 之间的数。"
BONUS_RECORDED = "已为{village}{quarter}季度党建考核加分{points:+g}，事由：{reason}。"

# Usage and one-line summary of every typed command, kept on its row of the command
# table (handlers/table.py) and shown by /help and in the Telegram command menu.
class CommandHelp(NamedTuple):
    """How a typed command is written, and what it does in a few words."""

    usage: str
    summary: str


HELP_START = CommandHelp("/start 邀请码", "绑定你的身份")
HELP_BIND = CommandHelp("/bind 邀请码", "把本群绑定为屋场群（屋场长）")
HELP_HELP = CommandHelp("/help", "看你在这里能用的命令")
HELP_MEETING = CommandHelp("/meeting 日期 时间 地点 议题", "安排议事恳谈会")
HELP_OPEN = CommandHelp("/open", "开始会议，村民签到")
HELP_CHECKIN = CommandHelp("/checkin 或 签到", "签到")
HELP_ATTEND = CommandHelp("/attend 3 5*2 7", "按户号登记到会")
HELP_MOTION = CommandHelp("/motion 内容", "提出表决")
HELP_TALLY = CommandHelp("/tally 赞成 反对 弃权", "登记举手结果")
HELP_CLOSE = CommandHelp("/close", "结束表决，公布结果")
HELP_MINUTES = CommandHelp("/minutes 文字", "记入会议记录")
HELP_END = CommandHelp("/end", "结束会议，发会议小结")
HELP_ISSUE = CommandHelp("/issue 标题", "提出问题，记入问题清单")
HELP_PROMISE = CommandHelp("/promise 编号 日期", "约定解决时间")
HELP_ESCALATE = CommandHelp("/escalate 编号 [原因]", "上报上一级")
HELP_ASSIGN = CommandHelp("/assign 编号 部门 负责人 日期", "交办问题")
HELP_SOLVE = CommandHelp("/solve 编号 说明", "报问题办结，群众评价")
HELP_STATUS = CommandHelp("/status 编号", "看问题的全部经过")
HELP_RATINGS = CommandHelp("/ratings 编号 满意 基本满意 不满意", "登记会上举手评价（问题评价人数不足时）")
HELP_SCORE = CommandHelp("/score 月份 村 类别或分项 分数", "录入月度评比分数（类别合计或分项）")
HELP_FLAGS = CommandHelp("/flags 月份", "看红黄旗草稿")
HELP_VETO = CommandHelp("/veto 月份 村 事由", "记录一票否决")
HELP_ONSITE = CommandHelp("/onsite 月份 村", "记录承办区级现场会")
HELP_CONFIRM = CommandHelp("/confirm 月份 [班子会日期]", "确认并发布红黄旗")
# Flags F10 (issue 17): review and objections.
HELP_REVIEW = CommandHelp("/review 月份", "复核红黄旗草稿，各村可提异议")
HELP_APPEAL = CommandHelp("/appeal 月份 类别 理由", "对本村红黄旗草稿提异议")
HELP_RESPOND = CommandHelp("/respond 编号 答复", "答复红黄旗异议")
# Flags F11 (issue 17): special points and vetoes.
HELP_ADJUST = CommandHelp("/adjust 月份 村 类别 ±分 事由", "记录班子会定的特别加扣分")
HELP_UNVETO = CommandHelp("/unveto 月份 村 [编号] 原因", "撤销一条一票否决")
# Flags F13 (issue 17): rectification.
HELP_RECTIFIED = CommandHelp("/rectified 编号 说明", "报黄旗整改办结")
# Meetings a head can fix (issue 13, M8).
HELP_CANCEL = CommandHelp("/cancel [原因]", "取消已安排的会议")
# Issue 13: the list (问题清单制, rule I5).
HELP_ISSUES = CommandHelp("/issues [超期]", "看问题清单：本屋场的，或待你这一级办理的")
# Before and after a meeting (rules M8-M9).
HELP_POLL = CommandHelp("/poll 日期 时间 日期 时间", "征询开会时间（/poll 看户数，/poll 结束 截止）")
HELP_REQUEST = CommandHelp("/request 议题", "提议开会")
HELP_TOPIC = CommandHelp("/topic 主题", "定本村本月的议事主题")
HELP_DECISIONS = CommandHelp("/decisions", "看本屋场的决议和办理情况")
HELP_DONE = CommandHelp("/done 编号 说明", "报决议或民主生活会整改问题办结")
# Publication: notices and 公示 (rules P1-P2).
HELP_NOTICE = CommandHelp("/notice 内容", "发通知，按钮选类别（更正：/notice 更正 编号 内容）")
HELP_PUBLICIZE = CommandHelp("/publicize [天数] 内容", "发公示，默认5个工作日，群众可提异议")
HELP_OBJECT = CommandHelp("/object 编号 理由", "对公示提异议")
HELP_ANSWER = CommandHelp("/answer 编号 序号 答复", "答复公示的异议")
HELP_NOTICES = CommandHelp("/notices", "看你发的通知、已阅户数和异议")
# Township supervision (rules S1-S3).
HELP_DIGEST = CommandHelp("/digest [月份]", "看红色屋场工作月报（默认上个月）")
HELP_TALK = CommandHelp("/talk 村 事由", "记录约谈，告知村干部")
HELP_TALKDONE = CommandHelp("/talkdone 编号 结果", "约谈办结")
HELP_ASSESS = CommandHelp("/assess 2026-Q4", "看各村季度考核排名")
HELP_BONUS = CommandHelp("/bonus 季度 村 分 事由", "季度党建考核加分")

# --- chat platforms ------------------------------------------------------------------
# The delivery policy, on channels whose groups cannot show buttons or do not reach the bot.
NO_GROUP_FOR_COMMAND = "你的屋场在这里还没有屋场群，{command} 要等镇里管理员建群后才能用。"
BUTTONS_SENT_PRIVATELY = "（按钮已分别发到各位的私聊消息里，请在那里点按。）"
BOT_ADDED_TO_GROUP = "大家好，我是红色屋场议事助手。请屋场长在群里发送 /bind 邀请码，把本群绑定为屋场群。"

# --- WeCom (企业微信) ------------------------------------------------------------------
WECOM_MORE_CHOICES = "更多选项"
WECOM_GROUP_NAME = "{place}屋场群"
WECOM_NOT_CONFIGURED = "没有配置企业微信：请先设置 WUCHANG_WECOM_CORP_ID 等五项（见 .env.example）。"
WECOM_API_FAILED = "企业微信接口出错：{reason}"
WECOM_GROUP_CREATED = "已为{place}建立企业微信群 {chat_id}（{count}人），并绑定为屋场群。"
WECOM_GROUP_SYNCED = "{place}的企业微信群 {chat_id} 已有{count}人，新加入{added}人。"
WECOM_GROUP_TOO_FEW = "{place}只有{count}人绑定了企业微信，建群至少要2人。请先让屋场长和村民在应用里发送 /start 邀请码。"
WECOM_GROUP_IS_ROBOT = "{place}用的是群机器人，不能再建应用群。"
WECOM_GROUP_BAD_ID = "群ID只能由字母和数字组成，最长32位：“{chat_id}”。"
WECOM_ROBOT_BOUND = "已把群机器人绑定为{place}屋场群。"
WECOM_ROBOT_REBOUND = "{place}的群机器人已更换。"
WECOM_ROBOT_BAD_KEY = "群机器人地址不对：应为 webhook 地址（…/webhook/send?key=…）或其中的 key。"
WECOM_ROBOT_HAS_APPCHAT = "{place}已有企业微信应用群 {chat_id}，不能再绑定群机器人。"

# --- terminal tools (wuchang chat) ------------------------------------------------------
CONSOLE_NO_HOMESTEAD = "没有叫“{name}”的屋场。"
CONSOLE_AMBIGUOUS = "有几个屋场都叫“{name}”，请写成 村/屋场。"
CONSOLE_NO_BUTTON = "“{chat}”里没有带“{label}”按钮的消息。"
CHAT_INTRO = "以 {person} 身份在 {chat} 聊天。输入命令；“按 标签”按按钮；Ctrl-D 退出。"


def format_when(local: datetime, *, today: date | None = None) -> str:
    """A local time as people read it: 11月20日（周五）19:30, the year first if not today's."""
    year = f"{local.year}年" if today is not None and today.year != local.year else ""
    return f"{year}{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def format_day(day: date, *, today: date | None = None) -> str:
    """A day as people read it: 12月6日 (2027年1月5日 when ``today`` lies in another year)."""
    year = f"{day.year}年" if today is not None and today.year != day.year else ""
    return f"{year}{day.month}月{day.day}日"
# --- public notice board (公开栏, rule P3): web pages, feed and A4 poster -----------------
BOARD_MEETING_STATES = {"scheduled": "已安排", "open": "进行中", "ended": "已召开"}
BOARD_INDEX_TITLE = "红色屋场公开栏"
BOARD_INDEX_INTRO = "各村的通知公告、公示、问题清单、议事恳谈会和红黄旗评比结果。"
BOARD_INDEX_EMPTY = "花名册里还没有村。"
BOARD_TITLE = "{village}公开栏"
BOARD_PLACE = "{township} · {grid}"
BOARD_UPDATED = "更新于{when}"
BOARD_DAY = "{year}年{month}月{day}日"
BOARD_NOTICES = "通知公告与公示"
BOARD_NO_NOTICES = "目前没有正在公开的通知和公示。"
BOARD_NOTICE_META = "{number}号 · {when}发布"
BOARD_PUBLICITY = "公示"
BOARD_PUBLICITY_ENDS = "公示至{when}"
BOARD_ATTACHMENTS = "附件：{names}"
BOARD_NO_OBJECTIONS = "无异议。"
BOARD_OBJECTION = "异议{number}：{text}"
BOARD_ANSWER = "答复：{text}"
BOARD_UNANSWERED = "尚未答复"
BOARD_ISSUES = "问题清单"
BOARD_NO_ISSUES = "问题清单里还没有问题。"
BOARD_ISSUE_TITLE = "{number}号 {title}"
BOARD_ISSUE_META = "{homestead}｜{category}｜在{level}｜{status}"
BOARD_DEADLINE = "期限{day}"
BOARD_SATISFACTION = "满意率{rate}"
BOARD_MEETINGS = "议事恳谈会"
BOARD_NO_MEETINGS = "近一年没有议事恳谈会记录。"
BOARD_MEETING_TITLE = "{when} {homestead}：{topic}"
BOARD_ATTENDANCE = "到会{present}户，须到会{required}户，{quorum}"
BOARD_MOTION_OPEN = "表决中"
BOARD_DECISIONS = "决议落实"
BOARD_DECISION = "{number}号决议（{homestead}）：{text}"
BOARD_DECISION_OPEN, BOARD_DECISION_DONE = "落实中", "已落实"
BOARD_FLAGS = "红黄旗评比"
BOARD_NO_FLAGS = "近一年没有已确认的评比结果。"
BOARD_FLAG_MONTH = "{month}（第{version}版）"
BOARD_FLAG_LINE = "红旗：{reds}；黄旗：{yellows}"
BOARD_SCORES = "各项得分：{items}"
BOARD_FOOTER = "本栏每分钟更新。提出问题和提出异议的人不公开。"
BOARD_BACK = "← 各村公开栏"
BOARD_NOT_FOUND_TITLE = "找不到这个公开栏"
BOARD_MISSING = "没有叫“{name}”的村。请从各村列表里选择。"
BOARD_AMBIGUOUS = "有几个镇都有“{name}”，请选择："
BOARD_VILLAGE_UNKNOWN = "花名册里没有“{name}”这个村。"
BOARD_VILLAGE_AMBIGUOUS = "有几个镇都有“{name}”，请写成 镇/村：{choices}"
POSTER_TITLE = "{village}红色屋场公开栏"
POSTER_MONTH = "{year}年{month}月｜{township} {grid}"
POSTER_MEETINGS = "一、议事恳谈会"
POSTER_NO_MEETINGS = "本月没有召开议事恳谈会。"
POSTER_RAISED = "二、本月提出的问题"
POSTER_CLOSED = "三、本月销号的问题"
POSTER_CLOSED_ISSUE = "{number}号 {title}（{homestead}），满意率{rate}"
POSTER_FLAGS = "四、红黄旗评比"
POSTER_NO_FLAGS = "本月评比结果尚未确认。"
POSTER_NOTICES = "五、通知公告与公示"
POSTER_NONE = "无。"
POSTER_MORE = "……还有{count}行印不下，请看网上公开栏。"
POSTER_FOOTER = "{when}印制。提出问题和提出异议的人不公开。"
POSTER_BAD_SUFFIX = "输出文件要以 .pdf 或 .png 结尾，例如 -o 公开栏.pdf"
POSTER_WRITTEN = "已生成{village}{month}公开栏海报：{path}"
# --- annual roll-up, liaison villages, the objection window (issue 17: F10-F13) ----------
CONFIRM_APPEALS_OPEN = "{month}的复议期到{until}为止，期间各村还可以提异议；{first}起才能确认。"
UNVETO_LINE = "第{number}号：{reason}（{ground}）"
UNVETO_NO_GROUND = "未选依据"
UNVETO_WHICH = ("{village}{month}有{count}条未撤销的一票否决，每次撤销一条：\n{lines}\n"
                "请在原因前写编号，例如 /unveto {month} {village} {example} 撤销原因")
GRID_AVERAGES_TITLE = "各网格各项平均分："
GRID_AVERAGE_LINE = "{grid}：{items}"
GRID_AVERAGE_ITEM = "{category}{average}"
YEAR_TITLE = "{year}年红黄旗年度汇总（已确认{count}个月：{months}）"
YEAR_VILLAGES = "各村红黄旗和各项月平均分："
YEAR_VILLAGE_LINE = "{village}（{grid}）红旗{reds}面，黄旗{yellows}面；{items}"
YEAR_NO_SCORES = "无得分"
YEAR_BEST_GRIDS = "各项平均分最高的网格："
YEAR_BEST_GRID = "{category}：{grids}（月平均{average}）"
YEAR_CANDIDATES = "年度考核优秀等次候选（红旗最多，{reds}面）：{villages}"
YEAR_NO_CANDIDATES = "全年没有村获得红旗，无优秀等次候选。"
YEAR_USAGE = "请这样发：/year 2026"
YEAR_BAD = "年份“{value}”不对，请写4位数字，且不晚于今年，例如 /year 2026"
YEAR_NONE = "{year}年还没有已确认的评比月份。"
YEAR_NO_VILLAGE = "你不属于哪个村，看不了村的年度汇总。"
HELP_YEAR = CommandHelp("/year 年份", "红黄旗年度汇总：各村平均分、红黄旗数、最佳网格")
ROSTER_LIAISON_NOT_OFFICIAL = "只有镇干部才填“{column}”"
ROSTER_LIAISON_UNKNOWN = "联系村“{village}”不是本文件里{township}的村"
ROSTER_NO_LIAISON = "{township}{village}没有联系的镇干部（联系村），黄旗整改任务将交给全体镇干部。"
RECTIFY_LIAISON_OWNER = "联系{village}的镇干部{names}"

# --- 五面红旗 award (rules A1-A3) ---------------------------------------------------------
HELP_HONGQI = CommandHelp("/hongqi [年份] · apply 类别 · review 村 类别 · award 年份 · revoke 村 类别 事由 · incident 村 类型 说明",
                          "五面红旗：申报、审核、授牌、摘牌")
ROSTER_BAD_VILLAGE_KIND = "村类型“{value}”不对，应为{allowed}"
ROSTER_VILLAGE_KIND_CLASH = "{village}在这里是“{kind}”，第{first}行却是“{other}”"
AWARD_STATUS = {"draft": "草稿", "applied": "已申报", "reviewing": "审核中", "publicized": "公示中",
                "awarded": "已授牌", "refused": "未通过", "withdrawn": "已摘牌"}
AWARD_CADRE_ONLY = "只有村干部可以为本村申报红旗。"
AWARD_OFFICIAL_ONLY = "只有镇干部可以审核、授牌、摘牌或登记事件。"
AWARD_YEAR_BAD = "年份“{value}”不对，例如 2026。"
AWARD_FLAG_UNKNOWN = "没有“{name}”这面红旗（{kind}）。可申报：{names}\n例如 /hongqi apply 党建示范"
AWARD_CRITERION_UNKNOWN = "{flag}没有第{number}条，共{total}条。"
AWARD_CRITERION = "【{flag}】第{number}/{total}条 {title}\n{text}"
AWARD_GIVEN = "已填：{answer}"
AWARD_TYPE_FIGURES = "请发送数值：{figures}\n例如 /hongqi 填 {example}（不知道的写 -）"
AWARD_FIGURES_BAD = "数值不对。要填：{figures}\n例如 /hongqi 填 {example}（不知道的写 -）"
AWARD_ASK_NONE = "年内是否未发生：{incidents}？"
AWARD_ASK_YES_NO = "本村是否达到？"
AWARD_EVIDENCE_HINT = "佐证：发送 /hongqi 说明 文字，或{minutes}分钟内私聊发照片。"
AWARD_YES = "达到"
AWARD_NO = "未达到"
AWARD_NONE_YES = "未发生"
AWARD_NONE_NO = "发生过"
AWARD_OR = " 或 "
AWARD_AND = " 且 "
AWARD_NOT_ANSWERED = "未填"
AWARD_MEETS = "（达标）"
AWARD_FALLS_SHORT = "（未达标）"
AWARD_NO_CURRENT = "请先发送 /hongqi apply 类别，再填写或补充佐证。"
AWARD_NOT_NUMBER = "第{number}条不用填数值，请按按钮回答。"
AWARD_NOTE_USAGE = "请发送 /hongqi 说明 文字"
AWARD_NOTE_MAX = 500
AWARD_NOTE_TOO_LONG = "说明最多{most}字。"
AWARD_EVIDENCE_KEPT = "已收到第{number}条的佐证。"
AWARD_EVIDENCE_TOO_BIG = "文件太大，请压缩后再发。"
AWARD_SUMMARY = "【{flag}】{year}年申报已填完："
AWARD_SUMMARY_LINE = "{number}. {title}：{answer}{mark}"
AWARD_SUBMIT_HINT = "改某条：/hongqi apply {flag} 条号。确认无误请按“提交申报”。"
AWARD_SUBMIT_BUTTON = "提交申报"
AWARD_NO_APPLICATION = "本村今年还没有申报{flag}，请先发送 /hongqi apply {flag}"
AWARD_UNANSWERED = "{flag}还有第{numbers}条没填，填完才能提交。"
AWARD_SUBMITTED_ALREADY = "{flag}已提交，等待镇里审核；被退回的条目才能修改。"
AWARD_SUBMITTED = "{year}年{flag}已提交，镇里审核后会通知你。"
AWARD_SUBMITTED_TO_OFFICIALS = "{village}提交了{year}年{flag}的申报，请审核：/hongqi review {village} {flag}"
AWARD_TASK_REPORT = "已补充材料，重新提交。"
AWARD_REVIEW_USAGE = "请发送 /hongqi review 村 类别 [年份]，例如 /hongqi review 金竹村 党建示范"
AWARD_NOT_SUBMITTED = "{village}{year}年还没有提交{flag}的申报。"
AWARD_ALREADY_PUBLICIZED = "{village}{flag}已审核完毕并公示，不能再改。"
AWARD_REVIEW_CRITERION = "【{village}·{flag}·{year}】第{number}/{total}条 {title}\n{text}"
AWARD_REVIEW_ANSWER = "申报：{answer}{mark}"
AWARD_REVIEW_INCIDENT = "⚠ 已登记事件：{type}（{text}）"
AWARD_REVIEW_EVIDENCE = "佐证：{what}"
AWARD_REVIEW_HINT = "退回：/hongqi 退回 {village} {flag} {number} 日期 原因"
AWARD_MET_BUTTON = "达标"
AWARD_NOT_MET_BUTTON = "不达标"
AWARD_REVIEW_WAITING = "{village}{flag}其余各条已审，第{numbers}条已退回，等村里补充后重新提交。"
AWARD_REVIEW_REFUSED = "{village}{year}年{flag}审核完毕：未通过。"
AWARD_REFUSED_TO_VILLAGE = "本村{year}年{flag}审核未通过。发送 /hongqi 查看。"
AWARD_BACK_USAGE = "请发送 /hongqi 退回 村 类别 条号 日期 原因，例如 /hongqi 退回 金竹村 产业兴旺 2 12-20 缺流转合同"
AWARD_BACK_DAY_BAD = "日期“{value}”看不懂，例如 12-20。"
AWARD_BACK_DAY_PAST = "日期“{value}”已过，请给一个今天或以后的日期。"
AWARD_TASK_SUBJECT = "补充{flag}第{number}条（{title}）：{reason}"
AWARD_BACK_TO_VILLAGE = "{flag}第{number}条（{title}）被退回：{reason}\n请在{due}前补充（任务{task}）：/hongqi apply {flag} {number}，改完再提交。"
AWARD_BACK_DONE = "已退回{village}{flag}第{number}条，限{due}前补充（任务{task}）。"
AWARD_PUBLICITY_TEXT = "{year}年“五面红旗”拟授牌：{village}{flag}红旗（{count}条标准全部达标）。如有异议请在公示期内提出。"
AWARD_PUBLICIZED = "{village}{flag}各条全部达标，已公示（编号{number}），{ends}结束。公示结束且异议都答复后发送 /hongqi award 年份 授牌。"
AWARD_PUBLICIZED_TO_VILLAGE = "本村{year}年{flag}审核通过，正在公示（编号{number}），{ends}结束。"
AWARD_AWARD_USAGE = "请发送 /hongqi award 年份，例如 /hongqi award 2026"
AWARD_HELD_RUNNING = "公示{number}还没结束"
AWARD_HELD_OBJECTIONS = "公示{number}的异议{sequences}还没答复"
AWARD_HELD_LINE = "暂不能授牌：{village}{flag}，{reason}。"
AWARD_NONE_READY = "{year}年没有可以授牌的红旗。"
AWARD_AWARDED_TEXT = "{year}年“五面红旗”授牌（{day}）：{listing}"
AWARD_AWARDED = "已授牌：{listing}（{year}年）。"
AWARD_VILLAGE_AWARDED = "🚩 {village}荣获{year}年“{flag}”红旗，{day}授牌。"
AWARD_WITHDRAWN_TEXT = "{village}{year}年“{flag}”红旗于{day}摘牌。原因：{reason}"
AWARD_REVOKE_USAGE = "请发送 /hongqi 摘牌 村 类别 事由"
AWARD_NOT_HELD = "{village}没有在牌的“{flag}”红旗。"
AWARD_REVOKED = "已摘去{village}“{flag}”红旗，事由：{reason}，已公布。"
AWARD_INCIDENT_USAGE = "请发送 /hongqi 事件 村 类型 说明，例如 /hongqi 事件 金竹村 重大火灾 仓库起火"
AWARD_INCIDENT_TYPE = "事件类型“{value}”不在本方案的“无……”条目中。类型有：{types}"
AWARD_INCIDENT_REASON = "发生{type}：{text}"
AWARD_INCIDENT_RECORDED = "已登记{village}事件：{type}。{note}"
AWARD_INCIDENT_WITHDREW = "因此摘牌：{flags}。"
AWARD_LIST_HEADER = "{place}{year}年“五面红旗”："
AWARD_LIST_LINE = "{village} {flag}：{status}（达标{met}/{total}）{note}"
AWARD_LIST_AWARDED = "，{day}授牌"
AWARD_LIST_WITHDRAWN = "，摘牌原因：{reason}"
AWARD_LIST_NONE = "暂无申报。"
AWARD_REREVIEW_REMINDER = "一月复查：请复查在牌的“五面红旗”，不再达标的发送 /hongqi 摘牌 村 类别 事由。\n{listing}"
AWARD_IMPORT_BAD_YEAR = "年度“{value}”不对"
AWARD_IMPORT_BAD_VILLAGE = "没有“{value}”这个村"
AWARD_IMPORT_BAD_FLAG = "{village}没有“{value}”这面红旗"
AWARD_IMPORT_BAD_CRITERION = "{flag}没有第“{value}”条"
AWARD_IMPORT_BAD_VALUE = "值“{value}”不对：{expected}"
AWARD_IMPORT_SUBMITTED = "{village}{year}年{flag}已提交，不能再导入"
AWARD_IMPORT_EXPECT_YES_NO = "填 是 或 否"
AWARD_IMPORT_EXPECT_NUMBER = "填数值（两个数值用 / 隔开，不知道的写 -）"
AWARD_PROVIDED_NOTE = "系统按本系统记录自动填写"
AWARD_IMPORTED = "已导入 {count} 行申报材料。"

# --- surveys (民主测评, rule Y3) ---------------------------------------------------------
HELP_SURVEY = CommandHelp("/survey 对象 门槛", "民主测评：对象写编号、两委或党员，例如 /survey 两委 90")
SURVEY_USAGE = ("请这样发：/survey 对象 门槛，例如 /survey 两委 90。"
                "对象写人的编号、两委或党员；镇干部写村名，如 石门村两委。")
SURVEY_NOT_ALLOWED = "只有镇干部和党支部书记可以发起民主测评。"
SURVEY_BAD_THRESHOLD = "门槛“{value}”不对，请写1到100的整数，例如 90 或 90%。"
SURVEY_NEEDS_VILLAGE = "请写明哪个村，例如 /survey 石门村{word} 90。"
SURVEY_OTHER_VILLAGE = "你只能测评本村的{word}。"
SURVEY_PERSON_UNKNOWN = "花名册里没有编号“{code}”。对象请写编号、两委或党员。"
SURVEY_PERSON_NOT_YOURS = "{name}不在你这一级的范围内，不能由你测评。"
SURVEY_NO_COMMITTEE = "{village}的花名册里没有村干部。"
SURVEY_NO_MEMBERS = "{village}的花名册里没有党员。"
SURVEY_NO_HOUSEHOLDS = "{scope}没有可以参加测评的住户（18岁以上、不是被测评人、不是干部）。"
SURVEY_RUNNING = "对{subject}的第{number}号测评还没结束（{closes}截止）。"
SURVEY_COMMITTEE = "{village}两委"
SURVEY_PARTY = "{village}党员（{count}人）"
SURVEY_STARTED = ("第{number}号民主测评已发出：{subject}，{scope}{households}户每户一张匿名测评卡，"
                  "{closes}截止，满意率达到{threshold}%为合格。截止后结果自动公示。")
SURVEY_CARD = ("【民主测评】第{number}号（匿名）\n请为{subject}打分：满意、基本满意或不满意。\n"
               "每户一张卡，由家里一位18岁以上的人代表全家作答，谁评了什么谁也看不到。{closes}截止。")
SURVEY_CARD_ROWS = "每人一行，按钮前的数字是序号："
SURVEY_CARD_ROW = "{position}. {subject}"
SURVEY_REMINDER = "【民主测评提醒】第{number}号测评{closes}截止，你家还没有测评完{subject}。请按下面的按钮。"
SURVEY_THANKS = "已收到你家的测评，谢谢。谁评了什么不作记录。"
SURVEY_ALREADY = "你家已经测评过{subject}了，每户只有一张卡。"
SURVEY_CLOSED = "第{number}号民主测评已经结束了。"
SURVEY_NO_CARD = "第{number}号测评开始时你家不在名单上，这张卡不归你家。"
SURVEY_NOT_OF_PLACE = "这次测评只请{place}的住户参加。"
SURVEY_UNDER_AGE = "测评由家里18岁以上的人作答。"
SURVEY_ASSESSED = "你是这次测评的被测评人，不能给自己打分，请家里其他成年人作答。"
SURVEY_CADRE = "{role}不参加测评，由群众测评。"
SURVEY_RESULT_TITLE = "第{number}号民主测评结果：{subject}（{scope}，门槛{threshold}%）"
SURVEY_RESULT_LINE = ("{subject}：满意率{rate}（满意{satisfied} 基本满意{basically} "
                      "不满意{dissatisfied}，{cards}户作答），{verdict}")
SURVEY_RESULT_NONE = "{subject}：没有住户作答，不合格"
SURVEY_PASSED = "达到{threshold}%，合格"
SURVEY_FAILED = "未达到{threshold}%，不合格"
SURVEY_RESULT_FOOTER = "共发卡{households}户。满意率＝（满意＋基本满意）÷作答户数；测评匿名。"
SURVEY_RESULT_SENDER = "你发起的第{number}号民主测评已结束，结果在{scope}公示（第{notice}号）：\n{result}"

# --- party organisation (rules Y1, Y2, M6) ---
PARTY_DEFAULT_BRANCH = "{village}党支部"
ROSTER_BAD_POST = "“党内职务”只能填{allowed}，现在是“{value}”"
ROSTER_PARTY_ONLY = "不是党员，不能填“{columns}”"
ROSTER_ACTIVIST_MEMBER = "已是党员，不能再填“入党积极分子”"
ROSTER_BAD_LIAISON = "“联系党员”{code}不是本村的党员"
ROSTER_LIAISON_CLASH = "同一户的“联系党员”不一致：{code}，第{first}行是{other}"
ROSTER_CADRE_TOO_MANY = "村干部{name}（{code}）联系{count}名党员，联帮带每名村干部联系{most}名。"
ROSTER_MEMBER_TOO_MANY = "党员{name}（{code}）联系{count}户，联帮带每名党员联系{most}户。"
ROSTER_GROUP_NO_LEADER = "{homestead}有{members}名党员，应建党小组，但屋场长不是党员，党小组没有组长。"
HELP_LESSON = CommandHelp("/lesson 类型 日期 时间 主题",
                          "召开支部党员大会、支委会、党小组会、党课、主题党日、中心组学习、电教片、民主生活会（支部书记；党小组会由党小组长）")
HELP_LESSONS = CommandHelp("/lessons", "本村党组织会议和到会率")
LESSON_USAGE = "请这样写：/lesson 主题党日 2026-11-20 19:30 学习党的二十大精神"
LESSON_BAD_KIND = "没有“{value}”这种会议。可选：{kinds}"
LESSON_NOT_ALLOWED = "{kind}由支部书记召开（党小组会由党小组长，即屋场长召开）。"
LESSON_NOBODY = "花名册里没有应参加这次会议的党员。"
LESSON_CALLED = "已安排{number}号{kind}：{when}，主题：{topic}。应到{expected}人，已逐一通知。开会时党员点“签到”；没有手机的，你发 /attend 编号 登记。"
LESSON_EXCUSED = "流动党员（请假，不算缺席）：{names}"
LESSON_ANNOUNCED = "{caller}通知：{when}召开{kind}，主题：{topic}。请准时参加。"
LESSON_REMIND_EVENING = "提醒：明天{time}召开{kind}，主题：{topic}。"
LESSON_REMIND_HOUR = "提醒：{time}召开{kind}，主题：{topic}。到会后请点“签到”。"
LESSON_NOT_EXPECTED = "你不在这次会议的应到名单里。"
LESSON_CHECKIN_CLOSED = "这次会议（{when}）现在不能签到：会前一小时起、当天内可以签到。"
LESSON_CHECKED_IN = "{name}，{kind}签到成功。"
LESSON_ATTEND_USAGE = "请写到会党员的编号，例如：/attend P01 P02"
LESSON_ATTEND_UNKNOWN = "{codes}不在这次{kind}的应到名单里，请核对编号。"
LESSON_ATTEND_RECORDED = "{kind}已登记到会：{codes}。{progress}"
LESSON_PROGRESS = "实到{present}人，应到{expected}人，流动党员请假{excused}人。"
LESSON_NO_VILLAGE = "你不属于哪个村，没有党组织会议可看。"
LESSONS_HEADER = "本村党组织会议（最近10次）："
LESSONS_NONE = "还没有安排过党组织会议。"
LESSON_LINE = "{number}号 {when} {kind}：{topic}。{progress}"
LESSON_BRANCH_RATE = "{branch}到会率：{rate}"
LESSON_OWN_RATE = "你的到会率：{rate}"
LESSON_MEMBER_RATE = "{name}：{rate}"
NO_RATE = "暂无"
LESSON_MISSING = "{month}月已过20日，{branch}本月还没有{kind}，请安排（/lesson）。"
HELP_VISIT = CommandHelp("/visit 户号 内容", "记录走访联系户（党员）")
HELP_VISITS = CommandHelp("/visits", "我的联系户和最近走访；村干部看未联系的户")
VISIT_USAGE = "请这样写：/visit 3 了解春耕用工困难（户号可写成 枫树湾/3）"
VISIT_NOT_MEMBER = "联系户由党员走访，你不是党员。"
VISIT_NO_HOUSEHOLDS = "花名册里你没有联系户，请村干部在“联系党员”一栏登记。"
VISIT_NOT_YOURS = "{number}号不是你联系的户。你联系的是：{households}"
VISIT_AMBIGUOUS = "你联系的户里有几个{number}号，请写成 屋场/户号。你联系的是：{households}"
VISIT_RECORDED = "已记录走访{household}。"
VISITS_MORE = "等，还有{count}户"
VISITS_NONE = "无"
VISITS_MINE_HEADER = "你联系{count}户："
VISITS_LINE = "{household}：{last}"
VISITS_NEVER = "还没有走访"
VISITS_LAST = "{day}走访，{text}"
VISITS_NO_LIAISON = "没有联系党员的户（{count}户）：{households}"
VISITS_IDLE = "本季度还没有走访的联系党员（{count}人）：{names}"
VISIT_ISSUE_RAISED = "你联系的{household}{name}提出了{number}号问题：{title}"
HELP_DUES = CommandHelp("/dues [YYYY-MM 编号 金额]",
                        "党费：自己的缴纳记录；支部书记登记、看欠缴，/dues 公开 YYYY-MM 党务公开")
DUES_USAGE = "请这样写：/dues 2026-11 P01 12.50（支部书记登记党费）"
DUES_PUBLISH_USAGE = "请这样写：/dues 公开 2026-11"
DUES_BAD_MONTH = "月份要写成 2026-11 这样，现在是“{value}”"
DUES_BAD_AMOUNT = "金额要写成 12 或 12.50 这样的元数，现在是“{value}”"
DUES_NOT_SECRETARY = "党费由支部书记登记和公开。"
DUES_NOT_MEMBER = "{code}不是本村的党员，请核对编号。"
DUES_NOT_MEMBER_SELF = "你不是党员，没有党费记录。"
DUES_RECORDED = "已登记{name}{month}党费{amount}元。"
DUES_OWN = "你{year}年的党费：{items}"
DUES_ITEM = "{month} {amount}元"
DUES_ARREARS_HEADER = "今年欠缴党费的党员（{count}人）："
DUES_ARREARS_LINE = "{name}：{months}"
DUES_PUBLIC = "党务公开：{village}{month}党费收缴情况，党员{members}人，已缴{paid}人，合计{total}元。"
DUES_PUBLISHED = "已发布{number}号党务公开：{text}"
BOOK_MEMBERS = "党员基本情况登记表"
BOOK_ROSTERS = "入党积极分子和后备干部"
BOOK_MEETINGS = "会议记录"
BOOK_DUES = "党费收缴"
BOOK_VISITS = "联系户走访"
BOOK_MOBILE = "流动党员管理卡"
DUES_IMPORTED = "已导入{count}条党费记录。"

# --- integrity and what people type (issue 22: exports, drafts, counts, limits) -----------
TALLY_EXCEEDS_PRESENT = ("表决合计{total}人，超过现在的到会人数{persons}人，不能宣布结果。"
                         "请先用 /tally 赞成 反对 弃权 重新登记举手人数。")
DRAFT_ASK_PRIVATELY = "未确认的草稿不在群里显示，请在和我的私聊里发 {command}。"
STATUS_ASK_PRIVATELY = "{number}号问题不是本屋场的，请在和我的私聊里查询。"
MEETING_MISSED = "{when}在{place}的议事恳谈会（{topic}）没有开，已记为未召开。请重新用 /meeting 安排。"
MEETING_DAY_PASSED = "安排在{when}的会议那天没有开，已记为未召开。请重新用 /meeting 安排。"
VERIFY_SEALS_BROKEN = "以下记录在封存后被改动或没有封存：{subjects}。"
VERIFY_HEAD_HOLDS = "留存的校验码仍在记录链中。"
VERIFY_HEAD_MISSING = "留存的校验码不在记录链中：最近的记录被删除，或记录链被整段重写。"
SEAL_SUBJECTS = {"meeting": "{key}号会议的到会签到", "motion": "{key}号表决",
                 "minutes": "{key}号会议的记录", "scores": "评分（村{village}，{month}）",
                 "confirmation": "第{key}次红黄旗确认"}
CHAIN_HEAD_LINE = "记录校验码（请留存，核对用 wuchang verify --head）：{head}"


def seal_subject(subject: str) -> str:
    """A sealed subject (``motion:3``, ``scores:2:2026-10``) in words, for `wuchang verify`."""
    kind, _, key = subject.partition(":")
    village, _, month = key.partition(":")
    return SEAL_SUBJECTS.get(kind, "{key}").format(key=key, village=village, month=month)
TEXT_HAS_NUL = "消息里有无法保存的空字符（NUL），请删掉后重发。"
TEXT_TOO_LONG = "{what}太长了，最多{limit}个字。请改短后重发。"
TEXT_TOO_LONG_SOMEWHERE = "有一项文字太长，存不下。请改短后重发。"
DATE_TOO_FAR = "日期“{value}”太远了：只能填两年以内的日期。"
ROSTER_HOUSEHOLD_TOO_BIG = "户号“{value}”太大，应为1到{most}的整数"
IMPORT_FILE_TOO_BIG = "文件超过{limit}MB的上限，请分开导入。"
IMPORT_UNPACKED_TOO_BIG = "这个 xlsx 解压后超过{limit}MB的上限，请另存为新文件或改用 CSV。"
IMPORT_TOO_MANY_ROWS = "表格超过{limit}行的上限，请分开导入。"
IMPORT_TOO_MANY_COLUMNS = "表格超过{limit}列的上限，请删掉多余的列。"
IMPORT_NOT_XLSX = "这个文件不是有效的 .xlsx 表格（可能是改了后缀名的其他文件），请用 Excel 另存为 .xlsx 或 .csv。"
IMPORT_DATE_CELL = "日期格式单元格{value}（请改成文本，例如 2026-10）"
SCORES_MONTH_DATE_CELL = "月份单元格是日期格式（{value}），请改成文本，例如 2026-10。"
SCORES_DUPLICATE_ROW = "{month} {village}与第{first}行重复，同一个月每个村只能有一行。"

# --- operations: the command line, backups, templates, slips (issue 21) ---
CLI_NO_PG_DRIVER = "缺少 PostgreSQL 驱动。请安装：pip install 'wuchang[pg]'（或 pip install asyncpg）。"
CLI_SCHEMA_TOO_NEW = ("数据库版本 {found} 比这个程序新（它只认识到 {head}）。"
                      "请安装新版 wuchang，或从升级前的备份恢复。")
CLI_SCHEMA_BEHIND = "数据库版本 {found} 比程序旧（{head}）。请先运行 wuchang init 升级（会先备份）。"
CLI_NO_DATABASE = "这里还没有数据库：{url}\n请先运行 wuchang init，或检查 WUCHANG_DATABASE_URL。"
CLI_FILE_NOT_FOUND = "找不到文件：{path}"
CLI_FILE_DENIED = "没有权限读写：{path}"
CLI_FILE_ERROR = "读写文件出错：{reason}"
CLI_DATABASE_UNREACHABLE = ("连不上数据库 {url}：{reason}\n"
                            "请检查数据库是否在运行，以及 WUCHANG_DATABASE_URL 是否正确。")
CLI_DATABASE_READY = "数据库已就绪（版本 {version}）：{url}"
CLI_DATABASE_COPIED = "升级前已把旧数据库备份到：{path}"
BACKUP_WRITTEN = "已备份到：{path}"
BACKUP_NO_PG_DUMP = "没有找到 pg_dump。请安装 PostgreSQL 客户端（如 apt install postgresql-client）后再备份。"
BACKUP_PG_DUMP_FAILED = "pg_dump 失败：{reason}"
BACKUP_NO_FOLDER = "备份文件所在的文件夹不存在：{path}"
TEMPLATE_ROSTER_SHEET = "花名册"
TEMPLATE_SCORES_SHEET = "月度评分"
TEMPLATE_NOTES_SHEET = "说明"
TEMPLATE_NOTES_HEADER = ("列名", "填写说明", "必填")
TEMPLATE_REQUIRED = "是"
TEMPLATE_SAMPLE_NOTE = "第1行是列名，请勿改动；第2行（黄色）是示例，请改成真实数据或删除。每行一条。"
TEMPLATE_INVALID = "“{column}”这一列只能填下拉列表里的值或规定范围的数字。"
TEMPLATE_ROSTER_NOTES = {
    "编号": "每人一个，不能重复，例如 P0001",
    "姓名": "姓名",
    "镇": "所属镇（乡）",
    "网格": "网格：一起评比的几个村",
    "村": "所属村；镇干部可不填",
    "屋场": "所属屋场；镇干部可不填",
    "户号": "屋场内的户号，正整数；同一户的人填同一个户号",
    "在家": "是/否：这一户是否长期在家（不填为是）；同一户的人填得一样",
    "党员": "是/否（不填为否）",
    "年龄": "年龄，1到120的整数",
    "角色": "村民、屋场长、记录员、村干部或镇干部；不填为村民。每个屋场一个屋场长、一个记录员",
    "手机": "手机号（可不填，不能重复）",
}
TEMPLATE_SCORES_MONTH = "月份，写成 2026-11"
TEMPLATE_SCORES_VILLAGE = "村名；两个镇有同名村时加一列“镇”"
TEMPLATE_SCORES_ITEM = "这一项的得分，满分 {most}；空着表示不改"
TEMPLATE_SCORES_CATEGORY = "这一类的得分；空着表示不改"
TEMPLATE_WRITTEN = "已生成模板：{path}"
TEMPLATE_BAD_KIND = "模板只有 roster（花名册）和 scores（月度评分）两种。"
TEMPLATE_BAD_SUFFIX = "模板文件要以 .xlsx 结尾，例如 -o 花名册模板.xlsx"
LEDGER_MOTION = "{text}：赞成{yes} 反对{no} 弃权{abstain}，{result}"
LEDGER_PASSED, LEDGER_NOT_PASSED = "通过", "未通过"
LEDGER_MEETING_STATUS = {"pending": "待定", "scheduled": "已安排", "open": "进行中",
                         "ended": "已召开", "cancelled": "已取消"}
CLI_HELP = {
    "init": "建立或升级数据库（旧的 SQLite 文件先备份）。",
    "run": "启动服务：各通道、HTTP（/healthz）和定时任务；SIGTERM 停止。",
    "status": "查看定时任务上次运行、发件箱积压和花名册提醒。",
    "verify": "校验事件记录的哈希链，以及问题、跟进事项是否与记录一致。",
    "export": "导出全部数据（JSON），或把问题清单导出为表格（xlsx）。",
    "minutes": "生成一次会议的台账：A4 PDF 或表格（按文件后缀）。",
    "poster": "把一个村一个月的情况印成一张 A4 公开栏海报（PDF 或 PNG）。",
    "digest": "打印各镇上月的红色屋场工作简报。",
    "replay": "按脚本驱动机器人，把发出的每条消息打印成 JSON。",
    "chat": "在终端里以花名册上某人的身份和机器人对话。",
    "demo": "重建示例乡镇的 SQLite 数据库，并演示一段对话。",
    "backup": "备份数据库：SQLite 运行中也能一致复制；PostgreSQL 用 pg_dump。",
    "template": "生成可填写的表格模板：roster（花名册）或 scores（月度评分）。",
    "roster import": "导入或更新花名册；有一行错就整个文件不导入。",
    "roster invites": "列出每个人的邀请码（CSV：编号,姓名,邀请码,村,屋场）。",
    "roster slips": "印邀请条（A4 PDF，按屋场分组，带 Telegram 链接二维码，可裁剪）。",
    "scores template": "打印评分表的表头（CSV）。",
    "scores import": "导入月度评分；有一行错就整个文件不导入。",
    "wecom create-group": "为屋场建企业微信群并拉入已绑定的成员；再运行可补拉新人。",
    "wecom bind-robot": "把屋场已有企业微信群的群机器人绑定为屋场群。",
}
CLI_VERSION_HELP = "显示版本号后退出。"
CLI_QUIET_HELP = "只显示错误，不显示完成提示。"
CLI_HELP_OPTION = "显示帮助后退出。"
SLIP_PLACE = "{village} {homestead}"
SLIP_NO_PLACE = "（无所属屋场）"
SLIP_CODE_LABEL = "邀请码"
SLIP_HOW = "扫码打开机器人，或发送：\n/start {code}"
SLIPS_WRITTEN = "已生成 {count} 张邀请条（{pages} 页）：{path}"
SLIPS_BAD_SUFFIX = "邀请条要以 .pdf 结尾，例如 -o 邀请条.pdf"
SLIPS_NONE = "没有可打印的邀请码（花名册为空，或没有这个村）。"
# --- issue 20 items 2-4: the 五个好 party branch (rule Y4): the standard, stages, 民主生活会 ---


class CriteriaWords(NamedTuple):
    """What the criteria review flow says that differs by standard (award, 五个好)."""

    applicant_only: str
    official_only: str
    unknown: str  # {name} {kind} {names}
    type_figures: str  # {figures} {example}
    figures_bad: str  # {figures} {example}
    ask_yes_no: str
    evidence_hint: str  # {minutes}
    no_current: str
    note_usage: str
    summary: str  # {flag} {year}
    submit_hint: str  # {flag}
    submit_button: str
    no_application: str  # {flag}
    submitted_to_officials: str  # {village} {flag} {year}
    review_usage: str
    closed: str  # {village} {flag}
    refused_to_subject: str  # {flag} {year}
    review_hint: str  # {village} {flag} {number}
    back_usage: str
    back_to_subject: str  # {flag} {number} {title} {reason} {due} {task}


AWARD_WORDS = CriteriaWords(
    applicant_only=AWARD_CADRE_ONLY, official_only=AWARD_OFFICIAL_ONLY,
    unknown=AWARD_FLAG_UNKNOWN, type_figures=AWARD_TYPE_FIGURES, figures_bad=AWARD_FIGURES_BAD,
    ask_yes_no=AWARD_ASK_YES_NO, evidence_hint=AWARD_EVIDENCE_HINT, no_current=AWARD_NO_CURRENT,
    note_usage=AWARD_NOTE_USAGE, summary=AWARD_SUMMARY, submit_hint=AWARD_SUBMIT_HINT,
    submit_button=AWARD_SUBMIT_BUTTON, no_application=AWARD_NO_APPLICATION,
    submitted_to_officials=AWARD_SUBMITTED_TO_OFFICIALS, review_usage=AWARD_REVIEW_USAGE,
    closed=AWARD_ALREADY_PUBLICIZED, refused_to_subject=AWARD_REFUSED_TO_VILLAGE,
    review_hint=AWARD_REVIEW_HINT, back_usage=AWARD_BACK_USAGE,
    back_to_subject=AWARD_BACK_TO_VILLAGE)

WUHAO_WORDS = CriteriaWords(
    applicant_only="只有支部书记可以为本支部做“五个好”自查。",
    official_only="只有镇干部可以检查、退回“五个好”。",
    unknown="没有“{name}”这一项（{kind}）。可选：{names}\n例如 /wuhao 自查 领导班子好",
    type_figures="请发送数值：{figures}\n例如 /wuhao 填 {example}（不知道的写 -）",
    figures_bad="数值不对。要填：{figures}\n例如 /wuhao 填 {example}（不知道的写 -）",
    ask_yes_no="本支部是否达到？",
    evidence_hint="佐证：发送 /wuhao 说明 文字，或{minutes}分钟内私聊发照片。",
    no_current="请先发送 /wuhao 自查 项目，再填写或补充佐证。",
    note_usage="请发送 /wuhao 说明 文字",
    summary="【{flag}】{year}年自查已填完：",
    submit_hint="改某条：/wuhao 自查 {flag} 条号。确认无误请按“提交自查”。",
    submit_button="提交自查",
    no_application="本支部{flag}还没有自查，请先发送 /wuhao 自查 {flag}",
    submitted_to_officials="{village}党支部提交了{year}年“{flag}”自查，请检查：/wuhao 检查 {village} {flag}",
    review_usage="请发送 /wuhao 检查 村 项目 [年份]，例如 /wuhao 检查 金竹村 领导班子好",
    closed="{village}党支部“{flag}”已验收，不能再改。",
    refused_to_subject="本支部{year}年“{flag}”检查未通过。发送 /wuhao 查看进度。",
    review_hint="退回：/wuhao 退回 {village} {flag} {number} 日期 原因",
    back_usage="请发送 /wuhao 退回 村 项目 条号 日期 原因，例如 /wuhao 退回 金竹村 党员队伍好 3 12-20 缺后备人才名册",
    back_to_subject="“{flag}”第{number}条（{title}）被镇里退回：{reason}\n请在{due}前整改补充（任务{task}）：/wuhao 自查 {flag} {number}，改完再提交。")

HELP_WUHAO = CommandHelp(
    "/wuhao [村] · 自查 项目 · 填 · 说明 · 提交 项目 · 检查 村 项目 · 退回 村 项目 条号 日期 原因",
    "“五个好”党支部：进度、自查、镇里检查验收")
WUHAO_NO_VILLAGE = "你不属于哪个村，请写村名，例如 /wuhao 金竹村"
WUHAO_PROGRESS_HEADER = "{branch}“五个好”{year}年（{stages}阶段）："
WUHAO_STAGE_JOIN = "、"
WUHAO_CHECKLIST_LINE = "【{flag}】{state}"
WUHAO_TARGET_LINE = "  {number}. {title}：{figures}"
WUHAO_FIGURE = "{label}{value}{unit}（目标{sign}{threshold}{unit}）{mark}"
WUHAO_FIGURE_OPEN = "{label}待填（目标{sign}{threshold}{unit}）"
WUHAO_REACHED = "✓"
WUHAO_SHORT = "未达"
WUHAO_STATE_NONE = "未自查"
WUHAO_STATE_DRAFT = "自查中"
WUHAO_STATE_SUBMITTED = "已提交，待镇里检查（已审{reviewed}/{total}条）"
WUHAO_STATE_BACK = "第{numbers}条被退回整改"
WUHAO_STATE_ACCEPTED = "已验收"
WUHAO_STATE_REFUSED = "检查未通过"
WUHAO_PROGRESS_HINT = "自查：/wuhao 自查 项目（{names}）"
WUHAO_ACCEPTED_TEXT = "{year}年“五个好”检查验收：{village}党支部“{flag}”{count}条全部达标，通过验收（{day}）。"
WUHAO_ACCEPTED = "{village}党支部“{flag}”各条全部达标，已验收并公布。"
WUHAO_ACCEPTED_TO_BRANCH = "本支部{year}年“{flag}”通过镇里验收（{day}）。"
WUHAO_OFFICIAL_SUMMARY_LINE = "{village}：{states}"
WUHAO_OFFICIAL_HEADER = "{township}各党支部“五个好”{year}年（{stages}阶段）："
WUHAO_OFFICIAL_HINT = "看一个村的进度：/wuhao 村名"
# Stage reminders (seed 001 §四): at each stage's start and a month before its end.
WUHAO_STAGE_TEXT = {
    ("宣传动员", "start"): "“五个好”{year}年宣传动员阶段开始（1—3月）：制定创建方案和目标，召开动员会。发送 /wuhao 查看各项目标。",
    ("宣传动员", "ending"): "“五个好”{year}年宣传动员阶段3月底结束：请定好全年计划和目标。",
    ("组织实施", "start"): "“五个好”{year}年组织实施阶段开始（4—10月）：逐项落实，每月记录。发送 /wuhao 查看进度。",
    ("组织实施", "ending"): "“五个好”{year}年组织实施阶段10月底结束：请对照目标补齐差距。发送 /wuhao 查看进度。",
    ("检查提高", "start"): "“五个好”{year}年检查提高阶段开始（11月—次年3月）：支部先自查（/wuhao 自查 项目），再由镇里检查验收。",
    ("检查提高", "ending"): "“五个好”{year}年检查提高阶段3月底结束：未提交自查的请尽快提交，镇里请完成检查验收（/wuhao 检查 村 项目）。",
}
# 民主生活会 rectification items (seed 001: 每位班子成员至少两条，限期整改).
HELP_REMEDY = CommandHelp("/remedy 会议编号 编号 日期 问题一；问题二",
                          "登记民主生活会上班子成员的整改问题（每人至少两条）")
WUHAO_REMEDY_USAGE = "请这样发：/remedy 会议编号 班子成员编号 整改期限 问题一；问题二，例如 /remedy 5 C01 2027-03-31 学习不够深入；联系群众不够"
WUHAO_REMEDY_TOO_FEW = "每位班子成员至少要查找{least}条整改问题，你只写了{count}条。多条用“；”隔开。"
WUHAO_REMEDY_TOO_MANY = "一次最多登记{most}条整改问题。"
WUHAO_REMEDY_TOO_LONG = "每条整改问题最多{most}字。"
WUHAO_REMEDY_NO_MEETING = "没有{number}号民主生活会。先用 /lesson 民主生活会 日期 时间 主题 召开，再登记整改问题。"
WUHAO_REMEDY_NOT_CALLER = "{number}号民主生活会由召开它的书记登记整改问题。"
WUHAO_REMEDY_NOT_HELD = "{number}号民主生活会还没召开（{when}），开过之后再登记整改问题。"
WUHAO_REMEDY_NOT_ON_ROLL = "{code}不是{number}号民主生活会的班子成员。"
WUHAO_REMEDY_ALREADY = "{name}在{number}号民主生活会的整改问题已登记（任务{tasks}）。"
WUHAO_REMEDY_DAY_BAD = "整改期限“{value}”看不懂，例如 2027-03-31。"
WUHAO_REMEDY_DAY_PAST = "整改期限“{value}”已过，请给一个以后的日期。"
WUHAO_REMEDY_SUBJECT = "民主生活会整改：{item}"
WUHAO_REMEDY_RECORDED = "已登记{name}的{count}条整改问题，限{due}前整改（任务{tasks}）。整改完成后由本人发送 /done 任务号 说明。"
WUHAO_REMEDY_TOLD = "{number}号民主生活会上登记了你的整改问题，限{due}前整改：\n{items}\n整改完成后发送 /done 任务号 说明。"
WUHAO_REMEDY_ITEM = "任务{task}：{item}"
WUHAO_REMEDY_DONE_NOT_YOURS = "{number}号整改任务是{owner}的，你不能报办结。"
WUHAO_REMEDY_DONE_ALREADY = "{number}号整改任务已经办结了：{report}"
WUHAO_REMEDY_DONE = "整改任务{number}号“{text}”已办结：{report}"
WUHAO_REMEDY_DONE_TOLD = "{name}报整改任务{number}号已办结：{text}——{report}"
WUHAO_MEMBERS_ONLY = "“五个好”进度给党员、入党积极分子和村干部看。"


# --- issue 21 items 6 and 8: menus that fit the person, pictures and voice, flag pictures --
# Telegram's description (at most 512 characters) and short description (at most 120).
BOT_DESCRIPTION = ("红色屋场议事助手：屋场议事恳谈会的通知、签到和表决，问题清单的提交、"
                   "上报和评价，村务公开和红黄旗评比结果。\n"
                   "第一次使用请发送 /start 邀请码（邀请码向屋场长索取），之后发送 /help "
                   "查看你能用的命令。")
BOT_SHORT_DESCRIPTION = "红色屋场议事助手：开会、问题清单、村务公开。发送 /start 邀请码绑定身份。"
# A picture or voice message no flow takes (a villager's, or any on a channel that does not
# pass files on): what the bot can take instead.
MEDIA_NOT_TAKEN = ("我还看不懂图片、语音和文件，请发文字。提问题：/issue 问题标题；"
                   "签到：签到；看你能用的命令：/help。")
# The WeCom app's custom menu: (top button, ((item, command line), ...)); a click runs the
# command line as if typed, so the keys are role-neutral and the router checks the role.
APP_MENU: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("会议", (("签到", "/checkin"), ("提议开会", "/request"), ("决议", "/decisions"))),
    ("问题", (("提问题", "/issue"), ("问题清单", "/issues"), ("超期问题", "/issues 超期"))),
    # Items every villager may use: /notices lists a publisher's own notices only.
    ("公开", (("公示异议", "/object"), ("帮助", "/help"))),
)
WECOM_MENU_SET = "已设置企业微信应用菜单：{names}。"
SLIPS_GETME_FAILED = "没能向 Telegram 问到机器人用户名（{reason}）。请用 --bot 用户名 指定。"
CLI_HELP["wecom menu"] = "设置企业微信应用菜单（会议、问题、公开），点菜单项即发出对应命令。"
# The grid's flag picture (F8): its version and day, a correction's banner, what it gave.
GRID_PICTURE_STAMP = "第{version}版 · {day} 确认{meeting}"
GRID_PICTURE_MEETING = "（班子会 {day}）"
GRID_PICTURE_CORRECTION = "【更正】第{version}版，更正第{previous}版"
GRID_PICTURE_GIVEN = "本月实发红旗{reds}面、黄旗{yellows}面{onsite}。"
GRID_PICTURE_GIVEN_ONSITE = "，另有现场会红旗{count}面"


# --- issue 20 items 2-4, a second reader's fixes to the 五个好 -----------------------------
# A figure the bot's own records fill (a provider) is never typed in the self-check.
CRITERIA_FIGURE_RECORDED = ("第{number}条的{labels}按本系统记录自动填写，不能手填。"
                            "请把相关活动、测评记入系统。")
# The note of an answer the records filled, shown to the reviewer with the figures.
CRITERIA_REVIEW_NOTE = "（{note}）"
# A stage in the /wuhao header with its own creation year (Jan-Mar runs two years' stages).
WUHAO_STAGE_OF_YEAR = "{year}年{stage}"
