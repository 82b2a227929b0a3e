"""The vendor account form: its details, and one field per credential the vendor asks for (its profile's
``credential_fields``). Secrets are never rendered back: the field shows the last four characters as a hint,
and left empty keeps the credential held."""

from __future__ import annotations

import json

from django import forms

from provisioning.models import VendorAccount
from provisioning.vendors import profile


class VendorAccountForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    base_url = forms.URLField(max_length=300, label="API address", assume_scheme="https",
                              help_text="The API root, e.g. https://api.vendor.example")
    root_id = forms.CharField(max_length=128, required=False)
    options = forms.CharField(required=False, label="Options (JSON)", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text='Settings that are not secret, e.g. {"webmail_url": "https://…?token={token}"}')

    def __init__(self, *args, kind: str, account: VendorAccount | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        vendor = profile(kind)
        self.fields["root_id"].label = vendor.root_label
        held = (account.credentials or {}) if account else {}
        self.credential_names = []
        for f in vendor.credential_fields:
            name = f"credential_{f.name}"
            self.credential_names.append((name, f.name))
            if f.secret:
                hint = (f"Held: {account.masked_credentials().get(f.name, '')}. Leave empty to keep it; a new one "
                        "replaces it.") if held.get(f.name) else "Stored encrypted; never shown again."
                field = forms.CharField(max_length=500, label=f.label, required=not held.get(f.name), strip=True,
                                        help_text=hint,
                                        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}))
            else:
                field = forms.CharField(max_length=500, label=f.label, required=False, initial=held.get(f.name, ""))
            self.fields[name] = field
        if account is not None and not self.is_bound:
            self.initial.update(name=account.name, base_url=account.base_url, root_id=account.root_id,
                                options=json.dumps(account.options) if account.options else "")

    def clean_options(self) -> dict:
        raw = (self.cleaned_data.get("options") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as error:
            raise forms.ValidationError(f"Not valid JSON: {error}") from error
        if not isinstance(value, dict):
            raise forms.ValidationError('Options are a JSON object: {"name": "value", ...}.')
        return value

    def service_values(self) -> dict:
        """The cleaned data as the services take it: details, and credentials by the vendor's names."""
        data = dict(self.cleaned_data)
        credentials = {vendor_name: data.pop(name, "") for name, vendor_name in self.credential_names}
        return {**data, "credentials": credentials}
