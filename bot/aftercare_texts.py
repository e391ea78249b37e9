"""The words after a training: the feedback question, the "why not?" question, the certificate's message, and
their buttons (the scheduler sends them; handlers/aftercare.py reads the answers and asks again)."""

from __future__ import annotations

import logging

from bot import payloads as p
from bot.core import Attachment, Button, Reply
from bot.i18n import _
from bot.services.certificates import CERTIFICATE_SOURCE
from db.models import Training

logger = logging.getLogger(__name__)

FEEDBACK, ABSENCE, CERTIFICATE = "feedback", "absence", "certificate"  # kinds of proactive message
RATE, WHY, SKIP = "fb", "ab", "fbx"  # payload routes: a rating, a reason, skipping the free answer
RATINGS = (1, 2, 3, 4, 5)
REASONS = ("sakit", "bentrok", "jauh", "lupa", "lainnya")  # why someone did not come, as stored


def rating_title(rating: int) -> str:
    return {
        1: _("1 - Kurang sekali"), 2: _("2 - Kurang"), 3: _("3 - Cukup"), 4: _("4 - Bagus"), 5: _("5 - Bagus sekali"),
    }[rating]


def reason_title(reason: str) -> str:
    return {
        "sakit": _("Sakit"), "bentrok": _("Bentrok jadwal"), "jauh": _("Jauh / biaya"), "lupa": _("Lupa"),
        "lainnya": _("Lainnya"),
    }[reason]


def rating_buttons(registration_code: str) -> tuple[Button, ...]:
    return tuple(Button(rating_title(r), p.make(RATE, registration_code, r)) for r in RATINGS)


def reason_buttons(registration_code: str) -> tuple[Button, ...]:
    return tuple(Button(reason_title(r), p.make(WHY, registration_code, r)) for r in REASONS)


def skip_button(registration_code: str) -> Button:
    return Button(_("Lewati"), p.make(SKIP, registration_code), answer="no")


def feedback_question(training: Training, registration_code: str) -> Reply:
    text = _("Terima kasih sudah ikut {title}! Bagaimana pelatihannya menurut Anda? Pilih 1 (kurang sekali) "
             "sampai 5 (bagus sekali), atau tulis dengan kata-kata Anda sendiri.").format(title=training.title)
    return Reply(text, rating_buttons(registration_code))


def absence_question(training: Training, registration_code: str) -> Reply:
    text = _("Kami tidak melihat Anda di {title}. Boleh tahu kenapa tidak datang? Jawaban Anda membantu "
             "penyelenggara.").format(title=training.title)
    return Reply(text, reason_buttons(registration_code))


def certificate_message(training: Training, code: str, link: str) -> Reply:
    """The certificate as a PDF document (made at send time by bot.services.certificates.certificate_document),
    its caption (or its text where a document cannot go) with the verification link."""
    text = _("Selamat! Ini sertifikat kehadiran Anda di {title}. Keasliannya bisa dicek siapa saja di {link}").format(
        title=training.title, link=link)
    return Reply(text, attachment=Attachment("document", f"{CERTIFICATE_SOURCE}:{code}", f"sertifikat-{code}.pdf"))


def wording(kind: str, training: Training, registration_code: str, text: str) -> Reply:
    """The proactive message of `kind` (for a certificate: `registration_code` is the certificate's code and
    `text` its verification link)."""
    if kind == FEEDBACK:
        return feedback_question(training, registration_code)
    if kind == ABSENCE:
        return absence_question(training, registration_code)
    if kind == CERTIFICATE:
        return certificate_message(training, registration_code, text)
    raise ValueError(f"no aftercare wording for {kind!r}")
