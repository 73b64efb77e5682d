"""The chat channels: each translates between its platform and the neutral messages.

A channel is a connector in opsdroid's sense: started and stopped with the service,
it turns what its platform delivers into ``Incoming`` for ``App.answer`` and sends
every ``Outgoing`` it is given, declaring in ``capabilities`` what it can show. What
to send where it cannot show something is the handlers' delivery policy, not its own.

Adding a channel: its own modules under ``bot/channels/``, a module-level
``build(app, settings)`` that returns the channel or None when its settings are
absent, and one line in ``AVAILABLE``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from core.messages import Capabilities, Outgoing

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from bot.settings import Settings
    from bot.wiring import App

# The channels ``wuchang run`` may start, by the module that builds each one. They are
# imported only when the service starts, so the CLI stays quick without them.
AVAILABLE = (
    "bot.channels.telegram.channel",
    "bot.channels.wecom.channel",
)


@runtime_checkable
class Channel(Protocol):
    """One chat platform, as the service and the outbox dispatcher see it."""

    name: str
    capabilities: Capabilities

    @property
    def parallel_sends(self) -> int:
        """How many chats the dispatcher may send to at once (``capabilities``)."""
        ...

    def routes(self) -> list[BaseRoute]:
        """The routes it serves on the shared HTTP app (a webhook, a callback), if any."""
        ...

    async def start(self) -> None:
        """Connect to the platform and begin taking messages."""
        ...

    async def stop(self) -> None:
        """Finish what is in hand and disconnect; safe to call after a failed start."""
        ...

    async def send(self, message: Outgoing) -> None:
        """Deliver one message; raise ``DeliveryError`` when it cannot be delivered."""
        ...


class ChannelDefaults:
    """What most channels share: parallel sends from the capabilities, no routes, no start.

    A channel may inherit these and override what its platform needs.
    """

    capabilities: Capabilities

    @property
    def parallel_sends(self) -> int:
        """How many chats the dispatcher may send to at once (``capabilities``)."""
        return self.capabilities.parallel_sends

    def routes(self) -> list[BaseRoute]:
        """No routes on the shared HTTP app."""
        return []

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to close."""


Builder = Callable[["App", "Settings"], "Channel | None"]


def configured(app: App, settings: Settings) -> list[Channel]:
    """Every channel whose settings are present, built in the order of ``AVAILABLE``."""
    built = []
    for module_name in AVAILABLE:
        build = cast(Builder, importlib.import_module(module_name).build)
        channel = build(app, settings)
        if channel is not None:
            built.append(channel)
    return built
