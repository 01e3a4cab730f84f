"""A real SMTP server on loopback (aiosmtpd) for tests: it keeps every message
it receives, and tests wait for the one sent to an address."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from fedcity.config import MailSettings
from tests.support.instances import free_port

LINK_RE = re.compile(r"https?://\S+")


@dataclass
class MailBox:
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def settings(self) -> MailSettings:
        return MailSettings(
            host="127.0.0.1",
            port=self.port,
            security="none",
            from_="fedcity <noreply@city.example>",
            timeout_seconds=5.0,
        )

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(
        self, address: str, count: int = 1, timeout: float = 15
    ) -> EmailMessage:
        """The `count`-th message to `address`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.to(address)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail #{count} to {address} arrived")
                self._arrived.wait(left)
            return self.to(address)[count - 1]

    def wait_for_subject(
        self, address: str, fragment: str, timeout: float = 15
    ) -> EmailMessage:
        """The first message to `address` whose subject holds `fragment`. Mail is
        sent by a job at least once, so a retried send may repeat an earlier
        message: tests name the message they wait for rather than count."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self.to(address):
                    if fragment in str(message["Subject"]):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail to {address} about {fragment!r}")
                self._arrived.wait(left)


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    found = LINK_RE.search(body(message))
    assert found is not None, body(message)
    return found.group(0)


@contextmanager
def smtp_server() -> Iterator[MailBox]:
    box = MailBox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
