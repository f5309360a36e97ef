"""Benchmarks for `make bench`: build and execution times, page and asset sizes, widget speed.

These are measurements, not tests: the machines are noisy, so nothing here fails on a number.
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


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="coursekit-bench-"))
    build = [
        str(BIN / "jupyter-book"),
        "build",
        ".",
        "--path-output",
        str(out),
        "-W",
        "--keep-going",
    ]
    try:
        clean = timed(build)
        rebuild = timed(build)
        site = out / "_build" / "html"
        pages = [
            p
            for p in site.rglob("*.html")
            if "_static" not in p.parts and p.name not in {"search.html", "genindex.html"}
        ]
        sizes = [p.stat().st_size for p in pages]
        static = site / "_static"
        shared = [
            static / "coursekit-charts.js",
            static / "quiz.js",
            static / "quiz.css",
            static / "coursekit.css",
            *sorted((static / "vendor").glob("*.js")),
        ]
        shared_bytes = {p.name: p.stat().st_size for p in shared if p.exists()}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    nbmake = timed(
        [str(BIN / "pytest"), "-q", "-n", "2", "--nbmake", "book", "-p", "no:cacheprovider"]
    )

    bare = timed([sys.executable, "-c", "pass"])
    imported = timed([sys.executable, "-c", "import coursekit"])

    print(f"clean build (execute all notebooks): {clean:7.1f} s")
    print(f"no-change rebuild:                   {rebuild:7.1f} s")
    print(f"pytest --nbmake (2 workers):         {nbmake:7.1f} s")
    print(
        f"pages: {len(sizes)}; bytes per page median {statistics.median(sizes):,.0f}, "
        f"max {max(sizes):,.0f}"
    )
    print(f"shared assets: {sum(shared_bytes.values()):,} bytes in {len(shared_bytes)} files")
    for name, size in shared_bytes.items():
        print(f"  {name:24s} {size:>10,}")
    print(
        f"import coursekit: {max(imported - bare, 0) * 1000:5.0f} ms (interpreter start subtracted)"
    )
    try:
        from coursekit.widgets import benchmark_explorers
    except ImportError:
        return
    for name, ms in benchmark_explorers().items():
        print(f"  {name:36s} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
