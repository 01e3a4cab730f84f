"""The `send_mail` job: a refused or unreachable server is retried on the delivery
backoff, a few times (a confirmation link days late is of little use); a message
the server rejects permanently (5xx) fails at once."""

from __future__ import annotations

import logging
from typing import Any

import aiosmtplib

from fedcity.federation.context import Federation
from fedcity.jobs.outcomes import DONE, Outcome, RetryPolicy
from fedcity.mail.smtp import MailDisabled, send

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


async def send_mail(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    settings = fed.settings.mail
    try:
        await send(settings, payload["to"], payload["subject"], payload["text"])
    except MailDisabled as exc:
        return Outcome("failed", error=str(exc))
    except aiosmtplib.SMTPResponseException as exc:
        if 500 <= exc.code < 600:
            return Outcome("failed", error=f"SMTP {exc.code}: {exc.message}")
        return _retry(fed, attempts, f"SMTP {exc.code}: {exc.message}")
    except (aiosmtplib.SMTPException, OSError) as exc:
        return _retry(fed, attempts, f"{type(exc).__name__}: {exc}")
    log.info("mail sent: %s", payload["subject"])
    return DONE


def _retry(fed: Federation, attempts: int, error: str) -> Outcome:
    policy = RetryPolicy(MAX_ATTEMPTS, fed.settings.federation.retry_backoff_scale)
    return policy.after_failure(attempts, error)
