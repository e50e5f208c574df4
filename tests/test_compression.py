"""Pages travel gzipped to a browser that accepts it, padded against BREACH (README,
"Compression and BREACH")."""

import gzip

from django.urls import reverse


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(patient_client, today):
    url = reverse("journal:day", args=[today.isoformat()])
    plain = patient_client.get(url)
    packed = patient_client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "How were your symptoms?" in page
    assert len(packed.content) < len(plain.content) / 4


def test_the_gzipped_page_carries_djangos_random_padding(patient_client, today):
    """Django pads each gzipped response with 0 to 99 random bytes, as a file name in the
    gzip header (flag FNAME), so that sizes an attacker compares do not hold still."""
    url = reverse("journal:day", args=[today.isoformat()])
    packed = patient_client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
    assert packed[:3] == b"\x1f\x8b\x08" and packed[3] & gzip.FNAME
    name = packed[10 : packed.index(b"\x00", 10)]
    assert set(name) <= {ord("a")} and len(name) < 100
