"""Who bills competence transfers: apps that bill them register a lookup here, in their AppConfig.ready().

`members` is the lower app (contributions depend on it), so it never imports them; it only asks, through this
registry, whether an issued document bills a transfer before letting anyone correct it.
"""

from collections.abc import Callable

from mutualis.members.models import CompetenceTransfer

# A lookup answers the numbers of the issued documents that bill the transfer (empty when none does).
BillingLookup = Callable[[CompetenceTransfer], list[str]]

_lookups: list[BillingLookup] = []


def register_billing_lookup(lookup: BillingLookup) -> None:
    """Add a lookup (once: registering the same function again changes nothing)."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def billed_by(transfer: CompetenceTransfer) -> list[str]:
    """The numbers of the issued documents that bill this transfer, as stored now (empty: it may be corrected)."""
    return [number for lookup in _lookups for number in lookup(transfer)]
