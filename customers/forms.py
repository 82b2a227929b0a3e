"""Forms of the staff pages. They validate input; the services validate again and write."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from customers.models import Customer, Domain, Mailbox, Package
from customers.services.domain import SECRET_FIELDS
from customers.services.mailbox import mailbox_package
from customers.validators import (
    normalise_domain_name,
    refuse_invisible,
    validate_domain_name,
    validate_local_part,
)
from provisioning.choices import Capability
from provisioning.models import VendorAccount


def _accounts_with(capability: Capability):
    hosts = [a.pk for a in VendorAccount.objects.filter(is_active=True).defer("credentials")
             if a.profile.can(capability)]
    return VendorAccount.objects.filter(pk__in=hosts).defer("credentials").order_by("name")


def edition_choices(account: VendorAccount, codes: list[str]) -> list[tuple[str, str]]:
    """Editions by their names in the vendor's catalogue (the code beside it), in the package's order."""
    names = {e["code"]: e["name"] for p in (account.catalog or {}).get("products", []) for e in p["editions"]}
    return [(code, f"{names[code]} ({code})" if code in names else code) for code in dict.fromkeys(codes)]


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "reference", "contact_name", "email", "phone", "vat_number", "address_line_1",
                  "address_line_2", "city", "province", "postal_code", "country"]
        widgets = {"name": forms.TextInput(attrs={"autofocus": True})}
        help_texts = {"address_line_1": "Some vendors (SYNAQ) need the postal address to open the customer's "
                                        "account there."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "reference"):
            self.fields[name].strip = False  # a pasted newline or zero-width space is refused, not dropped

    def clean_name(self) -> str:
        return refuse_invisible(self.cleaned_data["name"])

    def clean_reference(self) -> str:
        reference = refuse_invisible(self.cleaned_data["reference"])
        taken = Customer.objects.filter(reference__iexact=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("A customer with this reference already exists (references ignore case).",
                                  code="unique")
        return reference


class DomainCreateForm(forms.Form):
    name = forms.CharField(max_length=253, label="Domain name", strip=False,
                           widget=forms.TextInput(attrs={"placeholder": "example.co.za", "autocomplete": "off"}))
    vendor_account = forms.ModelChoiceField(queryset=VendorAccount.objects.none(), label="Hosted on",
                                            empty_label=None)
    package = forms.ModelChoiceField(queryset=Package.objects.none(), required=False, label="Link to package",
                                     empty_label="No package (link one later)")
    provision_now = forms.BooleanField(required=False, label="Provision it now",
                                       help_text="CloudMail only: create, link and provision in one step.")
    owner = forms.CharField(max_length=64, required=False, label="Holder at the vendor",
                            help_text="Only where the vendor needs it to find the domain (a BaseKit account holder's "
                                      "ref), unless the customer already has one there.")

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor_account"].queryset = _accounts_with(Capability.DOMAINS)
        if not any(getattr(getattr(a.profile.adapter, "importer", None), "adopt_needs_owner", False)
                   for a in self.fields["vendor_account"].queryset):
            del self.fields["owner"]
        packages = Package.objects.filter(customer=customer).exclude(requested_state="deleted")
        first = packages.order_by("id").values_list("vendor_account_id", flat=True).first()
        if first and not self.is_bound:
            self.initial.setdefault("vendor_account", first)  # where the customer's packages are
        self.fields["package"].queryset = packages.select_related("vendor_account")
        self.fields["package"].label_from_instance = lambda p: f"{p.product_name} ({p.vendor_account.name})"
        if not packages.exists():
            del self.fields["package"]
            del self.fields["provision_now"]

    def clean_name(self) -> str:
        name = normalise_domain_name(self.cleaned_data["name"])
        validate_domain_name(name)
        if Domain.objects.filter(name=name).exists():
            raise ValidationError("A domain with this name already exists.", code="unique")
        return name


class PackageOrderForm(forms.Form):
    """A package from the vendor's live catalogue: a product and the editions it allows. The vendor
    account is the one the form is for (in its URL)."""

    product_code = forms.ChoiceField(label="Product", widget=forms.RadioSelect)
    editions = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, catalog: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        products = catalog.get("products", [])
        self.fields["product_code"].choices = [(p["code"], p["name"]) for p in products]
        self.fields["editions"].choices = [(e["code"], e["name"]) for p in products for e in p["editions"]]

    def clean(self):
        data = super().clean()
        product = next((p for p in self.catalog.get("products", []) if p["code"] == data.get("product_code")), None)
        if product is not None:
            codes = {e["code"] for e in product["editions"]}
            strays = [e for e in data.get("editions", []) if e not in codes]
            if strays:
                self.add_error("editions", f"{product['name']} has no edition {', '.join(strays)}.")
        return data


class PackageEditionsForm(forms.Form):
    editions = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, package: Package, catalog: dict, **kwargs):
        super().__init__(*args, **kwargs)
        product = next((p for p in catalog.get("products", []) if p["code"] == package.product_code), None)
        self.fields["editions"].choices = [(e["code"], e["name"]) for e in (product or {}).get("editions", [])]
        self.fields["editions"].initial = list(package.editions)


class DomainLinkForm(forms.Form):
    package = forms.ModelChoiceField(queryset=Package.objects.none(), empty_label=None, label="Package")

    def __init__(self, *args, domain: Domain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = (Package.objects.filter(customer=domain.customer,
                                                                  vendor_account=domain.vendor_account)
                                           .exclude(requested_state="deleted")
                                           .exclude(domain_links__domain=domain))
        self.fields["package"].label_from_instance = lambda p: p.product_name


class ServiceFieldsForm(forms.Form):
    """One field per service field the vendor asks the domain for (its own ``fields``)."""

    def __init__(self, *args, domain: Domain, **kwargs):
        super().__init__(*args, **kwargs)
        for name in domain.service_field_names:
            label = name.replace("_", " ").capitalize()
            if name in SECRET_FIELDS:
                self.fields[name] = forms.CharField(
                    label=label, required=False, strip=False, max_length=200,
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                    help_text="Kept only at the vendor; leave empty to keep the current one.")
            else:
                self.fields[name] = forms.CharField(label=label, required=False, max_length=253,
                                                    initial=domain.service_field_values.get(name) or "")


class ConfirmForm(forms.Form):
    """Type the object's name to go ahead with something that cannot be undone."""

    confirm = forms.CharField(max_length=320, label="Type the name to confirm",
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["confirm"].help_text = f"Type {expected}"

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.expected.lower():
            raise ValidationError(f"Type {self.expected} exactly to confirm.")
        return value


class MailboxCreateForm(forms.Form):
    local_part = forms.CharField(max_length=64, label="Mailbox name", strip=False,
                                 widget=forms.TextInput(attrs={"placeholder": "jane.smith", "autocomplete": "off"}))
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    edition = forms.CharField(max_length=64, required=False, label="Edition")
    quota_mb = forms.IntegerField(min_value=1, max_value=10_000_000, required=False, label="Quota (MB)")
    password = forms.CharField(widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                               strip=False, max_length=128)
    provision_now = forms.BooleanField(required=False, initial=True, label="Provision it now")

    def __init__(self, *args, domain: Domain, **kwargs):
        self.domain = domain
        super().__init__(*args, **kwargs)
        vendor = domain.vendor_account.profile
        self.fields["edition"].label = vendor.edition_label
        if vendor.can(Capability.PACKAGES):
            editions = [e for link in domain.package_links.select_related("package") if link.package.has_mailboxes
                        for e in link.package.editions]
            self.fields["edition"] = forms.ChoiceField(label=vendor.edition_label, required=bool(editions),
                                                       choices=edition_choices(domain.vendor_account, editions))
            del self.fields["quota_mb"]
        elif vendor.mailbox_types:
            self.fields["edition"] = forms.ChoiceField(label=vendor.edition_label, choices=vendor.mailbox_types,
                                                       required=False, help_text=vendor.notes.get("names", ""))
        if vendor.password_rules:
            self.fields["password"].help_text = f"{vendor.label} asks for " + "; ".join(vendor.password_rules) + "."
        if not vendor.can(Capability.ASYNC_ACTIONS):
            del self.fields["provision_now"]  # the vendor makes it live as it creates it

    def clean_local_part(self) -> str:
        local_part = refuse_invisible(self.cleaned_data["local_part"]).lower()
        validate_local_part(local_part)
        vendor = self.domain.vendor_account.profile
        if vendor.mailbox_name_pattern and not re.fullmatch(vendor.mailbox_name_pattern, local_part):
            raise ValidationError(f"{vendor.label} accepts {vendor.mailbox_name_rule}.", code="invalid")
        if Mailbox.objects.filter(domain=self.domain, local_part=local_part).exists():
            raise ValidationError(f"{local_part}@{self.domain.name} already exists.", code="unique")
        return local_part

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password

    def clean(self):
        data = super().clean()
        if "provision_now" not in self.fields:
            data["provision_now"] = True
        vendor = self.domain.vendor_account.profile
        password, local_part = data.get("password"), data.get("local_part")
        if vendor.password_problem is not None and password and local_part:
            problem = vendor.password_problem(password, username=local_part, domain=self.domain.name,
                                              exchange=(data.get("edition") or "").startswith("exchange:"))
            if problem:
                self.add_error("password", f"{vendor.label}: {problem}.")
        return data


class MailboxDetailsForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)


class MailboxPasswordForm(forms.Form):
    password = forms.CharField(label="New password", strip=False, max_length=128,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class MailboxEditionForm(forms.Form):
    edition = forms.ChoiceField()

    def __init__(self, *args, mailbox: Mailbox, **kwargs):
        super().__init__(*args, **kwargs)
        package = mailbox.package or mailbox_package(mailbox.domain)
        editions = [e for link in mailbox.domain.package_links.select_related("package") if link.package.has_mailboxes
                    for e in link.package.editions] if package else []
        self.fields["edition"].choices = edition_choices(mailbox.domain.vendor_account, editions)
        self.fields["edition"].initial = mailbox.edition
        self.fields["edition"].label = mailbox.domain.vendor_account.profile.edition_label
