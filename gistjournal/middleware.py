import logging

from django.conf import settings
from django.utils.cache import patch_cache_control


def client_ip(request) -> str | None:
    """The client's address, as throttled by django-axes and written in the logs.

    Each of our DJANGO_TRUSTED_PROXY_COUNT proxies appends the address it saw to
    X-Forwarded-For, so the client is that many entries from the right. Anything further left
    was written by the client and proves nothing; with no trusted proxy the header is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class PrivacyHeadersMiddleware:
    """Headers every response gets, and no caching of anything a signed-in person sees.

    Pages for a signed-in person carry health data (or at least their name), so neither the
    browser nor a proxy may keep them: after logging out, the back button shows nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


denied_log = logging.getLogger("gistjournal.access")


class DeniedAccessLogMiddleware:
    """Log every refused request (403, 404 on a private URL) with who, from where and when.

    Only the path is logged: query strings may carry dates of a journal, bodies carry notes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403, 404, 405):
            user = getattr(request, "user", None)
            denied_log.warning(
                "denied status=%s user=%s address=%s method=%s path=%s",
                response.status_code,
                user.get_username() if user is not None and user.is_authenticated else "-",
                client_ip(request) or "-",
                request.method,
                request.path,
            )
        return response
