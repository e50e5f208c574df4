"""Give a staff member (a curator or a superuser) the second factor the admin asks for."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from library.admin_site import enrol_second_factor


def grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


class Command(BaseCommand):
    help = (
        "Set up (or replace) a staff member's authenticator app and ten recovery codes for "
        "the admin. Prints them once: nothing shows them again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        if not user.is_staff:
            raise CommandError(
                f"{username!r} is not staff, so the admin would not let them in anyway. "
                "Make them staff first (a curator: staff, in the 'Library curators' group)."
            )
        enrolment = enrol_second_factor(user)
        secret = b32encode(enrolment.app.bin_key).decode()
        self.stdout.write(
            f"Second factor for {username} (any earlier device and codes no longer work).\n\n"
            "1. In an authenticator app (Aegis, FreeOTP, Google Authenticator, 1Password, ...)\n"
            "   add an account from this link (paste it, or make it a QR code offline):\n\n"
            f"   {enrolment.app.config_url}\n\n"
            "   or type the key by hand (time-based, 6 digits, every 30 seconds):\n\n"
            f"   {grouped(secret)}\n\n"
            "2. Log in at /admin/ with the password and the 6 digits the app shows.\n\n"
            "3. Keep these recovery codes somewhere safe, away from the phone. Each one logs\n"
            "   in once instead of the app's code:\n"
        )
        for code in enrolment.recovery_codes:
            self.stdout.write(f"   {grouped(code.upper())}")
