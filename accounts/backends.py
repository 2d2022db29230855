"""Authentication with login throttling (see accounts/throttle.py).

A locked login is refused even with the right password. The refusal is raised as a
ValidationError, which Django's AuthenticationForm (our login page and the admin's) shows as
the form's error, so the person reads why rather than "wrong password"."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts import throttle
from accounts.signals import record_auth


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = throttle.client_ip(request)
        until = throttle.locked_until(username, ip)
        if until:
            record_auth("login.locked", username, ip, outcome="failed", message="refused: login is locked out")
            raise ValidationError(throttle.lockout_message(until), code="locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if throttle.note_failure(username, ip):
                record_auth("login.lockout", username, ip, outcome="failed",
                            message="locked out after repeated failed logins")
                raise ValidationError(throttle.lockout_message(throttle.locked_until(username, ip) or 0),
                                      code="locked")
            return None
        throttle.clear(username, ip)
        return user
