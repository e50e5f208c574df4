"""A file read for import, waiting for its owner to look at the preview and confirm it.

Kept in the database with its owner, never in the session: a session outlives the account it
belonged to and nothing ties its content to a person. One per patient (a new upload replaces
the old), removed on confirm, on cancel, with the account, and once expired (the periodic
command calls ``PendingImport.objects.remove_expired()``).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Long enough to read the preview (a file with problems is fixed and uploaded again anyway);
# short, so a whole journal's text does not wait in the database for someone who left.
PENDING_IMPORT_VALID_FOR = timedelta(hours=1)


class PendingImportQuerySet(models.QuerySet):
    def for_owner(self, owner):
        return self.filter(owner=owner)

    def expired(self, now: datetime):
        return self.filter(expires_at__lte=now)

    def remove_expired(self, now: datetime | None = None) -> int:
        """Delete every pending import past its expiry; the number deleted."""
        _, deleted = self.expired(now or timezone.now()).delete()
        return deleted.get(PendingImport._meta.label, 0)


class PendingImport(models.Model):
    """The content of an uploaded file, read (JSON, or the rows of a CSV) but not yet checked
    against the journal: that is done on the preview and again on confirm."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    file_name = models.CharField(max_length=100)
    # SHA-256 of the file's text: the preview's confirm button names the file it showed.
    digest = models.CharField(max_length=64)
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="journal_pendingimport_one_per_owner"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="journal_pendingimport_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} waiting for {self.owner}"

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at
