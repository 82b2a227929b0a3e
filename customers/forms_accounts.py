"""Forms of vendor-side accounts and what hangs off them: the account (fields from its vendor's profile),
a filtered domain and its mail servers, a contact."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from customers.models import Contact, VendorCustomer
from customers.validators import clean_mail_servers

# Every account field a vendor may declare (VendorProfile.account_fields), with its form field.
ACCOUNT_FIELD_DEFS = {
    "title": lambda: forms.CharField(label="Name at the vendor", max_length=200, strip=False,
                                     help_text="1-100 characters, no space at either end."),
    "reference": lambda: forms.CharField(label="Reference number", max_length=32,
                                         help_text="20 characters at most; the panel finds the account by it."),
    "email": lambda: forms.EmailField(label="E-mail address", required=False),
    "plan": lambda: forms.ChoiceField(label="Package"),
    "seats": lambda: forms.IntegerField(label="Users", min_value=1, max_value=1_000_000,
                                        help_text="How many users (mailboxes) the filter protects."),
    "phone": lambda: forms.CharField(max_length=32, required=False),
    "address_line_1": lambda: forms.CharField(label="Address", max_length=200, required=False),
    "address_line_2": lambda: forms.CharField(label="Address (line 2)", max_length=200, required=False),
    "city": lambda: forms.CharField(max_length=100, required=False),
    "state": lambda: forms.CharField(label="State or province", max_length=100, required=False),
    "zip": lambda: forms.CharField(label="ZIP or postal code", max_length=16, required=False),
    "country": lambda: forms.CharField(max_length=64, required=False),
}


def parse_domain_lines(text: str) -> list[tuple[str, list[str]]]:
    """``domain mailserver [mailserver...]`` per line (commas allowed) into (name, mail servers) pairs."""
    pairs = []
    for line in (text or "").splitlines():
        parts = [p for p in line.replace(",", " ").split() if p]
        if parts:
            pairs.append((parts[0], parts[1:]))
    return pairs


class VendorAccountForm(forms.Form):
    """The customer's account at a vendor, with the fields its profile declares; on opening an account at
    a vendor that keeps domains inside it, its domains and their mail servers too."""

    def __init__(self, *args, vendor_account, catalog: dict | None = None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        profile = vendor_account.profile
        for name in profile.account_fields:
            self.fields[name] = ACCOUNT_FIELD_DEFS[name]()
        if "plan" in self.fields:
            self.fields["plan"].choices = [
                (p["uid"], f"{p['name']} — {p['mailbox_cost']} per user, {p['domain_cost']} per domain")
                for p in (catalog or {}).get("packages", [])]
        if creating and profile.domain_origin == "client":
            self.fields["domains"] = forms.CharField(
                label="Domains and their mail servers", widget=forms.Textarea(attrs={"rows": 3}),
                help_text="One domain per line, then the servers that take its clean mail: "
                          "“example.com mail.example.com”.")

    def clean_title(self) -> str:
        return self.cleaned_data["title"]  # kept as typed: the service says if it begins or ends with a space

    def clean_domains(self) -> list[tuple[str, list[str]]]:
        pairs = parse_domain_lines(self.cleaned_data["domains"])
        if not pairs:
            raise ValidationError("Give at least one domain.")
        return pairs


def account_initial(account: VendorCustomer) -> dict:
    return {"title": account.title, "reference": account.reference, "email": account.email, "plan": account.plan,
            "seats": account.seats, **(account.details or {})}


class MailServersForm(forms.Form):
    mail_servers = forms.CharField(label="Mail servers", max_length=1000,
                                   help_text="The servers that take the domain's clean mail, in order, separated "
                                             "by spaces or commas.")

    def clean_mail_servers(self) -> list[str]:
        servers = clean_mail_servers(self.cleaned_data["mail_servers"].replace(",", " ").split())
        if not servers:
            raise ValidationError("Give at least one mail server.")
        return servers


class FilteredDomainForm(MailServersForm):
    name = forms.CharField(label="Domain name", max_length=253)
    field_order = ["name", "mail_servers"]


class ContactForm(forms.ModelForm):
    security_answer = forms.CharField(
        label="Security answer", required=False, strip=True, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Sent to the vendor only; never kept here.")

    class Meta:
        model = Contact
        fields = ["name", "email", "phone", "security_question", "receives_alerts", "receives_billing",
                  "receives_updates"]
        labels = {"receives_billing": "Receives billing (an account needs at least one billing contact)"}

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.fields["security_answer"].required = True
        else:
            self.fields["security_answer"].help_text = "Leave empty to keep the one the vendor holds."
