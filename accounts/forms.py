"""Sign-in forms for staff and customers' users, and the second factor."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm

USERNAME_MAX = get_user_model()._meta.get_field("username").max_length


class SignInForm(AuthenticationForm):
    """Username and password. A staff account with no role may sign in to nothing. A username longer
    than any account's is refused here, before it reaches the throttle's tables (which would refuse it)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_role": "This staff account has no role yet: ask an administrator to give it one.",
    }

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").replace("\x00", "")
        if len(username) > USERNAME_MAX:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                        params={"username": self.username_field.verbose_name})
        return username

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_staff and not user.is_reseller_staff:
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")


class CodeForm(forms.Form):
    code = forms.CharField(label="Code from your authenticator app, or a recovery code", max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))
