"""Fixtures for the hostile-input tests: the journal's library and profile, the browser's
launch arguments (Debian's Chromium), shared from the journal and e2e test trees."""

from tests.e2e.conftest import artifacts_dir, browser_type_launch_args  # noqa: F401
from tests.journal.conftest import (  # noqa: F401
    imatinib,
    library,
    profile,
    sunitinib,
    symptoms,
    today,
)
