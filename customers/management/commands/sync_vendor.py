"""``manage.py sync_vendor <account>``: import a vendor's existing estate into the panel.

    manage.py sync_vendor "Hostway" --scope test.com,shop.example      # look up, show the proposal
    manage.py sync_vendor "Hostway" --scope-file domains.csv --yes     # ... and import what was proposed
    manage.py sync_vendor "BaseKit" --scope 500001 --customer KARO-003 --yes

The same steps as the button on the vendor account's import page: what the vendor holds is looked up and
a customer proposed per domain; nothing is written until the mapping is confirmed (``--yes`` confirms
the proposal, with ``--customer`` for rows that have none). Runs in this process and prints progress.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from customers.models import Customer
from customers.services import imports
from provisioning.choices import ImportState
from provisioning.models import ImportJob, VendorAccount


class Command(BaseCommand):
    help = "Import a vendor account's existing domains and mailboxes (propose, confirm, import)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("account", help="The vendor account's name or id.")
        parser.add_argument("--scope", default="", help="What to import, comma-separated (domains, account holders).")
        parser.add_argument("--scope-file", default="", help="A file with one entry per line (or a CSV).")
        parser.add_argument("--customer", default="", help="The customer (id, reference or name) for rows with none.")
        parser.add_argument("--yes", action="store_true", help="Confirm the proposal and import.")

    def handle(self, *args, account: str, scope: str, scope_file: str, customer: str, yes: bool, **options) -> None:
        vendor_account = VendorAccount.objects.filter(Q(name=account) | Q(pk=int(account) if account.isdigit()
                                                                           else None)).first()
        if vendor_account is None:
            raise CommandError(f"No vendor account {account!r}.")
        text = scope
        if scope_file:
            with open(scope_file, encoding="utf-8") as handle:
                text += "\n" + "\n".join(line.split(",")[0] for line in handle)
        default = None
        if customer:
            default = Customer.objects.filter(Q(reference__iexact=customer) | Q(name=customer) | Q(
                pk=int(customer) if customer.isdigit() else None)).first()
            if default is None:
                raise CommandError(f"No customer {customer!r}.")
        try:
            job = imports.import_start(vendor_account=vendor_account, scope=text, acting_user=None, dispatch=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        imports.import_propose(job_id=job.pk)
        job.refresh_from_db()
        if job.state != ImportState.PROPOSED:
            raise CommandError(f"Import #{job.pk} is {job.state}: {job.error}")
        mapping: dict[int, int | None] = {}
        for index, row in enumerate(job.proposal):
            if row.get("error"):
                self.stdout.write(f"  {row['name']}: {row['error']}")
                continue
            chosen = row.get("customer_id") or (default.pk if default else None)
            mapping[index] = chosen
            who = row.get("customer_name") or (default.name if default and chosen else "no customer: left out")
            self.stdout.write(f"  {row['name']} ({row.get('mailbox_count') or 0} mailboxes) -> {who}"
                              + (f" ({row['reason']})" if row.get("reason") else ""))
        if not yes:
            self.stdout.write(f"Import #{job.pk} waits for confirmation (--yes, or on the vendor account's import "
                              "page).")
            return
        try:
            imports.import_confirm(job=job, mapping=mapping, acting_user=None, dispatch=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        while True:
            imports.import_run(job_id=job.pk)
            job = ImportJob.objects.get(pk=job.pk)
            if job.is_final:
                break
            if job.error:
                raise CommandError(f"Import #{job.pk} stopped: {job.error}")
        self.stdout.write(self._summary(job))
        if job.state != ImportState.DONE:
            raise CommandError(job.error)

    @staticmethod
    def _summary(job: ImportJob) -> str:
        return (f"Import #{job.pk} {job.state}: {job.domains_done} domain(s), {job.mailboxes_seen} mailbox(es) seen; "
                f"{job.created} created, {job.updated} updated, {job.unchanged} unchanged, {job.drifted} drifted, "
                f"{job.skipped} left alone (a change in flight).")
