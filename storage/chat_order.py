"""Each chat in turn: the rule the outbox and the inbox share for what may go next.

A row that has been tried (claimed: in flight, or left in doubt by a crash; or
waiting for its retry) holds its chat's later rows back until it is settled: sent,
handled or given up (issue 22 items 7, 8 and 13). A row scheduled for later and
never tried holds nothing back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Table, exists, not_, or_, select

PENDING = "pending"  # the status of a row still to be taken, in the outbox and the inbox


def nothing_earlier_held(table: Table, now: datetime) -> ColumnElement[bool]:
    """No earlier row of the same chat is claimed or waiting for its retry."""
    earlier = table.alias("earlier")
    return not_(exists(select(earlier.c.id).where(
        earlier.c.channel == table.c.channel, earlier.c.chat_id == table.c.chat_id,
        earlier.c.status == PENDING, earlier.c.id < table.c.id,
        earlier.c.attempts > 0, earlier.c.not_before > now)))


def next_in_chat(table: Table, now: datetime) -> ColumnElement[bool]:
    """Every earlier row of the same chat is settled, or scheduled for later and untried."""
    earlier = table.alias("earlier")
    return not_(exists(select(earlier.c.id).where(
        earlier.c.channel == table.c.channel, earlier.c.chat_id == table.c.chat_id,
        earlier.c.status == PENDING, earlier.c.id < table.c.id,
        or_(earlier.c.not_before <= now, earlier.c.attempts > 0))))
