from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """The authenticator app's code, when setting it up."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6 digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        token = "".join(self.cleaned_data["otp_token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the code as digits, e.g. 123456."))
        return token


class SecondFactorForm(forms.Form):
    """The second factor once the app is set up: its code, or a backup code (letters and
    digits, so no numeric keyboard). Which one it is, and whether it is right, the service
    decides (services.second_factor_verify)."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        return self.cleaned_data["otp_token"].strip()
