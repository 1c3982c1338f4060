"""Queue e-mails in the outbox (same transaction as the change) and deliver them over SMTP.

Delivery runs in a huey task (workflows/tasks.py); without an SMTP host the messages are
printed to the console. Messages name the item and the new state, never submitted free text.
"""

from __future__ import annotations

import contextlib
import smtplib
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearpost.store.models import OutboxMail

if TYPE_CHECKING:
    from clearpost.settings import Settings

MAX_ATTEMPTS = 5


def queue(session: Session, recipients: Iterable[str], subject: str, body: str) -> int:
    n = 0
    for addr in dict.fromkeys(r for r in recipients if r):
        session.add(OutboxMail(to_addr=addr, subject=subject[:300], body=body))
        n += 1
    return n


def deliver(factory: sessionmaker[Session], settings: Settings, *, batch: int = 100) -> int:
    """Send pending mails; a failure is recorded on the row and retried on the next run."""
    sent = 0
    with factory() as session, session.begin():
        pending = session.execute(
            select(OutboxMail).where(OutboxMail.sent_at.is_(None),
                                     OutboxMail.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMail.id).limit(batch)).scalars().all()
        if not pending:
            return 0
        smtp = None
        try:
            if settings.smtp_host:
                smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10)
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_user and settings.smtp_password:
                    smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            for mail in pending:
                mail.attempts += 1
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = settings.mail_from, mail.to_addr, mail.subject
                msg.set_content(mail.body)
                try:
                    if smtp is None:
                        print(f"--- mail to {mail.to_addr}: {mail.subject}\n{mail.body}",
                              file=sys.stderr)
                    else:
                        smtp.send_message(msg)
                except (smtplib.SMTPException, OSError) as exc:
                    mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    continue
                mail.sent_at = datetime.now(UTC)
                mail.last_error = None
                sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            for mail in pending:
                if mail.sent_at is None:
                    mail.attempts += 1
                    mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
        finally:
            if smtp is not None:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    smtp.quit()
    return sent
