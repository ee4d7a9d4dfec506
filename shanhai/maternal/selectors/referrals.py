"""A referral on the pregnancy page: its steps so far and the moves allowed next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.maternal.models import Referral, ReferralStatus
from shanhai.maternal.services.referrals import REFERRAL_MOVES
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record


@dataclass(frozen=True)
class ReferralEntry:
    referral: Referral
    moves: list[tuple[str, str]]  # allowed next states (value, label)
    can_move: bool
    stamps: list[tuple[str, datetime]]


def referral_entry(user: User, referral: Referral) -> ReferralEntry:
    moves = [
        (status.value, str(status.label)) for status in ReferralStatus if status in REFERRAL_MOVES[referral.status]
    ]
    stamps = [
        (str(label), stamp)
        for label, stamp in (
            (_("Requested"), referral.requested_at),
            (_("Accepted"), referral.accepted_at),
            (_("Arrived"), referral.arrived_at),
            (_("Referred back"), referral.returned_at),
            (_("Declined"), referral.declined_at),
            (_("Cancelled"), referral.cancelled_at),
        )
        if stamp is not None
    ]
    return ReferralEntry(referral, moves, can_write_record(kind_of("referrals"), user, referral), stamps)
