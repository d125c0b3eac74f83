"""report.html in a real browser: Debian's headless Chromium, driven by Playwright.

Playwright is given the system browser (``executable_path``); it downloads nothing. The test
is skipped, with the reason, where Chromium or Playwright is missing, except in CI
(``CI`` set), where ``.ci/run`` installs Chromium and a missing browser is a failure.
Set ``LQCALC_SCREENSHOTS=docs/img`` to write the screenshots of the documentation.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from lqcalc.geo import boundaries

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    if CHROMIUM is None:
        return "no chromium on PATH (Debian: apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=FLAGS, viewport={"width": 1200, "height": 900}, offline=True)
        yield ctx
        ctx.close()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, demo_out):
    from lqcalc.config import RunConfig
    from lqcalc.pipeline import run

    base = tmp_path_factory.mktemp("browser")
    run(RunConfig(inputs=[str(FIXTURES / "io" / "renjiyi_urban_unit_employment_gbk.csv")],
                  out=str(base / "cn-out"), quiet=True, charts=False))
    # every U.S. county, three industries, two years: the largest map the page draws
    import polars as pl

    from lqcalc.config import ReadOptions

    counties = sorted(boundaries.codes("us-county"))
    cells = [(c, f"ind{i}", y, float((k * 7919 + i * 104729 + y) % 997 + 1))
             for k, c in enumerate(counties) for i in range(3) for y in (2019, 2023)]
    src = base / "counties.parquet"
    pl.DataFrame(cells, schema=["region", "industry", "year", "value"], orient="row").write_parquet(src)
    run(RunConfig(inputs=[str(src)], out=str(base / "us-out"), quiet=True, charts=False,
                  read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                                   value_cols=["value"])))
    return {"demo": (demo_out, "uk-nuts2-2013"), "china": (base / "cn-out", "cn-province"),
            "us-counties": (base / "us-out", "us-county")}


def _open(browser, page_path: Path):
    page = browser.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    url = page_path.resolve().as_uri()

    def route(r):
        requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    return page, problems, [u for u in requests if u != url]


def _not_blank(png: bytes, min_colours: int = 8, min_ink: float = 0.02) -> None:
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("RGB")
    colours = im.getcolors(maxcolors=1 << 20) or []
    ink = sum(n for n, c in colours if sum(c) < 3 * 235) / (im.width * im.height)
    assert len(colours) >= min_colours and ink >= min_ink, (len(colours), ink)


@pytest.mark.parametrize("which", ["demo", "china", "us-counties"])
def test_report_opens_offline_and_draws_every_shape(browser, outputs, which):
    out, scheme = outputs[which]
    page, problems, requests = _open(browser, out / "report.html")
    assert problems == []
    assert requests == []                     # nothing but the page itself
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    assert load_ms < 2000
    expected = sorted({f["properties"]["code"] for f in boundaries.display_features(scheme)})
    maps = page.evaluate("""() => Array.from(document.querySelectorAll('svg.map')).map(svg => {
        const drawn = [];
        svg.querySelectorAll('use[data-code]').forEach(u => {
            const b = u.getBBox();
            if (b.width > 0 && b.height > 0) drawn.push(u.getAttribute('data-code'));
        });
        return drawn.sort();
    })""")
    assert maps and all(m == expected for m in maps)
    if which == "china":
        assert page.evaluate("document.querySelector('use.extra').getBBox().height") > 10   # the maritime line
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
    shot = page.screenshot(full_page=False)
    _not_blank(shot)
    _not_blank(page.locator("svg.map").first.screenshot(), min_colours=4, min_ink=0.05)
    target = os.environ.get("LQCALC_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.locator("#maps .maprow").first.screenshot(path=str(Path(target) / f"report_maps_{which}.png"))
        page.screenshot(path=str(Path(target) / f"report_{which}.png"))
    page.close()


def test_tables_sort_and_the_page_prints_to_a4(browser, outputs):
    page, problems, _ = _open(browser, outputs["demo"][0] / "report.html")
    col = page.evaluate("""() => {
        const t = document.querySelector('#strongest table.sortable');
        const i = Array.from(t.tHead.rows[0].cells).findIndex(th => th.textContent.startsWith('Location quotient'));
        t.tHead.rows[0].cells[i].click();        // ascending
        const vals = Array.from(t.tBodies[0].rows).map(r => parseFloat(r.cells[i].getAttribute('data-v')));
        return vals;
    }""")
    assert col == sorted(col) and len(col) > 5
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page/")
    assert 2 <= pages <= 20
    assert problems == []
    page.close()
