"""Template context for the navigation."""

from journal.access import JournalRoles


def navigation(request):
    """``nav_role``: which journal links the menu shows: "patient" (their own journal),
    "caregiver" (someone who only reads others' journals) or "both".

    A callable, so its one query runs only when a page renders the navigation (read it once).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def nav_role() -> str:
        # A caregiver's page learnt them with the share (``journal_page``).
        roles = getattr(request, "journal_roles", None) or JournalRoles.of(user)
        if not roles.cares_for_someone:
            return "patient"
        return "both" if roles.keeps_a_journal else "caregiver"

    return {"nav_role": nav_role}
