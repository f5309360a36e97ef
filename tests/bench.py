"""Benchmarks for `make bench`: build and execution times, page weight, quiz and explorer speed.

These are measurements, not tests: the machines are noisy, so nothing here fails on a number.
Each section prints its figures; the README records a set of them.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def timed(cmd: list[str]) -> float:
    """Seconds one command takes (its output is discarded; a failure raises)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def page_weights(site: Path) -> None:
    """Own HTML per page, and per page with the shared assets it loads on a first visit."""
    pages = [
        p
        for p in site.rglob("*.html")
        if "_static" not in p.parts and p.name not in {"search.html", "genindex.html"}
    ]
    sizes = [p.stat().st_size for p in pages]
    from coursekit._paths import static_dir

    static = site / "_static"
    ours = static_dir()
    shared = [
        static / p.relative_to(ours)
        for p in sorted(ours.rglob("*"))
        if p.suffix in {".js", ".css"} and p.is_file()
    ]
    shared_bytes = {p.name: p.stat().st_size for p in shared if p.exists()}
    total_shared = sum(shared_bytes.values())
    print(
        f"pages: {len(sizes)}; own HTML per page median {statistics.median(sizes):,.0f} bytes, "
        f"max {max(sizes):,.0f} ({max(pages, key=lambda p: p.stat().st_size).name})"
    )
    print(
        f"  with shared course assets (first visit): median "
        f"{statistics.median(sizes) + total_shared:,.0f}, max {max(sizes) + total_shared:,.0f}"
    )
    print(f"shared assets: {total_shared:,} bytes in {len(shared_bytes)} files")
    for name, size in shared_bytes.items():
        print(f"  {name:24s} {size:>10,}")


def _big_bank(path: Path, n: int) -> None:
    lines = ["id: bench", "title: Benchmark bank", "items:"]
    for i in range(n):
        lines += [
            f"  - id: item-{i}",
            "    type: single",
            f'    prompt: "Question {i}: which option is right?"',
            "    objective: bench",
            "    sources: [lassemo2017]",
            "    explanation: Option A is right.",
            "    options:",
            "      - {text: Option A, correct: true, feedback: Right.}",
            "      - {text: Option B, correct: false, feedback: Not this one.}",
            "      - {text: Option C, correct: false, feedback: Not this one either.}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def quiz_click_speed(n: int = 5000, clicks: int = 40) -> None:
    """Click-to-feedback time in headless Chromium for a generated ``n``-item bank."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("quiz click-to-feedback: skipped (playwright not installed)")
        return
    if not Path(CHROMIUM).exists():
        print(f"quiz click-to-feedback: skipped ({CHROMIUM} not found)")
        return
    from coursekit import quiz

    work = Path(tempfile.mkdtemp(prefix="coursekit-quiz-bench-"))
    try:
        bank_file = work / "bench.yml"
        _big_bank(bank_file, n)
        html = work / "bench.html"
        html.write_text(quiz.render_document(quiz.load_bank(bank_file), assets="inline"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(html.as_uri())
            page.wait_for_selector("[data-item-id]")
            times = page.evaluate(
                """(clicks) => {
                  const items = [...document.querySelectorAll('[data-item-id]')];
                  const out = [];
                  for (let i = 0; i < clicks; i++) {
                    const item = items[i * Math.floor(items.length / clicks)];
                    const start = performance.now();
                    item.querySelector('input').click();
                    item.querySelector('[data-action=check]').click();
                    if (!item.querySelector('[data-quiz-feedback]').textContent.trim()) {
                      throw new Error('no feedback after a click');
                    }
                    out.push(performance.now() - start);
                  }
                  return out;
                }""",
                clicks,
            )
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"quiz click-to-feedback, {n:,}-item bank: median {statistics.median(times):.2f} ms, "
        f"max {max(times):.2f} ms over {clicks} answers (one frame is 16.7 ms)"
    )


def explorer_speed() -> None:
    """Grid, static and live-update times for every explorer of the course."""
    from coursekit.chapters import explorer_parts
    from coursekit.explore.engine import benchmark_explorers

    for name, ms in benchmark_explorers(explorer_parts()).items():
        print(f"  {name:36s} {ms:8.1f} ms")


def pdf_speed(site: Path, dest: Path) -> None:
    """Time `coursekit pdf`'s work on the built book: pages, sheets and seconds."""
    if not Path(CHROMIUM).exists():
        print(f"printed course: skipped ({CHROMIUM} not found)")
        return
    from coursekit.teaching.pdf import print_course

    start = time.perf_counter()
    report = print_course(site, dest, root=ROOT, chromium=CHROMIUM)
    seconds = time.perf_counter() - start
    print(
        f"printed course: {seconds:5.1f} s for {len(report.sections)} pages of the book, "
        f"{report.course_pages} sheets (course) and {report.answer_key_pages} (answer key)"
    )


def main() -> None:
    """Run every benchmark and print its figures."""
    out = Path(tempfile.mkdtemp(prefix="coursekit-bench-"))
    build = [str(BIN / "jupyter-book"), "build", ".", "--path-output", str(out), "-W"]
    try:
        clean = timed(build)
        rebuild = timed(build)
        print(f"clean build (execute all notebooks): {clean:7.1f} s")
        print(f"no-change rebuild:                   {rebuild:7.1f} s")
        page_weights(out / "_build" / "html")
        pdf_speed(out / "_build" / "html", out / "pdf")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    nbmake = timed(
        [str(BIN / "pytest"), "-q", "-n", "2", "--nbmake", "book", "-p", "no:cacheprovider"]
    )
    print(f"pytest --nbmake (2 workers):         {nbmake:7.1f} s")
    check = timed([str(BIN / "coursekit"), "check"])
    print(f"coursekit check (whole course):      {check:7.1f} s")
    bare = timed([sys.executable, "-c", "pass"])
    imported = timed([sys.executable, "-c", "import coursekit"])
    print(
        f"import coursekit: {max(imported - bare, 0) * 1000:5.0f} ms (interpreter start subtracted)"
    )
    quiz_click_speed()
    explorer_speed()


if __name__ == "__main__":
    main()
