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


def pytest_terminal_summary(terminalreporter):
    """The fuzzing figures for the README, printed once the run is over (if it fuzzed)."""
    from tests.security.test_fuzz import EXAMPLES, SAVED

    if not EXAMPLES:
        return
    figures = [
        f"{form} {count}" + ("" if form.endswith("query") else f" ({SAVED[form]} saved)")
        for form, count in sorted(EXAMPLES.items())
    ]
    terminalreporter.write_line("Fuzz examples per form: " + ", ".join(figures))
