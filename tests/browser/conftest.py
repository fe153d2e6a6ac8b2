"""Browser tests: Debian's Chromium driven by Playwright against the real stack plus the workbench.

The e2e suite's running stack is reused when it is up (the browser tests run last for that); run on
their own, the tests start one stack like the e2e fixture does. Only the workbench process is added.
Screenshots go to <pytest tmp>/artifacts/screenshots/ (./artifacts with make test) and are listed at
the end of the run.
"""

import asyncio
import os
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.browser.world import BrowserWorld, build_browser_world
from tests.e2e.conftest import SUITE_RATE_LIMITS, SUITE_RECONCILER, SUITE_UPSTREAM
from tests.support.database import create_database, drop_database
from tests.support.stack import free_port, started_stack
from wushe_cli.stack import Stack

CHROMIUM = "/usr/bin/chromium"
INSTALL_CHROMIUM = "sudo apt-get install -y chromium"
SHOTS: list[Path] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last, so they find the e2e suite's stack already running."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SHOTS:
        terminalreporter.section("workbench screenshots")
        for path in SHOTS:
            terminalreporter.write_line(str(path))


def _running_e2e_stack(request: pytest.FixtureRequest) -> Stack | None:
    """The e2e suite's session stack, if a test of it already started it in this session."""
    e2e_item = next((item for item in request.session.items if item.nodeid.startswith("tests/e2e/")), None)
    if e2e_item is None:
        return None
    definitions = request.session._fixturemanager.getfixturedefs("stack", e2e_item) or ()
    cached = definitions[-1].cached_result if definitions else None
    if cached is None or cached[2] is not None:
        return None
    stack: Stack = cached[0]
    return stack


@pytest.fixture(scope="session")
async def browser_stack(
    request: pytest.FixtureRequest, server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    shared = _running_e2e_stack(request)
    if shared is not None:
        yield shared
        return
    url = await create_database(server_url, "wushe_browser")
    await asyncio.to_thread(upgrade_all, url)
    env = {"WUSHE_ENVIRONMENT": "test", **SUITE_RATE_LIMITS, **SUITE_RECONCILER, **SUITE_UPSTREAM}
    try:
        with started_stack(url, tmp_path_factory.mktemp("browser-stack-logs"), env) as stack:
            yield stack
    finally:
        await drop_database(server_url, url)


@pytest.fixture(scope="session")
def workbench_url(browser_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The workbench as its own uvicorn process in front of the stack's gateway."""
    browser_stack.ports.workbench = free_port()
    log_dir = tmp_path_factory.mktemp("workbench-logs")
    browser_stack.start_process("workbench", log_dir, {"WUSHE_ENVIRONMENT": "test"})
    url = browser_stack.url("workbench")
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"workbench not up; see {log_dir}")
        time.sleep(0.1)
    yield url
    browser_stack.stop_process("workbench")


@pytest.fixture(scope="session")
def browser_world(browser_stack: Stack, settings: Settings) -> BrowserWorld:
    return build_browser_world(browser_stack, settings)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}: run `{INSTALL_CHROMIUM}`")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    yield page
    await context.close()


class SignIn:
    """Signs a page in through the development picker, by the identity's button text."""

    def __init__(self, workbench_url: str) -> None:
        self.url = workbench_url

    async def __call__(self, page: Page, name: str, region: str = "150781") -> Page:
        await page.goto(f"{self.url}/signin?region={region}")
        await page.get_by_role("button", name=name, exact=False).first.click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text("今日工作台")
        return page


@pytest.fixture(scope="session")
def sign_in(workbench_url: str) -> SignIn:
    return SignIn(workbench_url)


@pytest.fixture
async def station_page(page: Page, sign_in: SignIn, browser_world: BrowserWorld) -> Page:
    """A page signed in as the browser world's station worker."""
    return await sign_in(page, browser_world.station_name)


class Screenshots:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def take(self, page: Page, name: str, full_page: bool = True) -> Path:
        path = self.folder / f"{name}.png"
        await page.screenshot(path=str(path), full_page=full_page)
        SHOTS.append(path)
        return path


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Screenshots:
    """<WUSHE_TEST_ARTIFACTS or pytest's base temp>/artifacts/screenshots (make test sets ./artifacts)."""
    root = Path(os.environ["WUSHE_TEST_ARTIFACTS"]) if os.environ.get("WUSHE_TEST_ARTIFACTS") else None
    root = root or tmp_path_factory.getbasetemp() / "artifacts"
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("*\n")  # test output, never committed
    return Screenshots(root / "screenshots")
