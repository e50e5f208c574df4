"""Template context for the navigation."""

from journal.models import CareShare


def navigation(request):
    """``cares_for``: whether the user reads someone's journal (shows "People I care for").

    A callable, so the one query runs only when a page renders the navigation.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"cares_for": lambda: CareShare.objects.received_by(user).active().exists()}
