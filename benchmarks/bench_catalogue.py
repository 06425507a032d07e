"""Size and speed of the service catalogue (`make bench-catalogue`).

Renders the catalogue of the demo region and of a national-scale synthetic registry
(the demo's services copied under new identifiers to ``--services`` services, placed at
random municipalities of the demo territory), then opens each in headless Chromium and
measures, per keystroke of a typed query and per filter change, the time the page's
script takes to filter and the time until the browser has painted the new list (both
recorded by the page itself with ``performance.now()``).

Prints the file sizes, render times, page load times and the median and worst response.
Needs chromium and chromedriver (`make browser`).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.data.loading import load_dataset  # noqa: E402
from analysis.demo import DEFAULT_SEED, generate_demo  # noqa: E402
from analysis.params import load_run_config  # noqa: E402
from analysis.publish.service_catalogue import render_catalogue, write_catalogue  # noqa: E402
from tests.browser import chrome  # noqa: E402

QUERY = "pecovatel"  # typed one character at a time ("pečovatelská služba")


def national(ds, n: int, seed: int = 1):
    """The dataset with ``n`` services: copies of the demo's under new identifiers."""
    rng = np.random.default_rng(seed)
    ids = ds.services["service_id"].unique()
    copies = -(-n // len(ids))
    frames, details = [], []
    codes = ds.municipalities["municipality_code"].to_numpy()
    for k in range(copies):
        s = ds.services.copy()
        place = dict(zip(ids, rng.choice(codes, size=len(ids)), strict=True))
        s["municipality_code"] = s["service_id"].map(place)
        s["service_id"] = s["service_id"] + f"-{k:03d}"
        frames.append(s)
        d = ds.service_details.copy()
        d["service_id"] = d["service_id"] + f"-{k:03d}"
        details.append(d)
    services = pd.concat(frames, ignore_index=True)
    keep = services["service_id"].drop_duplicates().iloc[:n]
    services = services[services["service_id"].isin(keep)].reset_index(drop=True)
    detail = pd.concat(details, ignore_index=True)
    detail = detail[detail["service_id"].isin(keep)].reset_index(drop=True)
    return dataclasses.replace(ds, services=services, service_details=detail)


def measure(driver, page: Path) -> dict[str, float]:
    """Load time, and the script's and the paint's time per keystroke and filter."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    start = time.perf_counter()
    driver.get(page.resolve().as_uri())
    WebDriverWait(driver, 120).until(
        lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'")
    )
    load = time.perf_counter() - start
    count = driver.find_element(By.ID, "pocet")
    box = driver.find_element(By.ID, "q")
    filt, paint = [], []

    def wait_for_paint(previous: str | None) -> None:
        WebDriverWait(driver, 60).until(
            lambda d: count.get_attribute("data-paint-ms") not in (None, previous)
        )
        filt.append(float(count.get_attribute("data-filter-ms")))
        paint.append(float(count.get_attribute("data-paint-ms")))

    for char in QUERY:
        before = count.get_attribute("data-paint-ms")
        box.send_keys(char)
        wait_for_paint(before)
    shown = count.text
    for element_id, value in (("forma", "ter"), ("skupina", "seniori"), ("forma", "")):
        before = count.get_attribute("data-paint-ms")
        Select(driver.find_element(By.ID, element_id)).select_by_value(value)
        wait_for_paint(before)
    return {
        "load_s": load,
        "filter_median_ms": statistics.median(filt),
        "filter_max_ms": max(filt),
        "paint_median_ms": statistics.median(paint),
        "paint_max_ms": max(paint),
        "shown": shown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=7000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="socplan-bench-catalogue-") as tmp:
        data = generate_demo(Path(tmp) / "data", DEFAULT_SEED)
        config = load_run_config(ROOT / "params" / "demo.yaml", data_dir=data)
        demo = load_dataset(config)
        pages = {}
        for name, ds in (
            ("demo", demo),
            (f"{args.services} služeb", national(demo, args.services)),
        ):
            start = time.perf_counter()
            html = render_catalogue(ds, config)
            seconds = time.perf_counter() - start
            page = write_catalogue(html, Path(tmp) / name.replace(" ", "-"))
            pages[name] = page
            print(
                f"{name:>14}: {ds.services['service_id'].nunique():5d} services, "
                f"{page.stat().st_size / 1e6:6.2f} MB, rendered in {seconds:5.1f} s"
            )
        driver = chrome()
        try:
            for name, page in pages.items():
                m = measure(driver, page)
                print(
                    f"{name:>14}: load {m['load_s']:.2f} s; per keystroke or filter: "
                    f"script {m['filter_median_ms']:.1f} ms median, {m['filter_max_ms']:.1f} ms "
                    f"max; painted {m['paint_median_ms']:.1f} ms median, "
                    f"{m['paint_max_ms']:.1f} ms max ({m['shown']})"
                )
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
