"""No WeCom secret in what a failure prints, logs or keeps (issue 21: no password in the output)."""

from __future__ import annotations

import socket

import pytest

from bot.channels.wecom.api import WeComError
from tests.conftest import run_cli
from tests.fake_wecom import SECRET, FakeWeCom
from tests.test_wecom import fake, fake_server
from tests.test_wecom_menu import configured

__all__ = ["configured", "fake", "fake_server"]  # the fixtures, shared with the WeCom tests


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_api_is_reported_without_the_secret(
        configured: FakeWeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUCHANG_WECOM_API_URL", f"http://127.0.0.1:{_closed_port()}/cgi-bin/")
    result = run_cli("wecom", "menu")
    assert result.exit_code != 0
    assert "127.0.0.1" in result.output  # the failure is told...
    assert SECRET not in result.output and "corpsecret=***" in result.output  # ...not the secret


def test_a_failure_keeps_no_token_or_robot_key() -> None:
    error = WeComError(None, "500 Server Error for url: http://h/cgi-bin/message/send?"
                             "access_token=tok123&debug=1 and webhook/send?key=k-456'")
    assert "tok123" not in error.reason and "k-456" not in error.reason
    assert "access_token=***&debug=1" in error.reason and "key=***'" in error.reason
