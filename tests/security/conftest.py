"""The fuzzing figures for the README, printed once a run that fuzzed is over."""


def pytest_terminal_summary(terminalreporter):
    from tests.security.test_fuzz import EXAMPLES, SAVED

    if not EXAMPLES:
        return
    figures = [
        f"{form} {count}" + ("" if form.endswith("query") else f" ({SAVED[form]} saved)")
        for form, count in sorted(EXAMPLES.items())
    ]
    terminalreporter.write_line("Fuzz examples per form: " + ", ".join(figures))
