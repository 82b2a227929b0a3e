"""Forms of the lifecycle pages: suspending and closing a customer."""

from __future__ import annotations

from django import forms

from customers.forms import ConfirmForm


class SuspendForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why", help_text="Kept with the customer and in the audit log.",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. invoice 1042 unpaid",
                                                           "autocomplete": "off"}))


class CloseForm(ConfirmForm):
    reason = forms.CharField(max_length=300, label="Why", required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
