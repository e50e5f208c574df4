"""What a patient's browser meets: the day log's weight on the wire, first and repeat visit,
and its largest contentful paint on a slow phone (``make bench`` reports both).

- Weight: the page and every stylesheet, script and icon it links, fetched with
  ``Accept-Encoding: gzip, br``. A repeat visit fetches the page again, and only those assets
  a browser may not keep: an asset served with a year or more of ``max-age`` (whitenoise
  does so for the hashed names of the manifest) comes from the browser's cache.
- Paint: Debian's Chromium through Playwright, with Chrome DevTools' "Fast 3G" network
  profile and a 4x CPU slowdown, set through a DevTools (CDP) session: the profile devtools
  calls "Mid-tier mobile". The largest contentful paint of a first visit (empty cache) and
  of a repeat visit (assets cached), read from the page's PerformanceObserver.
"""

import gzip
import os
import re
import shutil
from pathlib import Path

from bench.harness import Answer, Client

ACCEPT = {"Accept-Encoding": "gzip, br"}
YEAR_SECONDS = 365 * 24 * 60 * 60

# Chrome DevTools' "Fast 3G" (front_end/core/sdk/NetworkManager.ts, Fast3GConditions): bytes
# per second and milliseconds of latency added to each request.
FAST_3G = {
    "offline": False,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
    "latency": 150 * 3.75,
}
CPU_SLOWDOWN = 4
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def wire_bytes(answer: Answer) -> int:
    """Bytes on the wire: status line, headers and the (still compressed) body."""
    head = len(f"HTTP/1.1 {answer.status} {answer.reason}\r\n") + 2
    head += sum(len(f"{name}: {value}\r\n") for name, value in answer.headers)
    return head + len(answer.body)


def header(answer: Answer, name: str) -> str:
    return next((value for key, value in answer.headers if key.lower() == name.lower()), "")


def cached_for_a_year(answer: Answer) -> bool:
    """Served with far-future caching: ``max-age`` of a year or more."""
    match = re.search(r"max-age=(\d+)", header(answer, "Cache-Control"))
    return bool(match) and int(match.group(1)) >= YEAR_SECONDS


def decoded(answer: Answer) -> bytes:
    """The body as the browser reads it, unpacked from gzip or brotli."""
    encoding = header(answer, "Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(answer.body)
    if encoding == "br":
        import brotli  # whitenoise's brotli extra

        return brotli.decompress(answer.body)
    return answer.body


def page_weight(client: Client, path: str) -> dict:
    """The page with its assets, on a first visit and on a repeat visit (see the module)."""
    page = client.get(path, headers=ACCEPT)
    html = {
        "bytes": wire_bytes(page),
        "content_encoding": header(page, "Content-Encoding") or "none",
    }
    items = {path: html["bytes"]}
    repeat = {path: html["bytes"]}
    not_cached = []
    encodings = {}
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', decoded(page))
    for asset in dict.fromkeys(a.decode() for a in assets):
        answer = client.get(asset, headers=ACCEPT)
        if answer.status != 200:
            raise RuntimeError(f"{asset} answered {answer.status}")
        items[asset] = wire_bytes(answer)
        encodings[asset] = header(answer, "Content-Encoding") or "none"
        if not cached_for_a_year(answer):
            not_cached.append(asset)
            repeat[asset] = items[asset]
    return {
        "total_bytes": sum(items.values()),
        "repeat_visit_bytes": sum(repeat.values()),
        "html": html,
        "items": items,
        "assets_without_far_future_caching": not_cached,
        "asset_encodings": encodings,
    }


def largest_contentful_paint(port: int, path: str, cookies: dict[str, str]) -> dict:
    """The day log's largest contentful paint in ms, first and repeat visit, throttled as
    the module says; ``{"error": …}`` when no Chromium or Playwright is at hand."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "Playwright is not installed"}
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        return {"error": f"no Chromium at {CHROMIUM}"}
    url = f"http://127.0.0.1:{port}{path}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            context = browser.new_context(viewport={"width": 412, "height": 915})
            context.add_cookies(
                [
                    {"name": name, "value": value, "url": f"http://127.0.0.1:{port}"}
                    for name, value in cookies.items()
                    if value
                ]
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            first = _visit(page, url)
            repeat = _visit(page, url)
        finally:
            browser.close()
    return {
        "first_visit_ms": round(first),
        "repeat_visit_ms": round(repeat),
        "network": "Chrome DevTools Fast 3G",
        "cpu_slowdown": CPU_SLOWDOWN,
    }


LCP_SCRIPT = """() => new Promise(resolve => {
  new PerformanceObserver(list => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({type: "largest-contentful-paint", buffered: true});
})"""


def _visit(page, url: str) -> float:
    response = page.goto(url, wait_until="load", timeout=60_000)
    if response is None or response.status != 200 or "/accounts/login/" in page.url:
        raise RuntimeError(f"The browser could not open {url} logged in.")
    return page.evaluate(LCP_SCRIPT)
