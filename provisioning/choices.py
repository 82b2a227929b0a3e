"""Vendors, capabilities, operation states and alert kinds, with their colours and severities."""

from __future__ import annotations

from django.db import models

from panel.choices import Severity


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
    CONTACTS = "contacts", "Contacts"
    LOGIN_TOKENS = "login_tokens", "Single sign-on to the vendor"
    WEBMAIL = "webmail", "Webmail single sign-on"
    CUSTOMER_ACCOUNTS = "customer_accounts", "Vendor-side customer accounts"


class OperationState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    POLLING = "polling", "Waiting for vendor"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        return {
            "pending": "grey", "running": "blue", "polling": "blue",
            "succeeded": "green", "failed": "red", "cancelled": "grey",
        }[self.value]

    @property
    def is_final(self) -> bool:
        return self.value in FINAL_OPERATION_STATES


FINAL_OPERATION_STATES = frozenset({"succeeded", "failed", "cancelled"})
OPEN_OPERATION_STATES = frozenset({"pending", "running", "polling"})


class OperationKind(models.TextChoices):
    DOMAIN_CREATE = "domain.create", "Create domain"
    DOMAIN_UPDATE = "domain.update", "Update domain"
    DOMAIN_DELETE = "domain.delete", "Delete domain"
    MAILBOX_CREATE = "mailbox.create", "Create mailbox"
    MAILBOX_UPDATE = "mailbox.update", "Update mailbox"
    MAILBOX_SET_PASSWORD = "mailbox.set_password", "Change mailbox password"
    MAILBOX_DELETE = "mailbox.delete", "Delete mailbox"


class TargetType(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    DOMAIN = "domain", "Domain"
    MAILBOX = "mailbox", "Mailbox"
    VENDOR_ACCOUNT = "vendor_account", "Vendor account"


class AlertKind(models.TextChoices):
    OPERATION_FAILED = "operation_failed", "Operation failed"
    DOMAIN_STALE = "domain_stale", "Domain is stale"
    PRUNE_FAILED = "prune_failed", "Prune failed"
    DOMAIN_NOT_READY = "domain_not_ready", "Domain not ready"
    MAILBOX_PENDING = "mailbox_pending", "Mailbox stuck pending"
    VENDOR_UNREACHABLE = "vendor_unreachable", "Vendor unreachable"

    @property
    def default_severity(self) -> Severity:
        return {
            "operation_failed": Severity.MEDIUM,
            "domain_stale": Severity.HIGH,
            "prune_failed": Severity.HIGH,
            "domain_not_ready": Severity.MEDIUM,
            "mailbox_pending": Severity.MEDIUM,
            "vendor_unreachable": Severity.HIGH,
        }[self.value]
