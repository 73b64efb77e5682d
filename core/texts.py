"""Every text a person reads from wuchang, in Simplified Chinese, kept in one place.

The same word is used for the same thing everywhere: 屋场长, 记录员, 到会户数,
问题清单, 销号, 红旗, 黄旗. Texts live in ``core`` so that both the conversation
(``handlers``) and the timed jobs (``schedules``) can reach them.
"""

from __future__ import annotations

# --- conversation: general -------------------------------------------------------
UNKNOWN_COMMAND = "没有“{command}”这个命令。发送 /help 查看你能用的命令。"
NOT_A_COMMAND_PRIVATE = "请发送命令，例如 /help 查看你能用的命令。"
NOT_BOUND = "你还没有绑定身份。请发送 /start 邀请码（邀请码向屋场长索取）。"
GROUP_NOT_BOUND = "本群还没有绑定屋场。请屋场长在群里发送 /bind 邀请码。"
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
ROSTER_BAD_PHONE = "手机号“{value}”应为11位手机号"
ROSTER_DUPLICATE_CODE = "编号{code}重复（第{first}行已有）"
ROSTER_DUPLICATE_PHONE = "手机号{phone}重复（第{first}行已有）"
ROSTER_GRID_CLASH = "{village}在这里属于“{grid}”，第{first}行却属于“{other}”"
ROSTER_HOUSEHOLD_CLASH = "{household}号户的“在家”与第{first}行同户的人不一致"
ROSTER_SECOND_LEADER = "{village}{homestead}已有{role}（第{first}行），每个屋场只能有一位"
ROSTER_BAD_FILE = "读不了这个文件：{reason}"
ROSTER_BAD_SUFFIX = "只能导入 .csv 或 .xlsx 文件"

# Usage and one-line summary of every command, shown by /help and in the
# Telegram command menu.
COMMAND_HELP: dict[str, tuple[str, str]] = {
    "start": ("/start 邀请码", "绑定你的身份"),
    "bind": ("/bind 邀请码", "把本群绑定为屋场群（屋场长）"),
    "help": ("/help", "看你在这里能用的命令"),
}

# --- terminal tools (wuchang chat) ------------------------------------------------------
CHAT_INTRO = "以 {person} 身份在 {chat} 聊天。输入命令；“按 标签”按按钮；Ctrl-D 退出。"
