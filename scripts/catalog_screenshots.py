"""Screenshots of the example's catalog for the README, in headless Chromium.

    python scripts/catalog_screenshots.py [OUT_DIR]     (default: docs/)

Builds the catalog of examples/backend-architecture into a temporary folder and
saves the Browse page, the example's domain page and the saga atom page at a
desktop width, and the Browse page searched for "compensating transaction" at a
phone's width.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
SHOTS = (
    ("catalog-browse.png", "index.html", 1280, 1250),
    ("catalog-domain.png", "domains/backend-architecture/index.html", 1280, 1400),
    ("catalog-atom.png", "domains/backend-architecture/atoms/saga.html", 1280, 1000),
    ("catalog-search-phone.png", "index.html#q=compensating+transaction", 390, 1250),
)


def main(argv: list[str]) -> int:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    from skillwiki_sdk.cli import main as skillwiki

    target = Path(argv[0]) if argv else ROOT / "docs"
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="skillwiki-shots-"))
    try:
        site = work / "site"
        if skillwiki(["catalog", str(ROOT / "examples" / "backend-architecture"), "--out", str(site)]) != 0:
            return 1
        options = Options()
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={work / 'profile'}")
        options.binary_location = shutil.which("chromium") or "chromium"
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "chromedriver"))
        try:
            for name, page, width, height in SHOTS:
                driver.set_window_size(width, height)
                inner = driver.execute_script("return window.innerHeight")
                driver.set_window_size(width, height + (height - inner))
                path, _, fragment = page.partition("#")
                driver.get((site / path).as_uri() + (f"#{fragment}" if fragment else ""))
                time.sleep(0.5)
                driver.save_screenshot(str(target / name))
                print(target / name)
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SKILLWIKI_NO_CACHE", "1")
    raise SystemExit(main(sys.argv[1:]))
