from django import forms


class NotificationSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(
        required=False,
        label="Send me alerts by e-mail",
        help_text="Alerts always appear in the app; this adds an e-mail for each batch of them.",
    )
