"""Who may read whose journal, decided in the lookup itself.

Read pages are served twice: under ``/journal/…`` for the patient and under
``/care/<share_id>/…`` for a caregiver the patient shared with. Both routes call the same
view, decorated with ``journal_page``, which hands it a ``JournalContext`` saying whose
journal it is and whether notes may be shown.

- another person's journal (no active share): 404, never 403, so nothing confirms it exists;
- a caregiver trying to write: 403;
- every caregiver view is recorded as an ``AccessEvent`` for the patient to see.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.log import log_response

from journal.models import AccessEvent, CareShare, DayLog, Profile, Treatment, display_name


@dataclass(frozen=True)
class JournalRoles:
    """Whether someone reads another person's journal, and whether they keep one of their own
    (a treatment or a day logged). A caregiver who keeps none is sent to the people they care
    for and shown only the menu they use."""

    cares_for_someone: bool
    keeps_a_journal: bool

    @classmethod
    def of(cls, user) -> "JournalRoles":
        """In one query."""
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .values(
                cares=Exists(CareShare.objects.received_by(user).active()),
                **cls.keeps_a_journal_of(user),
            )
            .get()
        )
        return cls(cares_for_someone=row["cares"], keeps_a_journal=row["treated"] or row["logged"])

    @staticmethod
    def keeps_a_journal_of(user) -> dict:
        """``treated`` and ``logged``: the annotations that say whether ``user`` keeps a
        journal (either true), for any query about them."""
        return {
            "treated": Exists(Treatment.objects.for_patient(user)),
            "logged": Exists(DayLog.objects.for_patient(user)),
        }

    @classmethod
    def of_request(cls, request) -> "JournalRoles":
        """The roles of the request's user, asked once per request: a page that needs them
        (settings) and its menu (``nav_role``) share the one query, and a caregiver's page
        learns them with the share (``journal_page``)."""
        if getattr(request, "journal_roles", None) is None:
            request.journal_roles = cls.of(request.user)
        return request.journal_roles

    @property
    def is_only_a_caregiver(self) -> bool:
        return self.cares_for_someone and not self.keeps_a_journal


SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class JournalContext:
    """Whose journal a request reads, and as whom."""

    patient: object  # User
    profile: Profile
    share: CareShare | None = None

    @property
    def is_caregiver(self) -> bool:
        return self.share is not None

    @property
    def patient_name(self) -> str:
        return display_name(self.patient)

    @property
    def can_see_notes(self) -> bool:
        return self.share is None or self.share.can_see_notes

    def url(self, name: str, *args) -> str:
        """The same page in this context: ``journal:<name>`` or ``care:<name>`` for a share."""
        if self.share is None:
            return reverse(f"journal:{name}", args=args)
        return reverse(f"care:{name}", args=[self.share.pk, *args])


def journal_page(page: str):
    """Decorate a read-only view served to the patient and to their caregivers.

    The view is called as ``view(request, journal, **kwargs)``. ``page`` names the page in
    the access log ("trends", "history", …). The pages are read-only: a caregiver's write is a
    403 (once the share is known to be theirs), the owner's a 405, so no view adds a method
    check of its own (and none depends on the order of decorators).
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, share_id=None, **kwargs):
            if share_id is None:
                if request.method not in SAFE_METHODS:
                    response = HttpResponseNotAllowed(SAFE_METHODS)
                    log_response(
                        "Method Not Allowed (%s): %s",
                        request.method,
                        request.path,
                        response=response,
                        request=request,
                    )
                    return response
                journal = JournalContext(
                    patient=request.user, profile=Profile.objects.for_user(request.user)
                )
            else:
                # The patient's profile rides along with the share: one query fewer on every
                # caregiver page (``Profile.objects.for_user`` only when it does not exist yet).
                share = get_object_or_404(
                    CareShare.objects.received_by(request.user)
                    .active()
                    .select_related("patient__journal_profile")
                    .annotate(**JournalRoles.keeps_a_journal_of(request.user)),
                    pk=share_id,
                )
                # An active share received: the menu's roles are known without a query.
                request.journal_roles = JournalRoles(
                    cares_for_someone=True, keeps_a_journal=share.treated or share.logged
                )
                if request.method not in SAFE_METHODS:
                    raise PermissionDenied("Shared journals are read-only.")
                AccessEvent.objects.create(
                    patient=share.patient,
                    viewer=request.user,
                    viewer_name=display_name(request.user),
                    share=share,
                    page=page,
                    path=request.get_full_path()[:300],
                )
                journal = JournalContext(
                    patient=share.patient, profile=_loaded_profile(share.patient), share=share
                )
            return view(request, journal, *args, **kwargs)

        return wrapper

    return decorator


def _loaded_profile(user) -> Profile:
    """The profile ``select_related`` brought with ``user``, else ``Profile.objects.for_user``."""
    try:
        return user.journal_profile
    except Profile.DoesNotExist:
        return Profile.objects.for_user(user)


def get_owned_or_404(queryset, user, **lookup):
    """The user's own object for a write, or the right refusal.

    403 when the object belongs to a patient who shares with ``user`` (they may see it but
    never change it); 404 for anyone else, so a stranger learns nothing.
    """
    obj = queryset.filter(patient=user, **lookup).first()
    if obj is not None:
        return obj
    shared_with_me = CareShare.objects.received_by(user).active().values("patient_id")
    if queryset.filter(patient_id__in=shared_with_me, **lookup).exists():
        raise PermissionDenied("Shared journals are read-only.")
    raise Http404
