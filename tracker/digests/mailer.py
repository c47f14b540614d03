"""Delivery backends: SMTP, and a folder of .eml files (the embedded default).

SMTP cannot be exactly-once: a connection lost after the server took a message makes a retry
deliver it twice. So every retry reuses the message's Message-ID (receivers and their filters
can drop the repeat), only temporary failures are retried, and every outcome is recorded.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from tracker.config import Settings
from tracker.files import write_atomically
from tracker.models import OutboxMessage


class TemporaryFailure(Exception):
    """Worth trying again later: 4xx, connection refused, timeout, dropped connection."""


class PermanentFailure(Exception):
    """Will never work as it is: 5xx; marked failed, not retried."""


def build_message(row: OutboxMessage, *, settings: Settings, officer_name: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail.from_address
    message["To"] = formataddr((officer_name, row.to_address))
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    settings_link = f"{settings.web.base_url.rstrip('/')}/me/settings"
    message["List-Unsubscribe"] = f"<{settings_link}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


class FileBackend:
    """Writes each message as an .eml file (temp file, then rename) into `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage, row: OutboxMessage) -> None:
        name = f"{row.created_at:%Y%m%d}-{row.kind}-{row.officer_id}-{row.period}.eml"
        write_atomically(self.folder / name, bytes(message))


class SmtpBackend:
    def __init__(self, settings: Settings) -> None:
        self.mail = settings.mail

    def send(self, message: EmailMessage, row: OutboxMessage) -> None:
        try:
            with self._connect() as client:
                if self.mail.user:
                    client.login(self.mail.user, self.mail.password.get_secret_value())
                client.send_message(message)
        except smtplib.SMTPNotSupportedError as exc:  # e.g. no STARTTLS: a setting to fix
            raise PermanentFailure(f"the server does not support it: {exc}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            reason = "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
            if all(400 <= code < 500 for code in codes):
                raise TemporaryFailure(reason) from None
            raise PermanentFailure(reason) from None
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error
            text = error.decode(errors="replace") if isinstance(error, bytes) else error
            reason = f"{exc.smtp_code} {text}"
            if 400 <= exc.smtp_code < 500:
                raise TemporaryFailure(reason) from None
            raise PermanentFailure(reason) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None

    def _connect(self) -> smtplib.SMTP:
        timeout = self.mail.timeout_seconds
        if self.mail.security == "tls":
            return smtplib.SMTP_SSL(
                self.mail.host,
                self.mail.port,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        client = smtplib.SMTP(self.mail.host, self.mail.port, timeout=timeout)
        if self.mail.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client


Backend = FileBackend | SmtpBackend


def make_backend(settings: Settings) -> Backend:
    if settings.mail.backend == "smtp":
        return SmtpBackend(settings)
    return FileBackend(settings.resolve(settings.mail.outbox_dir))
