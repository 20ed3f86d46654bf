"""A password change revokes every API token of the user, and so does a deactivation or a
reactivation (knox refuses an inactive user's tokens, but would take them again once the user is
reactivated: a token handed out before must stay dead).

A receiver of the user model's save, not a wrapper of set_password: the password changes
through several doors (the admin's form, `changepassword`, set_password then save, a raw
hash), and each of them ends in a save of the user row. Saves that cannot touch the password
(update_fields without it, such as last_login at each login) cost nothing; the others compare
the stored hash, one query.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from knox.models import get_token_model


def _password_about_to_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    instance._opmodel_password_changed = stored is not None and stored != (
        instance.password,
        instance.is_active,
    )


def _revoke_tokens_after_password_change(sender, instance, created=False, **kwargs):
    if getattr(instance, "_opmodel_password_changed", False):
        get_token_model().objects.filter(user=instance).delete()
        instance._opmodel_password_changed = False


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(
        _password_about_to_change, sender=user_model, dispatch_uid="opmodel-password-pre-save"
    )
    post_save.connect(
        _revoke_tokens_after_password_change,
        sender=user_model,
        dispatch_uid="opmodel-password-post-save",
    )
