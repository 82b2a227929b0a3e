"""The portal's forms: the console's, less what only the reseller decides."""

from __future__ import annotations

from django import forms

from customers.choices import MembershipRole
from customers.forms import MailboxCreateForm


class PortalMailboxForm(MailboxCreateForm):
    """A new mailbox within the editions the customer's packages allow; the vendor's default quota, sent
    at once (the quota and holding it back are the reseller's decisions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("quota_mb", None)
        self.fields.pop("provision_now", None)

    def clean(self):
        data = super().clean()
        data["provision_now"] = True
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices)


class AcceptForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What you will sign in with.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(strip=False, max_length=128, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
