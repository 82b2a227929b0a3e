"""Sign-in forms for staff and customers' users."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Username and password. A staff account with no role may sign in to nothing."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_role": "This staff account has no role yet: ask an administrator to give it one.",
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_staff and not user.is_reseller_staff:
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")
