"""Forms of the engine's pages."""

from __future__ import annotations

from django import forms


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why is it cancelled?",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. customer changed their mind"}))
