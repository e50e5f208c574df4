"""The project's own system checks, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that keep every email where people other than its addressee can read it: links
# in invitations and password resets are keys to a journal.
EMAIL_BACKENDS_THAT_KEEP_LINKS = {
    "django.core.mail.backends.console.EmailBackend": "written to the server's log",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory and never sent",
    "django.core.mail.backends.filebased.EmailBackend": "written to files on the server",
}


@register(Tags.security, deploy=True)
def check_email_is_sent(app_configs, **kwargs) -> list[Error]:
    """With debug off, emails must leave the server: a console, in-memory or file backend would
    put invitation and password-reset links in the logs, on disk (or nowhere) instead of
    someone's inbox. The file backend (DJANGO_EMAIL_FILE_PATH) is for seeing what would be
    sent while debugging."""
    where = EMAIL_BACKENDS_THAT_KEEP_LINKS.get(settings.EMAIL_BACKEND)
    if settings.DEBUG or where is None:
        return []
    return [
        Error(
            f"DJANGO_EMAIL_BACKEND is {settings.EMAIL_BACKEND} with debug off: invitation and "
            f"password-reset links would be {where}, where whoever reads them can open "
            "someone's journal.",
            hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the "
            "DJANGO_EMAIL_HOST, _PORT, _HOST_USER, _HOST_PASSWORD and _USE_TLS variables.",
            id="gistjournal.E001",
        )
    ]
