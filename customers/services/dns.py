"""Where a domain's MX records point now, looked up in the public DNS (dnspython).

A look-up that cannot be made answers None: the caller then says it could not check, never that all is well.
"""

from __future__ import annotations

import dns.exception
import dns.resolver


def mx_hosts(name: str) -> list[str] | None:
    """The host names the domain's MX records name (lower case, no trailing dot); [] when it has none;
    None when the DNS could not be asked."""
    try:
        answer = dns.resolver.resolve(name, "MX", lifetime=3)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError):
        return None
    return [str(r.exchange).rstrip(".").lower() for r in answer]


def points_at(name: str, relays: list[str]) -> bool | None:
    """True when the domain's MX records still name one of ``relays``; None when that cannot be checked."""
    hosts = mx_hosts(name)
    if hosts is None:
        return None
    wanted = {r.rstrip(".").lower() for r in relays}
    return any(h in wanted for h in hosts)
