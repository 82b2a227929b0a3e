"""Validation of the names vendors accept: domain names and mailbox local parts."""

from __future__ import annotations

import ipaddress
import re
import unicodedata

import idna
from django.core.exceptions import ValidationError

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
# What every vendor accepts at least (each may narrow it: VendorProfile.mailbox_name_pattern); lower case.
_LOCAL_PART = re.compile(r"^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$")


# Characters that print as nothing (or as a line break) and must never hide inside a name.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})


def refuse_invisible(value: str) -> str:
    """The value with surrounding spaces removed; a ValidationError naming any invisible character
    (a zero-width space, a newline, a soft hyphen...) rather than dropping it silently."""
    for position, char in enumerate(value or ""):
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES or (char.isspace() and char != " "):
            name = unicodedata.name(char, "control character").lower()
            raise ValidationError(
                "The name contains an invisible character (U+%(code)04X, %(name)s) at position %(position)d: "
                "remove it and type the name again.", code="invisible",
                params={"code": ord(char), "name": name, "position": position + 1})
    return (value or "").strip(" ")


def normalise_domain_name(value: str) -> str:
    """Lower-case, strip a trailing dot, and turn an internationalised name into its ASCII form.

    IDNA 2008 with UTS #46 mapping (the ``idna`` package), as registries use today: ``faß.de``
    stays distinct from ``fass.de``, and a malformed ``xn--`` label is refused. Invisible characters
    are refused first: UTS #46 would drop some of them without a word.
    """
    name = refuse_invisible(value).rstrip(".").lower()
    if name.isascii() and "xn--" not in name:
        return name  # plain names are checked by validate_domain_name, with its clearer messages
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
        idna.decode(ascii_name)  # round-trip: catches punycode that does not decode
        return ascii_name
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValidationError(
            "“%(value)s” is not a valid domain name.", code="invalid", params={"value": value}
        ) from exc


def validate_domain_name(value: str) -> None:
    """A registrable host name: labels of letters, digits and hyphens, at least two, a real TLD."""
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(
            "“%(value)s” is not a valid domain name (e.g. example.co.za).", code="invalid", params={"value": value}
        )
    if not _TLD.match(labels[-1]):
        raise ValidationError("“%(value)s” does not end in a valid top-level domain.", code="invalid",
                              params={"value": value})


def domain_display_name(name: str) -> str:
    """A stored (ASCII) domain name as people read it: Unicode labels for ``xn--`` ones."""
    if "xn--" not in name:
        return name
    try:
        return idna.decode(name)
    except (idna.IDNAError, UnicodeError):
        return name


def search_form(term: str) -> str:
    """A search term in the stored form of domain names: a Unicode name (or label) becomes punycode."""
    term = term.strip().lower()
    if term.isascii():
        return term
    try:
        return idna.encode(term.strip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return term


def validate_local_part(value: str) -> None:
    """The part before the @: letters, digits, dot, hyphen, underscore; no leading, trailing or double dots."""
    if not _LOCAL_PART.match(value) or ".." in value:
        raise ValidationError(
            "Use letters, digits, dots, hyphens, underscores and plus signs only, starting and ending with a letter "
            "or digit.",
            code="invalid",
        )


def clean_mail_servers(values) -> list[str]:
    """Mail servers (host names or IPv4 addresses), lower-cased, each once, in the order given."""
    cleaned: list[str] = []
    for raw in values:
        host = (raw or "").strip().rstrip(".").lower()
        if not host:
            continue
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            try:
                validate_domain_name(host)
            except ValidationError:
                raise ValidationError(f"“{raw}” is not a mail server host name or IPv4 address.",
                                      code="invalid") from None
        if host not in cleaned:
            cleaned.append(host)
    return cleaned


def validate_vendor_name(value: str) -> None:
    """A name a vendor keeps for an account (Rackspace's rules, the strictest: 1-100 characters, no space
    at either end)."""
    if not value or not value.strip():
        raise ValidationError("A name is required.", code="required")
    if value != value.strip():
        raise ValidationError("The name cannot begin or end with a space.", code="invalid")
    if len(value) > 100:
        raise ValidationError("The name must be 100 characters or fewer.", code="invalid")
