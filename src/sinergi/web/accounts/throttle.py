"""Sign-in throttling with two limits: per user name and address, and per address alone.

django-axes (8.3) counts failures per group of ``AXES_LOCKOUT_PARAMETERS`` but
holds one ``AXES_FAILURE_LIMIT`` for all groups. A limit of ten per address
would lock out a whole office behind one NAT address after ten typos; none lets
one address spray a password over every user name. So the address-only count is
scaled against its own, higher limit (``SINERGI_IP_FAILURE_LIMIT``) before axes
compares it with ``AXES_FAILURE_LIMIT``.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class TwoLimitHandler(AxesDatabaseHandler):
    """Locks at ``AXES_FAILURE_LIMIT`` per user name and address, or at the address limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        # The groups come in the order of AXES_LOCKOUT_PARAMETERS: [user+address, address].
        per_user = max(counts[:1], default=0)
        per_address = max(counts[1:], default=0)
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.SINERGI_IP_FAILURE_LIMIT
        return max(per_user, per_address * limit // address_limit)
