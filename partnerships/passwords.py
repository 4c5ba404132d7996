"""What a new password takes away, wherever it is set.

Django tells every configured password validator when a user's password has
been saved (``password_changed``), whether it was set on the password change
page, by an admin on the user's page, by ``manage.py changepassword`` or from a
script calling ``set_password()`` and ``save()``. Listing this class in
``AUTH_PASSWORD_VALIDATORS`` therefore revokes what the old password gave out
on every one of those paths, without each of them having to remember it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class CredentialsFollowThePassword:
    """Not a rule for choosing a password: the hook that, once a password has
    changed, revokes the person's API tokens and replaces their calendar feed
    address (``lifecycle.revoke_credentials``). Its help text tells people so
    where they choose the new password."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        from partnerships import lifecycle

        if user is not None and user.pk is not None:
            lifecycle.revoke_credentials(user=user, by=None, reason="password changed")

    def get_help_text(self) -> str:
        return _("A new password revokes your API tokens and changes your calendar feed address.")
