"""The outbox: every message to a platform is a row first, then sent, retried and recorded here.

rows.py queues a row and says how long it is retried; claims.py holds this process's claims on rows;
sending.py is the worker (claim, send through the channel's sender, record the outcome); statuses.py records
the delivery statuses a platform reports and re-queues a refused proactive message as its template;
recipients.py reads what a sender needs of the person (their language)."""

from bot.outbox.claims import Claim, Claims, claims_of, new_claim_token
from bot.outbox.recipients import recipient_language
from bot.outbox.rows import (
    FORGOTTEN,
    LEASE,
    MAX_ATTEMPTS,
    PROVIDER_IDS,
    REPLY_TTL,
    RETRY_WINDOW,
    SENDING,
    Sessionmaker,
    backoff,
    enqueue,
    enqueue_reply,
    forgotten_values,
    retry_deadline,
)
from bot.outbox.sending import Outbox
from bot.outbox.statuses import TEMPLATE_FLAG, TEMPLATE_KIND, DeliveryStatuses

__all__ = [
    "FORGOTTEN",
    "LEASE",
    "MAX_ATTEMPTS",
    "PROVIDER_IDS",
    "REPLY_TTL",
    "RETRY_WINDOW",
    "SENDING",
    "TEMPLATE_FLAG",
    "TEMPLATE_KIND",
    "Claim",
    "Claims",
    "DeliveryStatuses",
    "Outbox",
    "Sessionmaker",
    "backoff",
    "claims_of",
    "enqueue",
    "enqueue_reply",
    "forgotten_values",
    "new_claim_token",
    "recipient_language",
    "retry_deadline",
]
