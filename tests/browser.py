"""A real headless browser for the tests: Debian's chromium with chromium-driver,
driven through Selenium. CI sets SOCPLAN_REQUIRE_BROWSER=1 so that a missing browser
fails instead of skipping (`make browser` installs it)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chrome():
    """A headless Chromium that records every network request, or skip (fail in CI)."""
    binary = next((b for b in map(shutil.which, BROWSERS) if b), None)
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        message = "no headless browser: install chromium and chromium-driver (make browser)"
        if os.environ.get("SOCPLAN_REQUIRE_BROWSER"):
            pytest.fail(message + " – required in CI")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=cs-CZ",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def requested_urls(driver) -> list[str]:
    """URLs the page asked for since the last call (from the DevTools network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver) -> list[str]:
    """Console messages of level SEVERE since the last call (e.g. CSP violations)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_page(driver, path: Path) -> list[str]:
    """Open a file and return the URLs it requested (the file itself included)."""
    driver.get_log("performance")  # forget earlier pages
    driver.get(path.resolve().as_uri())
    return requested_urls(driver)


def screenshot(driver, name: str) -> Path:
    """Save a full-window screenshot for a person to look at; kept in SOCPLAN_SCREENSHOTS
    when set (CI artefacts), else in socplan-screenshots of the system's temporary folder."""
    default = Path(tempfile.gettempdir()) / "socplan-screenshots"
    folder = Path(os.environ.get("SOCPLAN_SCREENSHOTS", default))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.png"
    driver.save_screenshot(str(out))
    return out
