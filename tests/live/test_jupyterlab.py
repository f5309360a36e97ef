"""The course as instructors run it: JupyterLab, jupyterlab-myst and live widgets.

One JupyterLab server is started on 127.0.0.1 (random free port, a token, no browser) in
its own process group, serving a freshly prepared working copy (``coursekit.lab.prepare``)
in a temporary folder, with its own Jupyter config, data and runtime folders (the course's
``binder/jupyter-config`` is the only shared configuration). Server-side HTTP(S) goes through
a local recording "proxy" that refuses every connection, so a request to another host is
both blocked and counted.

For every notebook, in the system Chromium with every non-local request aborted: open it,
Run All Cells, wait for every cell to finish, then assert

* no error output (tracebacks or stderr);
* no raw MyST role or directive text in any rendered markdown cell;
* every widget live (no "Error displaying widget");
* every chart drawn: an SVG with marks, made by vl-convert (never JupyterLab's own
  Vega renderer);
* one interaction per explorer changes its chart;
* no console error and no request to another host.

Kernels are shut down after each notebook; the server's process group, and any process
it started that is still running, are terminated at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coursekit.teaching import pdf as _pdf

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
# The same system Chromium and start-up flags as the browser tests and `coursekit pdf`.
CHROMIUM = _pdf.CHROMIUM
CHROMIUM_ARGS = list(_pdf.CHROMIUM_ARGS)
NOTEBOOKS = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "book").rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
RUN_TIMEOUT_S = 180
SHOTS = Path(tempfile.gettempdir()) / "coursekit-live"
README_NOTEBOOK = "book/ptsd/04-fear-learning.ipynb"

# Raw MyST that should never reach the reader: a role (``{name}`` followed by its content),
# a directive fence or option line, or a target label.
RAW_MYST = [
    re.compile(r"\{(?:cite|glue|term|doc|ref|numref|ck|eq|download|bibliography)[\w:.-]*\}"),
    re.compile(r"\{[a-z][\w.-]*(?::[\w.-]+)?\}`"),
    re.compile(r"(?m)^\s*(?:```|~~~|:::)\s*\{?[a-z]"),
    re.compile(r"(?m)^\s*:(?:class|name|label|open|width|align):"),
    re.compile(r"(?m)^\s*\([\w.-]+\)=\s*$"),
    re.compile(r"[Uu]nknown (?:directive|role)"),
]


# ---------------------------------------------------------------- server-side requests
class _Recorder:
    """A local "proxy" that records every connection attempt and refuses it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    line = conn.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
                    self.requests.append(line or "(connection without a request line)")
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._sock.close()


# ---------------------------------------------------------------- the server
@dataclass
class Lab:
    base: str
    token: str
    root: Path
    recorder: _Recorder
    log: Path
    timings: dict[str, float] = field(default_factory=dict)
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> list[object]:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _stop(proc: subprocess.Popen, known: list[object]) -> None:
    """Terminate the server's process group, then any process it started that survived."""
    import psutil

    known = [*known, *_descendants(proc.pid)]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    _, alive = psutil.wait_procs(known, timeout=10)
    for child in alive:  # kernels run in sessions of their own: end them by pid
        with contextlib.suppress(psutil.Error):
            child.kill()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    from coursekit.lab import prepare

    tmp = tmp_path_factory.mktemp("live-lab")
    started = time.perf_counter()
    course = tmp / "course"
    report = prepare(ROOT, course)
    assert not report.problems, "\n".join(report.problems)
    prepared = time.perf_counter() - started

    config, data, runtime = tmp / "config", tmp / "data", tmp / "runtime"
    settings = config / "lab" / "user-settings" / "@jupyterlab"
    for path, values in {
        # every cell attached to the page (the test sees all of them); no kernel dialog
        settings / "notebook-extension" / "tracker.jupyterlab-settings": {
            "windowingMode": "none",
            "autoStartDefaultKernel": True,
        },
        settings / "apputils-extension" / "notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        # the test opens notebooks through the app instead of reloading the page
        config / "labconfig" / "page_config.json": {"exposeAppInBrowser": True},
    }.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    data.mkdir()
    runtime.mkdir()
    recorder = _Recorder()
    proxy = f"http://127.0.0.1:{recorder.port}"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_PATH": str(ROOT / "binder" / "jupyter-config"),
        "IPYTHONDIR": str(tmp / "ipython"),
        "HTTP_PROXY": proxy,
        "HTTPS_PROXY": proxy,
        "ALL_PROXY": proxy,
        "http_proxy": proxy,
        "https_proxy": proxy,
        "all_proxy": proxy,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    env.pop("COURSEKIT_OUTPUT", None)  # live, not the book
    env.pop("COURSEKIT_ROOT", None)
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={course}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    log = tmp / "jupyterlab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=course,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Lab(f"http://127.0.0.1:{port}", token, course, recorder, log)
    server.timings["prepare working copy (s)"] = prepared
    known: list[object] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, ValueError):
                server.api("GET", "/api/status")
                break
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        server.timings["server start (s)"] = time.perf_counter() - started - prepared
        known = _descendants(proc.pid)
        yield server
    finally:
        _stop(proc, known)
        recorder.close()
        SHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(log, SHOTS / "jupyterlab.log")  # kept for diagnosis
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# ---------------------------------------------------------------- page scripts
STATE_JS = r"""() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const code = cells.filter(c => c.classList.contains('jp-CodeCell'));
  const prompts = code.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || '');
  return {
    cells: cells.length,
    code: code.length,
    done: prompts.filter(p => /\[\d+\]/.test(p)).length,
    busy: prompts.filter(p => p.includes('*')).length,
    charts: document.querySelectorAll('.jp-Notebook .ck-chart-live svg').length,
    widgets: document.querySelectorAll('.jp-Notebook .jupyter-widgets').length,
  };
}"""

PROMPTS_JS = r"""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
  .map(c => c.querySelectorAll('.jp-OutputArea-child').length + ' output(s)')"""
# ``expected`` = indexes (among all cells) of the code cells that must show an output.
OUTPUTS_JS = r"""(expected) => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return expected.every(i => cells[i] && cells[i].querySelector('.jp-OutputArea-child'));
}"""
KERNEL_READY_JS = r"""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
  .some(e => /\(ipykernel\) \| Idle/.test(e.textContent))"""
IDLE_JS = r"""() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status
  === 'idle'"""

REPORT_JS = r"""() => {
  const nb = document.querySelector('.jp-Notebook');
  const text = e => (e.textContent || '').trim();
  const markdown = [...nb.querySelectorAll('.jp-MarkdownCell')].map(cell => {
    // jupyterlab-myst renders into a .myst widget next to the (hidden) editor
    const shown = cell.querySelector('.jp-InputArea > .myst');
    return {rendered: cell.classList.contains('jp-mod-rendered') && !!shown,
            text: shown ? shown.textContent : '', head: text(cell).slice(0, 80)};
  });
  const errors = [...nb.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => text(e).slice(0, 400));
  // widget views are the outputs without a MIME type of their own
  const widgetOutputs = [...nb.querySelectorAll(
    '.jp-OutputArea-output:not([data-mime-type]):not(.jp-TrimmedOutputs)')];
  const trimmed = [...nb.querySelectorAll('.jp-TrimmedOutputs')]
    .filter(e => e.checkVisibility()).length;
  const deadWidgets = widgetOutputs.filter(o => !o.querySelector('.jupyter-widgets'))
    .map(o => text(o).slice(0, 200));
  const widgetErrors = nb.textContent.match(
    /Error displaying widget[^\n]{0,80}|model not found/g) || [];
  const charts = [...nb.querySelectorAll('.ck-chart-live')].map(f => ({
    marks: f.querySelectorAll('svg path, svg line, svg rect, svg text').length,
    desc: text(f.querySelector('.ck-chart-desc') || f).slice(0, 60),
  }));
  const vegaEmbeds = nb.querySelectorAll(
    '.vega-embed, [data-mime-type^="application/vnd.vegalite"]').length;
  const explorers = widgetOutputs.filter(o => !o.parentElement.closest('.jp-OutputArea-output'))
    .filter(o => o.querySelector('.ck-chart-live')).length;
  const mimes = [...nb.querySelectorAll('.jp-OutputArea-output')].map(o =>
    (o.getAttribute('data-mime-type') || '?') + ' ' + o.className + ' > ' +
    [...o.children].map(c => c.className).join(' | '));
  return {mimes, trimmed, markdown, errors, deadWidgets, widgetErrors, charts, vegaEmbeds,
          explorers, widgetOutputs: widgetOutputs.length};
}"""

# Change the first control of explorer number ``i``; return the control's kind, or null.
INTERACT_JS = r"""(i) => {
  const outs = [...document.querySelectorAll(
      '.jp-Notebook .jp-OutputArea-output:not([data-mime-type])')]
    .filter(o => !o.parentElement.closest('.jp-OutputArea-output'))
    .filter(o => o.querySelector('.ck-chart-live'));
  const box = outs[i];
  const select = box.querySelector('.widget-dropdown select');
  const radios = [...box.querySelectorAll('.widget-radio-box input[type=radio]')];
  const handle = box.querySelector('.widget-slider .noUi-handle');
  const first = [select, radios[0], handle].filter(Boolean)
    .sort((a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1)[0];
  if (!first) return null;
  if (first === select) {
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    select.dispatchEvent(new Event('change', {bubbles: true}));
    return 'select';
  }
  if (first === radios[0]) {
    const other = radios.find(r => !r.checked);
    other.click();
    return 'radio';
  }
  return 'slider';
}"""

CHART_OF_JS = r"""(i) => {
  const outs = [...document.querySelectorAll(
      '.jp-Notebook .jp-OutputArea-output:not([data-mime-type])')]
    .filter(o => !o.parentElement.closest('.jp-OutputArea-output'))
    .filter(o => o.querySelector('.ck-chart-live'));
  const chart = outs[i] && outs[i].querySelector('.ck-chart-live');
  return chart ? chart.outerHTML : '';
}"""

SLIDER_JS = r"""(i) => {
  const outs = [...document.querySelectorAll(
      '.jp-Notebook .jp-OutputArea-output:not([data-mime-type])')]
    .filter(o => !o.parentElement.closest('.jp-OutputArea-output'))
    .filter(o => o.querySelector('.ck-chart-live'));
  const handle = outs[i].querySelector('.widget-slider .noUi-handle');
  handle.scrollIntoView();
  handle.focus();
  return handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemax');
}"""


def _cells_with_output(path: Path) -> list[int]:
    """Indexes of the code cells that display something (all but ``remove-cell`` ones)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        and "remove-cell" not in cell.get("metadata", {}).get("tags", [])
        and cell["source"]
    ]


OPENED_JS = r"""(path) => {
  const panels = [...document.querySelectorAll('.jp-NotebookPanel')]
    .filter(p => !p.classList.contains('lm-mod-hidden'));
  return panels.length === 1 && !!panels[0].querySelector('.jp-Notebook .jp-Cell')
    && [...document.querySelectorAll('.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel')]
      .some(e => e.textContent === path.split('/').pop());
}"""
OPEN_JS = r"""async (path) => {
  const app = window.jupyterapp;
  await app.restored;
  for (const widget of [...app.shell.widgets('main')]) {
    if (widget.context) widget.context.model.dirty = false;  // closed without a save dialog
    widget.dispose();
  }
  await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
}"""


def _open_notebook(page: object, lab: Lab, notebook: str) -> None:
    """Open ``notebook`` as the only document. The first time loads JupyterLab (with a fresh
    workspace); later notebooks are opened by the running app, as from its file browser."""
    if not page.url.startswith(lab.base) or not page.evaluate("() => !!window.jupyterapp"):
        page.goto(f"{lab.base}/lab/tree/{notebook}?reset&token={lab.token}")
    else:
        page.evaluate(OPEN_JS, notebook)
    try:
        _wait(page, OPENED_JS, 90, notebook)
    except Exception:
        state = page.evaluate(
            "() => [document.title, document.querySelectorAll('.jp-NotebookPanel').length,"
            " [...document.querySelectorAll('.lm-TabBar-tabLabel')].map(e => e.textContent)]"
        )
        pytest.fail(f"{notebook} did not open: {state}")


def _explorer_cells(path: Path) -> int:
    """How many code cells at least show an explorer (those calling ``..._explorer(...)``;
    others, such as timelines, may be explorers too)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(
        1
        for cell in cells
        if cell["cell_type"] == "code" and re.search(r"_explorer\(", "".join(cell["source"]))
    )


def _wait(page: object, predicate: str, timeout_s: float, arg: object = None) -> object:
    return page.wait_for_function(predicate, arg=arg, timeout=timeout_s * 1000, polling=250)


@dataclass
class Log:
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    vega_warnings: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def tab(browser: object, lab: Lab) -> Iterator[tuple[object, Log]]:
    """One browser tab for every notebook (JupyterLab's files stay cached), logging what it
    does; each test starts with a fresh :class:`Log`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log = Log()

    def route(route_obj: object) -> None:
        url = route_obj.request.url
        if url.startswith((lab.base, "data:", "blob:", "about:")):
            route_obj.continue_()
        else:
            log.blocked.append(url)
            route_obj.abort()

    def console(msg: object) -> None:
        if msg.type == "error":
            log.console_errors.append(f"{msg.text[:300]} @ {msg.location}")
        elif re.search(r"vega|Vega-Lite", msg.text):
            log.vega_warnings.append(msg.text[:300])

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda err: log.console_errors.append(f"page error: {err}"))
    try:
        yield page, log
    finally:
        context.close()


def _shutdown_kernels(lab: Lab, path: str) -> None:
    for session in lab.api("GET", "/api/sessions") or []:
        if session.get("path") == path:
            lab.api("DELETE", f"/api/sessions/{session['id']}")


def _raw_myst(text: str) -> list[str]:
    return [m.group(0) for pattern in RAW_MYST for m in pattern.finditer(text)]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_live(lab: Lab, tab: tuple[object, Log], notebook: str) -> None:
    page, log = tab
    log.blocked.clear()
    log.console_errors.clear()
    log.vega_warnings.clear()
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = time.perf_counter() - started - sum(phases.values())

    try:
        _open_notebook(page, lab, notebook)
        phase("open")
        _wait(page, KERNEL_READY_JS, 120)  # the kernel has started and is connected
        phase("kernel")
        page.locator("div.lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator("li[data-command='runmenu:run-all']").click()
        # Every code cell has run (the cells whose input is hidden show no prompt: each
        # one that displays something has an output), the kernel is idle, and nothing is
        # drawn any more.
        expected = _cells_with_output(lab.root / notebook)
        try:
            _wait(page, OUTPUTS_JS, RUN_TIMEOUT_S, expected)
            _wait(page, IDLE_JS, RUN_TIMEOUT_S)
        except Exception:
            shot = SHOTS / (notebook.replace("/", "_") + ".png")
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
            pytest.fail(f"{notebook}: Run All did not finish: {page.evaluate(PROMPTS_JS)}; {shot}")
        phase("run")
        last, stable_since = None, time.monotonic()
        while time.monotonic() - stable_since < 1.0:
            state = page.evaluate(STATE_JS)
            if state != last:
                last, stable_since = state, time.monotonic()
            page.wait_for_timeout(250)
        report = page.evaluate(REPORT_JS)
        if os.environ.get("CK_DEBUG"):
            print(json.dumps(report["mimes"], indent=1))

        assert not report["errors"], f"{notebook}: error output: {report['errors']}"
        unrendered = [m["head"] for m in report["markdown"] if not m["rendered"]]
        assert not unrendered, f"{notebook}: markdown cells not rendered: {unrendered}"
        raw = {m["head"][:40]: found for m in report["markdown"] if (found := _raw_myst(m["text"]))}
        assert not raw, f"{notebook}: raw MyST visible: {raw}"
        assert not report["trimmed"], f"{notebook}: a 'Show more outputs' button is shown"
        assert not report["widgetErrors"], f"{notebook}: {report['widgetErrors']}"
        assert not report["deadWidgets"], f"{notebook}: widgets not drawn: {report['deadWidgets']}"
        blank = [c["desc"] for c in report["charts"] if c["marks"] < 3]
        assert not blank, f"{notebook}: charts not drawn: {blank}"
        assert report["vegaEmbeds"] == 0, f"{notebook}: JupyterLab's Vega renderer was used"

        phase("check")
        explorers = _explorer_cells(lab.root / notebook)
        assert report["explorers"] >= explorers, (
            f"{notebook}: {report['explorers']} live explorers drawn, {explorers} expected"
        )
        lab.counts[notebook] = {
            "markdown cells": len(report["markdown"]),
            "charts": len(report["charts"]),
            "widget outputs": report["widgetOutputs"],
            "explorers": report["explorers"],
        }
        for i in range(report["explorers"]):
            # A redraw replaces a chart: wait until every explorer shows one before acting.
            _wait(
                page,
                f"(n) => [...Array(n).keys()].every(k => ({CHART_OF_JS})(k) !== '')",
                30,
                report["explorers"],
            )
            before = page.evaluate(CHART_OF_JS, i)
            kind = page.evaluate(INTERACT_JS, i)
            assert kind, f"{notebook}: explorer {i + 1} has no control"
            if kind == "slider":
                at_max = page.evaluate(SLIDER_JS, i)
                page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            _wait(
                page,
                f"([i, before]) => {{ const c = ({CHART_OF_JS})(i); return c && c !== before; }}",
                30,
                [i, before],
            )
        page.wait_for_timeout(300)
        phase("interact")
        if notebook == README_NOTEBOOK:
            _readme_screenshot(page)
        after = page.evaluate(REPORT_JS)
        assert not after["errors"], f"{notebook}: error output after interacting: {after['errors']}"

        assert not log.console_errors, f"{notebook}: console errors: {log.console_errors}"
        assert not log.vega_warnings, f"{notebook}: Vega warnings: {log.vega_warnings}"
        assert not log.blocked, f"{notebook}: requests to other hosts: {log.blocked}"
    finally:
        with contextlib.suppress(Exception):
            _shutdown_kernels(lab, notebook)
        lab.timings[notebook] = time.perf_counter() - started
        lab.phases[notebook] = phases


def _readme_screenshot(page: object) -> None:
    """The README's picture of the course live; copied into docs/ by ``make screenshots``."""
    shot = SHOTS / "jupyterlab.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000, "the JupyterLab screenshot looks empty"
    if os.environ.get("COURSEKIT_UPDATE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots" / "jupyterlab.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, target)


PAGES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "book").rglob("*.md")
    if ".ipynb_checkpoints" not in p.parts
)
PREVIEW_JS = r"""async (path) => {
  const app = window.jupyterapp;
  await app.restored;
  for (const widget of [...app.shell.widgets('main')]) {
    if (widget.context) widget.context.model.dirty = false;
    widget.dispose();
  }
  await app.commands.execute('docmanager:open', {path, factory: 'Markdown Preview'});
}"""
PREVIEW_TEXT_JS = r"""() => {
  const view = document.querySelector('.jp-MarkdownViewer:not(.lm-mod-hidden) .myst');
  return view ? view.textContent : null;
}"""


def _solution_snippets(md_page: str) -> list[str]:
    """Five plain words from each model answer on ``md_page`` (and only there)."""
    from coursekit.teaching import find_exercises

    snippets = []
    for exercise in find_exercises(ROOT / "book"):
        if f"{exercise.page}.md" != md_page or not exercise.solution:
            continue
        source = (ROOT / md_page).read_text(encoding="utf-8")
        words = r"(?<![\w{`])(?:[A-Za-z]{2,} ){4}[A-Za-z]{2,}(?![\w`])"
        # a run of words found only in the answer, so that it cannot match the task's text
        unique = [m.group(0) for m in re.finditer(words, exercise.solution)]
        unique = [run for run in unique if source.count(run) == 1]
        if unique:
            snippets.append(unique[0])
    return snippets


@pytest.mark.parametrize("md_page", PAGES)
def test_page_previews_as_myst(lab: Lab, tab: tuple[object, Log], md_page: str) -> None:
    """The MyST pages, opened with Open With > Markdown Preview, show no raw MyST."""
    page, log = tab
    log.blocked.clear()
    log.console_errors.clear()
    if not page.url.startswith(lab.base) or not page.evaluate("() => !!window.jupyterapp"):
        page.goto(f"{lab.base}/lab?reset&token={lab.token}")
        _wait(page, "() => !!window.jupyterapp", 90)
    page.evaluate(PREVIEW_JS, md_page)
    # jupyterlab-myst shows a placeholder ("MyST Renderer!") until a long page is rendered
    _wait(page, f"() => (({PREVIEW_TEXT_JS})() || '').length > 100", 60)
    page.wait_for_timeout(500)
    text = page.evaluate(PREVIEW_TEXT_JS)
    assert len(text) > 100, f"{md_page}: preview is empty"
    assert not _raw_myst(text), f"{md_page}: raw MyST visible: {_raw_myst(text)[:10]}"
    view = page.locator(".jp-MarkdownViewer:not(.lm-mod-hidden) .myst")
    for snippet in _solution_snippets(md_page):
        # the model answer is collapsed when the page opens, and opens from its title
        answer = view.get_by_text(snippet).first
        assert answer.count() == 1, f"{md_page}: model answer not rendered: {snippet!r}"
        assert not answer.is_visible(), f"{md_page}: model answer shown at load: {snippet!r}"
    if _solution_snippets(md_page):
        view.get_by_text(re.compile(r"^Solution to")).first.click()
        first = view.get_by_text(_solution_snippets(md_page)[0]).first
        first.wait_for(state="visible", timeout=10_000)
    assert not log.console_errors, f"{md_page}: console errors: {log.console_errors}"
    assert not log.blocked, f"{md_page}: requests to other hosts: {log.blocked}"


def test_restart_and_run_all_keeps_widgets_live(lab: Lab, tab: tuple[object, Log]) -> None:
    """Kernel > Restart Kernel and Run All Cells on a page with an explorer and a quiz:
    the new widgets replace the old ones without "widget model not found"."""
    page, log = tab
    log.blocked.clear()
    log.console_errors.clear()
    notebook = "book/index.ipynb"
    started = time.perf_counter()
    try:
        _open_notebook(page, lab, notebook)
        _wait(page, KERNEL_READY_JS, 120)
        expected = _cells_with_output(lab.root / notebook)
        for command in ("runmenu:run-all", "runmenu:restart-and-run-all"):
            page.locator("div.lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(f"li[data-command='{command}']").click()
            if command.startswith("runmenu:restart"):
                page.locator(".jp-Dialog .jp-mod-accept").click()
                _wait(page, "() => !document.querySelector('.jp-Dialog')", 30)
                with contextlib.suppress(Exception):  # restarting: not idle for a moment
                    _wait(page, f"() => !({KERNEL_READY_JS})()", 10)
            _wait(page, OUTPUTS_JS, RUN_TIMEOUT_S, expected)
            _wait(page, KERNEL_READY_JS, RUN_TIMEOUT_S)
            # the explorer (the first widget to be redrawn) is back, and nothing changes
            _wait(page, f"() => ({REPORT_JS})().explorers >= 1", RUN_TIMEOUT_S)
            last, stable_since = None, time.monotonic()
            while time.monotonic() - stable_since < 2.0:
                state = page.evaluate(STATE_JS)
                if state != last:
                    last, stable_since = state, time.monotonic()
                page.wait_for_timeout(250)
        report = page.evaluate(REPORT_JS)
        assert not report["errors"], report["errors"]
        assert not report["widgetErrors"], report["widgetErrors"]
        assert not report["deadWidgets"], report["deadWidgets"]
        assert report["explorers"] >= 1 and all(c["marks"] >= 3 for c in report["charts"])
        assert not log.console_errors, f"console errors: {log.console_errors}"
        assert not log.blocked, f"requests to other hosts: {log.blocked}"
    finally:
        with contextlib.suppress(Exception):
            _shutdown_kernels(lab, notebook)
        lab.timings["restart and run all"] = time.perf_counter() - started


def test_server_made_no_external_requests(lab: Lab) -> None:
    """Runs after the notebooks: the server and kernels tried no other host either."""
    assert not lab.recorder.requests, lab.recorder.requests
    total = sum(lab.timings.values())
    print("\nlive timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in lab.timings.items()))
    print(f"live total (s): {total:.1f}")
    for notebook, phases in lab.phases.items():
        counts = ", ".join(f"{k} {v}" for k, v in lab.counts.get(notebook, {}).items())
        print(f"  {notebook}: " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
        print(f"    {counts}")
