"""Timed jobs and the dispatcher that drains the outbox to the channels."""
