"""Headless Chromium (Debian's, driven by Playwright) against the real system, with axe-core
from the npm registry (installed into the cache by scripts/setup.sh) and screenshots saved as
test artifacts under ``test-artifacts/`` (not tracked)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from server.settings import ROOT
from tests.stack import CACHE, Stack

CHROMIUM = os.environ.get("MINWON_CHROMIUM", "/usr/bin/chromium")
AXE = CACHE / "node" / "node_modules" / "axe-core" / "axe.min.js"
# A chat turn waits for Rasa, the actions and sometimes the local LLM.
expect.set_options(timeout=60_000)
ARTIFACTS = Path(os.environ.get("MINWON_TEST_ARTIFACTS", ROOT / "test-artifacts"))
STAFF_PASSWORD = "correct horse battery staple"
# Flags for a closed network: without them Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(60_000)  # a chat turn waits for Rasa and the actions
    page = context.new_page()
    yield page
    context.close()


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


def check_accessibility(page: Page, name: str, *, frame_selector: str | None = None) -> None:
    """axe-core on the page as it is now (WCAG 2.0–2.2 A/AA rules and best practices): no
    serious or critical violation. Results are kept as artifacts; a screenshot goes with them."""
    assert AXE.exists(), f"{AXE} missing: run scripts/setup.sh"
    frame = page.main_frame
    if frame_selector:
        handle = page.locator(frame_selector).element_handle()
        content = handle.content_frame() if handle else None
        assert content is not None, frame_selector
        frame = content
    # Evaluated through DevTools: the pages' CSP rightly refuses an injected <script>.
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = frame.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations']})"""
    )
    out = ARTIFACTS / "axe" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results["violations"], indent=1, ensure_ascii=False))
    save_screenshot(page, name)
    bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in bad
    )


@pytest.fixture
def axe() -> Callable[..., None]:
    return check_accessibility


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    return save_screenshot


@pytest.fixture(scope="session")
def staff_account(stack: Stack) -> tuple[str, str]:
    """A reviewer account created the way an administrator does: with the CLI."""
    name = "reviewer.kim"
    subprocess.run(
        [str(ROOT / ".venv/bin/minwon"), "staff", "create-user", name, "--role", "reviewer"],
        cwd=ROOT,
        env={**stack.env, "MINWON_PASSWORD": STAFF_PASSWORD},
        check=True,
        capture_output=True,
    )
    return name, STAFF_PASSWORD


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def city_site(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A city's own web page on another origin, embedding the widget with its one tag."""
    root = tmp_path_factory.mktemp("city-site")
    (root / "index.html").write_text(
        f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>시청 민원 안내</title></head>
<body><header><h1>시청 민원 안내</h1></header>
<main><p>민원 신청은 오른쪽 아래 상담 버튼을 누르세요.</p>
<p><a href="#news">시정 소식</a></p></main>
<script src="{stack.url}/widget.js" data-lang="ko"></script>
</body></html>""",
        encoding="utf-8",
    )
    port = int(stack.city_url.rsplit(":", 1)[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stack.city_url
    server.shutdown()
