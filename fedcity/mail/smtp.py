"""One message over SMTP with aiosmtplib, as `[mail]` says: plain, STARTTLS or
implicit TLS, with a login when a username is set."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib

from fedcity.config import MailSettings


class MailDisabled(Exception):
    """`[mail] host` is empty: this instance sends no mail."""


def compose(settings: MailSettings, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.from_
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(settings.from_)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    return message


async def send(settings: MailSettings, to: str, subject: str, text: str) -> None:
    """Send one message.

    Raises:
        MailDisabled: no host is set.
        aiosmtplib.SMTPException, OSError: the server refused it or was unreachable.
    """
    if not settings.enabled:
        raise MailDisabled("[mail] host is empty: mail is disabled")
    await aiosmtplib.send(
        compose(settings, to, subject, text),
        hostname=settings.host,
        port=settings.port,
        username=settings.username or None,
        password=settings.password or None,
        use_tls=settings.security == "tls",
        start_tls=settings.security == "starttls",
        timeout=settings.timeout_seconds,
    )
