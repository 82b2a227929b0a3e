"""Vendors, capabilities, operation and attempt states and alert kinds, with their colours and severities."""

from __future__ import annotations

from django.db import models

from core.choices import Coloured, Severity, colours


class VendorKind(models.TextChoices):
    SYNAQ = "synaq", "SYNAQ"
    GREENVIEW = "greenview", "Greenview Data"
    HOSTWAY = "hostway", "Hostway"
    RACKSPACE = "rackspace", "Rackspace Email"
    BASEKIT = "basekit", "BaseKit"


class Capability(models.TextChoices):
    """What a vendor can do; views offer only what the domain's vendor declares."""

    DOMAINS = "domains", "Domains"
    MAILBOXES = "mailboxes", "Mailboxes"
    ASYNC_ACTIONS = "async_actions", "Asynchronous actions"
    SERVICE_FIELDS = "service_fields", "Service fields"
    PACKAGES = "packages", "Packages and editions"
    FORWARDS = "forwards", "Forwards and aliases"
    AUTORESPONDERS = "autoresponders", "Auto-responders"
    SPAM_LISTS = "spam_lists", "Spam black/white lists"
    SPAM_FILTERING = "spam_filtering", "Spam filtering (mail servers, MX)"
    USAGE = "usage", "Usage reports"
    INVOICES = "invoices", "Invoices"
    MONTHLY_COSTS = "monthly_costs", "Monthly costs of subscriptions"
    CONTACTS = "contacts", "Contacts"
    LOGIN_TOKENS = "login_tokens", "Single sign-on to the vendor"
    WEBMAIL = "webmail", "Webmail single sign-on"
    CUSTOMER_ACCOUNTS = "customer_accounts", "Vendor-side customer accounts"
    MAILBOX_LOCKS = "mailbox_locks", "Mailbox locks (abuse)"
    IMPORT = "import", "Import the vendor's existing estate (sync, adopt)"
    SPAM_CONTROL_PANEL = "spam_control_panel", "Anti-spam control panel single sign-on"
    SECRET_QUESTIONS = "secret_questions", "Secret questions and password reset by them"
    MESSAGE_COUNTS = "message_counts", "Message counts per folder"
    EXCHANGE = "exchange", "Exchange mailboxes"
    WEBMAIL_TYPES = "webmail_types", "Webmail accounts and their types"
    MAILBOX_QUOTAS = "mailbox_quotas", "Mailbox quotas"
    MIGRATION_TICKETS = "migration_tickets", "Migration-failure tickets"
    DOMAIN_ALIASES = "domain_aliases", "Domain aliases"
    ACCOUNT_PASSWORDS = "account_passwords", "Vendor-side account passwords (forgotten, reset, verification)"


class OperationState(Coloured, models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    POLLING = "polling", "Waiting for vendor"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def is_final(self) -> bool:
        return self.value in FINAL_OPERATION_STATES


FINAL_OPERATION_STATES = frozenset({"succeeded", "failed", "cancelled"})
OPEN_OPERATION_STATES = frozenset({"pending", "running", "polling"})
colours(OperationState, {"pending": "grey", "running": "blue", "polling": "blue", "succeeded": "green",
                         "failed": "red", "cancelled": "grey"})


class AttemptOutcome(Coloured, models.TextChoices):
    """What one step of an operation came to."""

    DONE = "done", "Done"
    POLLING = "polling", "Vendor working"
    PROGRESS = "progress", "Step done"
    RETRY = "retry", "Will retry"
    WAITING = "waiting", "Waiting"
    FAILED = "failed", "Failed"
    LOST = "lost", "Claim lost"


colours(AttemptOutcome, {"done": "green", "polling": "blue", "progress": "blue", "retry": "amber",
                         "waiting": "grey", "failed": "red", "lost": "grey"})


class AlertKind(Coloured, models.TextChoices):
    OPERATION_FAILED = "operation_failed", "Change failed"
    DOMAIN_STALE = "domain_stale", "Domain is stale"
    PRUNE_FAILED = "prune_failed", "Prune failed"
    DOMAIN_ERROR = "domain_error", "Domain in error"
    DOMAIN_NOT_READY = "domain_not_ready", "Domain not ready"
    MAILBOX_PENDING = "mailbox_pending", "Mailbox stuck pending"
    MAILBOX_LOCKED = "mailbox_locked", "Mailbox locked by the vendor"
    VENDOR_UNREACHABLE = "vendor_unreachable", "Vendor unreachable"
    VENDOR_AUTH = "vendor_auth", "Vendor refused our credentials"
    DRIFT = "drift", "Panel and vendor disagree"

    @property
    def default_severity(self) -> Severity:
        return _ALERT_SEVERITY[self.value]


_ALERT_SEVERITY = {
    "operation_failed": Severity.MEDIUM,
    "domain_stale": Severity.HIGH,
    "prune_failed": Severity.HIGH,
    "domain_error": Severity.HIGH,
    "domain_not_ready": Severity.MEDIUM,
    "mailbox_pending": Severity.MEDIUM,
    "mailbox_locked": Severity.MEDIUM,
    "vendor_unreachable": Severity.HIGH,
    "vendor_auth": Severity.HIGH,
    "drift": Severity.MEDIUM,
}
colours(AlertKind, {kind: Severity(sev).colour for kind, sev in _ALERT_SEVERITY.items()})


class ImportState(Coloured, models.TextChoices):
    """Where an import of a vendor's estate stands."""

    PROPOSING = "proposing", "Looking up at the vendor"
    PROPOSED = "proposed", "Waiting for staff to confirm"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def is_final(self) -> bool:
        return self.value in FINAL_IMPORT_STATES


FINAL_IMPORT_STATES = frozenset({"done", "failed", "cancelled"})
colours(ImportState, {"proposing": "blue", "proposed": "amber", "importing": "blue", "done": "green",
                      "failed": "red", "cancelled": "grey"})
