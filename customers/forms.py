"""Forms of the staff pages. They validate input; the services validate again and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from customers.models import Customer, Domain, Mailbox
from customers.validators import normalise_domain_name, validate_domain_name, validate_local_part
from provisioning.choices import Capability
from provisioning.models import VendorAccount


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "reference", "contact_name", "email", "phone", "status"]
        widgets = {"name": forms.TextInput(attrs={"autofocus": True})}


class DomainCreateForm(forms.Form):
    name = forms.CharField(max_length=253, label="Domain name",
                           widget=forms.TextInput(attrs={"placeholder": "example.co.za", "autocomplete": "off"}))
    vendor_account = forms.ModelChoiceField(queryset=VendorAccount.objects.none(), label="Hosted on",
                                            empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hosts = [a.pk for a in VendorAccount.objects.filter(is_active=True) if a.profile.can(Capability.DOMAINS)]
        self.fields["vendor_account"].queryset = VendorAccount.objects.filter(pk__in=hosts).order_by("name")

    def clean_name(self) -> str:
        name = normalise_domain_name(self.cleaned_data["name"])
        validate_domain_name(name)
        if Domain.objects.filter(name=name).exists():
            raise ValidationError("A domain with this name already exists.", code="unique")
        return name


class MailboxCreateForm(forms.Form):
    local_part = forms.CharField(max_length=64, label="Mailbox name",
                                 widget=forms.TextInput(attrs={"placeholder": "jane.smith", "autocomplete": "off"}))
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    edition = forms.CharField(max_length=64, required=False, label="Edition")
    quota_mb = forms.IntegerField(min_value=1, max_value=10_000_000, required=False, label="Quota (MB)")
    password = forms.CharField(widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                               strip=False, max_length=128)

    def __init__(self, *args, domain: Domain, **kwargs):
        self.domain = domain
        super().__init__(*args, **kwargs)
        self.fields["edition"].label = domain.vendor_account.profile.edition_label

    def clean_local_part(self) -> str:
        local_part = self.cleaned_data["local_part"].strip().lower()
        validate_local_part(local_part)
        if Mailbox.objects.filter(domain=self.domain, local_part=local_part).exists():
            raise ValidationError(f"{local_part}@{self.domain.name} already exists.", code="unique")
        return local_part

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password
