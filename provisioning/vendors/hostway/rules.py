"""Hostway's documented password rules, checked in the panel's forms before anything is sent.

The doc lists them for mailboxes, Exchange mailboxes and password resets; Exchange adds "Should start with
a letter" (its own update example ``!q2w3e4R`` contradicts it; the panel and the sandbox follow the rule).
Reuse of an earlier password cannot be known here: Hostway's answer to that is mapped to the field.
"""

from __future__ import annotations

import re

RULES = (
    "at least 8 and at most 128 characters",
    "at least one digit, one capital letter, one lower-case letter and one special character (anything but "
    "letters, digits and _)",
    "not starting with “pass”, “abc” (any case) or “123”",
    "not containing the domain's second-level name or the mailbox name, nor starting with its first 3 letters",
    "not one used before on this mailbox",
)
EXCHANGE_RULES = ("starting with a letter", *RULES)

_SECOND_LEVELS = {"ac", "co", "com", "edu", "gov", "ltd", "me", "net", "nom", "org", "plc", "sch"}


def second_level_label(domain: str) -> str:
    """The customer's label of a domain: ``test`` for test.com, ``shop`` for shop.co.uk."""
    labels = domain.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVELS:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def password_problem(password: str, *, username: str, domain: str, exchange: bool = False) -> str | None:
    """The first documented rule ``password`` breaks, in Hostway's words, or None."""
    lower = password.lower()
    if exchange and not password[:1].isalpha():
        return "Password should start with a letter"
    if lower.startswith("pass"):
        return "Password should not start with 'pass' case-insensitively"
    if lower.startswith("abc"):
        return "Password should not start with 'abc' case-insensitively"
    if password.startswith("123"):
        return "Password should not start with 123"
    if len(password) < 8:
        return "Password should be at least 8 characters long"
    if len(password) > 128:
        return "Password should be at most 128 characters long"
    if not re.search(r"\d", password):
        return "Password should have at least one digit"
    if not re.search(r"[A-Z]", password):
        return "Password should have at least one capital letter"
    if not re.search(r"[a-z]", password):
        return "Password should have at least one lower case letter"
    if not re.search(r"[^A-Za-z0-9_]", password):
        return "Password should contain at least one special character"
    sld = second_level_label(domain)
    if sld and sld in lower:
        return "Password must not contain the second-level domain name"
    if username and username.lower() in lower:
        return "Password must not contain the username"
    if username and lower.startswith(username.lower()[:3]):
        return "Password must not start with the first 3 letters from the username"
    return None
