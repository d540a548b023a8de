from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
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
