import logging
import re
import secrets

import brotli
from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

# In the session of a person who asked to stay signed in: the day it was last renewed.
REMEMBERED_ON = "remembered_on"


def remember_session(session) -> None:
    """Keep this session for REMEMBER_ME_AGE from today (saved with the response)."""
    session[REMEMBERED_ON] = timezone.localdate().isoformat()
    session.set_expiry(settings.REMEMBER_ME_AGE)


class KeepRememberedSessionMiddleware:
    """A "keep me signed in" session lasts REMEMBER_ME_AGE from its last day of use, not from
    the log-in: renewed on the first request of each day (one session write a day at most)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        renewed_on = request.session.get(REMEMBERED_ON)
        if renewed_on is not None and renewed_on != timezone.localdate().isoformat():
            remember_session(request.session)
        return self.get_response(request)


ACCEPTS_BROTLI = re.compile(r"\bbr\b")
# On the day log's 85 KB of HTML, brotli's quality 6 takes about as long as gzip's level 6
# (0.75 ms) and writes 11% fewer bytes. Quality 7 saves 1% more but its hash tables grow
# from 1 to 8 MB, allocated on every call: 2.5 ms more per page in a server. The library's
# default, 11, took 80 ms.
BROTLI_QUALITY = 6


class CompressionMiddleware(GZipMiddleware):
    """Pages in brotli for a browser that accepts it, anything else as Django's gzip.

    Against BREACH (README, "Compression and BREACH") Django pads each gzipped response with
    0 to 99 random bytes in the gzip header. Brotli has no such field, so brotli is kept for
    HTML, and each page ends with a comment of 0 to 99 random bytes (as hex, which brotli
    cannot shrink below its randomness): the same spread of sizes. Everything else (JSON,
    the streamed exports, the service worker) goes through ``GZipMiddleware`` unchanged.
    """

    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or not response.get("Content-Type", "").startswith("text/html")
            or not ACCEPTS_BROTLI.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
            or len(response.content) < 200
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        response.content = brotli.compress(
            response.content + breach_padding(), quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT
        )
        response.headers["Content-Length"] = str(len(response.content))
        # A strong ETag made weak, as GZipMiddleware does (RFC 9110, 8.8.1).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response


def breach_padding() -> bytes:
    """An HTML comment holding 0 to 99 random bytes (written as hex)."""
    return f"<!-- {secrets.token_hex(secrets.randbelow(GZipMiddleware.max_random_bytes))} -->".encode()


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


class DeletedAccountMiddleware:
    """A request whose account is deleted while it runs (from another device or tab) ends on
    the log-in page, never on a server error.

    The request has already read who is signed in when the deletion commits; whatever it then
    saves or creates for them fails (the account's rows are gone). Only a request that failed
    pays the one query that tells this apart from a real error, which still reaches the error
    page and the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if get_user_model().objects.filter(pk=user.pk).exists():
            return None
        logout(request)
        return redirect_to_login(request.get_full_path())
