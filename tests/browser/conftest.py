import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL"}


@pytest.fixture(scope="session", autouse=True)
def patient_expectations():
    """`expect(...)` waits up to 15 s (Playwright's default: 5 s): the suite runs a test
    process per core, each with its own Chromium and live server, and on a loaded
    two-core machine a page can take longer than 5 s to arrive."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
