"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, with scripted answers to DATA.

    with SmtpServer(replies=["451 4.3.0 try later", "250 OK"]) as server:
        ...                       # send through 127.0.0.1:server.port
        server.accepted           # what the server took: envelope and raw bytes

`replies` are the answers to successive DATA commands; once they run out every message is
accepted with 250. `down()` closes the port (connections are refused) and `up()` opens it
again on the same port, so a test can have the server away for a while. Only messages answered
with a 2xx code are recorded in `accepted`; every DATA command is recorded in `attempts`.

The server runs its own event loop in a thread: never freeze time (freezegun) around it.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One DATA command as the server saw it, and what it answered."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    reply: str

    @property
    def message(self) -> EmailMessage:
        parsed: Message = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        """As sent; a long one is folded onto its own line, so the parser keeps a space."""
        return str(self.message["Message-ID"]).strip()


class ScriptedHandler:
    """Answers each DATA with the next scripted reply (250 OK when none is left)."""

    def __init__(self, replies: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._replies: deque[str] = deque(replies)
        self.attempts: list[Received] = []

    def script(self, *replies: str) -> None:
        """Replace the replies still to come."""
        with self._lock:
            self._replies = deque(replies)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            reply = self._replies.popleft() if self._replies else "250 OK"
            content = envelope.original_content or envelope.content
            self.attempts.append(
                Received(
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    data=bytes(content),
                    reply=reply,
                )
            )
        return reply

    @property
    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.attempts if r.reply.startswith("2")]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 and a fixed free port; starts up unless `up=False`."""

    def __init__(self, replies: Iterable[str] = (), *, up: bool = True) -> None:
        self.port = free_port()
        self.handler = ScriptedHandler(replies)
        self._controller: Controller | None = None
        if up:
            self.up()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def up(self) -> None:
        """Start listening (a stopped aiosmtpd loop cannot restart: each start is a new one)."""
        if self._controller is not None:
            return
        controller = Controller(self.handler, hostname=HOST, port=self.port, ready_timeout=10)
        controller.start()
        self._controller = controller

    def down(self) -> None:
        """Stop listening: connections to the port are refused until `up()`."""
        if self._controller is None:
            return
        self._controller.stop()
        self._controller = None

    def script(self, *replies: str) -> None:
        self.handler.script(*replies)

    @property
    def accepted(self) -> list[Received]:
        return self.handler.accepted

    @property
    def attempts(self) -> list[Received]:
        return list(self.handler.attempts)

    def __enter__(self) -> SmtpServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.down()
