"""Pages travel compressed, brotli for a browser that accepts it and gzip otherwise, padded
against BREACH (README, "Compression and BREACH")."""

import gzip
import re
from datetime import date

import brotli
from django.urls import reverse

from tests.conftest import make_day

PADDING = re.compile(rb"<!-- ([0-9a-f]*) -->$")


def test_a_page_is_brotli_for_a_browser_that_accepts_it(patient_client, today):
    url = reverse("journal:day", args=[today.isoformat()])
    plain = patient_client.get(url)
    packed = patient_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "br"
    assert "Accept-Encoding" in packed["Vary"]
    assert packed["Content-Length"] == str(len(packed.content))
    page = brotli.decompress(packed.content)
    assert "How were your symptoms?" in page.decode()
    assert PADDING.sub(b"", page).rstrip().endswith(b"</html>")  # the padding comes last
    assert len(packed.content) < len(plain.content) / 5


def test_a_page_is_gzipped_for_a_browser_without_brotli(patient_client, today):
    url = reverse("journal:day", args=[today.isoformat()])
    packed = patient_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert "How were your symptoms?" in gzip.decompress(packed.content).decode()


def test_the_gzipped_page_carries_djangos_random_padding(patient_client, today):
    """Django pads each gzipped response with 0 to 99 random bytes, as a file name in the
    gzip header (flag FNAME), so that sizes an attacker compares do not hold still."""
    url = reverse("journal:day", args=[today.isoformat()])
    packed = patient_client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
    assert packed[:3] == b"\x1f\x8b\x08" and packed[3] & gzip.FNAME
    name = packed[10 : packed.index(b"\x00", 10)]
    assert set(name) <= {ord("a")} and len(name) < 100


def test_a_brotli_page_ends_with_random_padding_of_0_to_99_bytes(patient_client, today):
    """Brotli has no header to pad: the page ends with a comment of random hex, a new one on
    every response, so the compressed sizes vary as much as gzip's."""
    url = reverse("journal:day", args=[today.isoformat()])
    paddings = []
    for _ in range(12):
        page = brotli.decompress(patient_client.get(url, HTTP_ACCEPT_ENCODING="br").content)
        padding = PADDING.search(page).group(1)
        assert len(padding) % 2 == 0 and len(padding) // 2 < 100
        paddings.append(padding)
    drawn = [padding for padding in paddings if padding]  # an empty one is 1 draw in 100
    assert len(set(drawn)) == len(drawn)
    assert len({len(padding) for padding in paddings}) > 1


def test_what_is_not_html_is_gzipped_whatever_the_browser_accepts(patient_client, patient, hfs):
    """JSON and the streamed CSV keep Django's gzip: a comment cannot pad them."""
    make_day(patient, date(2026, 3, 2), {hfs: 2})
    as_json = patient_client.get(reverse("journal:export_json"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert as_json["Content-Encoding"] == "gzip"
    assert '"date"' in gzip.decompress(as_json.content).decode()
    as_csv = patient_client.get(reverse("journal:export_csv"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert as_csv["Content-Encoding"] == "gzip"
    assert "date" in gzip.decompress(b"".join(as_csv.streaming_content)).decode()
