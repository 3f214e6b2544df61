"""Open a local HTML page in headless Chromium over the DevTools protocol, offline.

Used by the report tests (and ``benchmarks/reports.py``) to check, as a
reader's browser would, that every image decoded, that the page asked for
nothing beyond its own file, and that its interactive explorers answer a
reader: type a term, click a point, read the KWIC lines. Every request to
anything but ``file:``, ``data:``, ``blob:`` or ``about:`` is refused before it
leaves the browser (the DevTools ``Fetch`` domain fails it) and recorded, so a
page that tries the network fails the test instead of quietly working
online. Only loopback is contacted (the DevTools websocket Chromium opens on
127.0.0.1).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    # nothing may reach the network even if a request slipped past the Fetch domain
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]

#: URL schemes a self-contained page may load from: its own file and inline data.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class PageCheck:
    def __init__(self, url: str, requests: list[str], images: list[dict], title: str,
                 failed: list[str] | None = None, errors: list[str] | None = None, open_ms: float | None = None):
        self.url, self.requests, self.images, self.title = url, requests, images, title
        self.failed = failed or []   #: requests that failed (refused or broken), as "url: reason"
        self.errors = errors or []   #: uncaught JavaScript exceptions and console errors
        self.open_ms = open_ms       #: milliseconds from navigation to load and every explorer ready

    @property
    def network_requests(self) -> list[str]:
        """Requests to anything but the page's own file and inline data."""
        return [r for r in self.requests if not r.startswith(LOCAL_SCHEMES)]


class Browser:
    """One headless Chromium with one page, driven over the DevTools protocol.

    ``with Browser() as b: b.open(path); b.evaluate("1 + 1")``. Every
    request the page makes is recorded in :attr:`requests`; any that is not
    local is refused (and recorded in :attr:`failed`); uncaught exceptions
    and ``console.error`` calls go to :attr:`errors`.
    """

    def __init__(self, *, timeout: float = 60.0, width: int = 1280, height: int = 900):
        self.timeout, self.width, self.height = timeout, width, height
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self._id = 0
        self._events: list[dict] = []
        self._urls: dict[str, str] = {}

    # -- lifecycle ---------------------------------------------------------
    def __enter__(self) -> "Browser":
        import websocket  # websocket-client, installed with jupyter

        exe = find_chromium()
        if exe is None:
            raise FileNotFoundError("chromium is not installed")
        self._profile = tempfile.mkdtemp(prefix="ct-chromium-")
        self._proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={self.width},{self.height}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            ws_url = None
            deadline = time.monotonic() + self.timeout
            while time.monotonic() < deadline and ws_url is None:
                line = self._proc.stderr.readline()
                m = re.search(r"DevTools listening on (ws://\S+)", line or "")
                if m:
                    ws_url = m.group(1)
                elif not line and self._proc.poll() is not None:
                    raise RuntimeError("chromium exited before DevTools was ready")
            if ws_url is None:
                raise TimeoutError("chromium did not start DevTools in time")
            port = re.search(r":(\d+)/", ws_url).group(1)
            import urllib.request

            # the page target (not the browser target) receives Page/Network events
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
                targets = json.load(resp)
            page_ws = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
            # no Origin header: Chromium 111+ rejects DevTools websockets from other origins
            self._ws = websocket.create_connection(page_ws, timeout=self.timeout, suppress_origin=True)
            self.send("Network.enable")
            self.send("Page.enable")
            self.send("Runtime.enable")
            # every request pauses here; only local ones go on (see _handle)
            self.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        ws = getattr(self, "_ws", None)
        if ws is not None:
            ws.close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- protocol ----------------------------------------------------------
    def _handle(self, msg: dict) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            self.requests.append(url)
            self._urls[params["requestId"]] = url
        elif method == "Network.loadingFailed":
            url = self._urls.get(params.get("requestId"), "?")
            self.failed.append(f"{url[:100]}: {params.get('errorText', '')}")
        elif method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):
                self._post("Fetch.continueRequest", requestId=params["requestId"])
            else:
                if url not in self.requests:
                    self.requests.append(url)
                self._post("Fetch.failRequest", requestId=params["requestId"], errorReason="BlockedByClient")
        elif method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            self.errors.append(d.get("exception", {}).get("description") or d.get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))

    def _post(self, method: str, **params) -> int:
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        return self._id

    def _recv(self) -> dict:
        msg = json.loads(self._ws.recv())
        if "method" in msg:
            self._handle(msg)
            self._events.append(msg)
        return msg

    def send(self, method: str, **params) -> dict:
        """Call a DevTools method and return its result (events meanwhile are handled)."""
        want = self._post(method, **params)
        while True:
            msg = self._recv()
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    # -- pages -------------------------------------------------------------
    def open(self, path: Path) -> str:
        """Navigate to the local file ``path`` and wait for its load event; returns its URL."""
        url = Path(path).resolve().as_uri()
        self._events.clear()
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path}: no load event after {self.timeout} s")
            self._recv()
        return url

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails'].get('text')} "
                               f"{result['result'].get('description', '')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, *, timeout: float = 10.0, interval: float = 0.05):
        """Poll until ``expression`` is truthy in the page; returns its value. Raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout} s: {expression[:120]}")
            time.sleep(interval)

    def settle(self, seconds: float = 0.3) -> None:
        """Let late scripts run (and any request they make be recorded)."""
        deadline = time.monotonic() + seconds
        self._ws.settimeout(0.05)
        try:
            while time.monotonic() < deadline:
                try:
                    self._recv()
                except Exception:  # websocket timeout: nothing arrived
                    pass
        finally:
            self._ws.settimeout(self.timeout)

    def type_into(self, selector: str, text: str, *, enter: bool = True) -> None:
        """Focus the element matching ``selector``, replace its text with ``text`` as typed keys, press Enter."""
        self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.focus(); e.select && e.select(); return true; }})()")
        self.send("Input.insertText", text=text)
        if enter:
            for kind in ("keyDown", "keyUp"):
                self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                          windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, text="\r" if kind == "keyDown" else "")

    def click(self, x: float, y: float) -> None:
        """A left click at viewport coordinates (x, y), as a mouse would."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def page_state(self) -> dict:
        """The page's title, its images' states, and its open time in ms.

        The open time is measured by the page's own clock (``performance``):
        the end of its load event, or the latest ``ct-explorer-ready`` mark an
        explorer set when it finished drawing, whichever is later.
        """
        return self.evaluate(
            "(() => { const nav = performance.getEntriesByType('navigation')[0];"
            " const marks = performance.getEntriesByName('ct-explorer-ready').map(m => m.startTime);"
            " return {title: document.title, images: Array.from(document.images).map(i => ({complete: i.complete,"
            " w: i.naturalWidth, h: i.naturalHeight, src: i.src.slice(0, 40)})),"
            " load_ms: nav ? nav.loadEventEnd : null, ready_ms: marks,"
            " explorers: document.querySelectorAll('.ct-explorer').length}; })()"
        )


def check_page(path: Path, *, timeout: float = 60.0, explorers_ready: float = 20.0) -> PageCheck:
    """Open ``path`` offline in headless Chromium; the requests it made, its images, its open time.

    Waits for every explorer on the page (``.ct-explorer``) to say it is
    ready (``data-ready``), up to ``explorers_ready`` seconds.
    """
    with Browser(timeout=timeout) as b:
        url = b.open(path)
        try:
            b.wait_for("Array.from(document.querySelectorAll('.ct-explorer'))"
                       ".every(e => e.dataset.ready === '1')", timeout=explorers_ready)
        except TimeoutError:
            b.errors.append("an explorer did not get ready")
        # give late scripts a moment to issue requests, then collect image states
        b.settle(0.5)
        state = b.page_state()
        opened = max([state["load_ms"] or 0.0, *state["ready_ms"]])
        return PageCheck(url, list(b.requests), state["images"], state["title"], list(b.failed),
                         list(b.errors), opened)


#: Set by ``make test`` (and implied by ``CI=true``): the browser test fails, never skips,
#: when Chromium is missing.
REQUIRE_ENV = "CORPUS_TOOLS_REQUIRE_BROWSER"


def chromium_required() -> bool:
    """Whether the browser test must run: under CI, and under ``make test`` (``$CORPUS_TOOLS_REQUIRE_BROWSER``).

    A plain ``pytest`` elsewhere may skip it, with the reason printed loudly at
    the end of the run (``tests/conftest.py``).
    """
    return os.environ.get("CI", "").lower() == "true" or os.environ.get(REQUIRE_ENV, "") == "1"


def ensure_chromium(*, install: bool = True) -> str:
    """The path of a Chromium executable, installing it the way ``.ci/run`` does if it is missing.

    Installs (``apt-get install chromium``) only when ``install`` is true, the
    process runs as root and ``apt-get`` exists. Raises RuntimeError saying why
    there is no Chromium otherwise, or if the installation failed.
    """
    exe = find_chromium()
    if exe:
        return exe
    if not install:
        raise RuntimeError("Chromium is not installed (looked for chromium, chromium-browser, google-chrome on PATH)")
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise RuntimeError(
            "Chromium is not installed, and this is not root, so it cannot be installed here: "
            "install it (e.g. `sudo apt-get install chromium`) and run `make test` again"
        )
    if shutil.which("apt-get") is None:
        raise RuntimeError("Chromium is not installed and apt-get is not available to install it: install Chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"installing Chromium failed at `{' '.join(cmd)}`: {tail[0]}")
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("apt-get installed chromium but no chromium executable is on PATH")
    return exe


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.browser --ensure``: find or install Chromium for ``make test``; say why not."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--ensure", action="store_true", help="install Chromium if missing (root + apt-get)")
    args = parser.parse_args(argv)
    try:
        exe = ensure_chromium(install=args.ensure)
    except RuntimeError as exc:
        print(f"make test: the report browser check cannot run: {exc}.", file=sys.stderr)
        return 1
    print(f"Chromium for the report browser check: {exe}")
    return 0




# ---------------------------------------------------------------------------
# The interactive explorers (corpus_tools.explore): read their data, drive them
# ---------------------------------------------------------------------------
# nbconvert re-serializes the page (attributes in alphabetical order): match the class wherever it is
_PAYLOAD = re.compile(r'<script\b(?=[^>]*\bclass="ct-explorer-data")[^>]*>(.*?)</script>', re.S)


def explorer_payloads(page: str) -> list[dict]:
    """The data of every explorer on a page, as embedded (columnar tables), in page order."""
    return [json.loads(m.group(1)) for m in _PAYLOAD.finditer(page)]


def _column(values):
    """A column as the page embeds it: a list, or ``{"levels", "codes"}`` for repeated text."""
    return [values["levels"][c] for c in values["codes"]] if isinstance(values, dict) else values


def _rows(table: dict) -> list[dict]:
    cols = {c: _column(v) for c, v in table.items()}
    return [dict(zip(cols, vals)) for vals in zip(*cols.values())] if cols else []


_PANEL_LINES = (
    "Array.from(document.querySelectorAll('.ct-explorer')[{i}].querySelectorAll('table.ct-kwic tr'))"
    ".map(tr => Array.from(tr.cells).map(td => td.textContent))"
)


def _lines_shown(b: Browser, i: int) -> set[tuple[str, str, str]]:
    return {(r[1], r[2], r[3]) for r in b.evaluate(_PANEL_LINES.format(i=i))}


def _type_term(b: Browser, i: int, term: str) -> None:
    b.evaluate(f"document.querySelectorAll('.ct-explorer')[{i}].scrollIntoView()")
    sel = f"document.querySelectorAll('.ct-explorer')[{i}].querySelector('input[type=search]')"
    b.evaluate(f"(() => {{ const e = {sel}; e.focus(); e.select(); return true; }})()")
    b.send("Input.insertText", text=term)
    for kind in ("keyDown", "keyUp"):
        b.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
               nativeVirtualKeyCode=13, text="\r" if kind == "keyDown" else "")


def _point_on_screen(b: Browser, i: int, x: float, y: float, others: list[tuple[float, float]],
                     labels: list[tuple[float, float, str]] = ()) -> list | None:
    """Viewport coordinates of data point (x, y) on explorer i's chart, or None if it is not clear to click.

    Not clear: another point within 6 px, or under a label's text (drawn up and
    to the right of its point, about 7 px a character and 16 px high).
    """
    return b.evaluate(
        f"""(() => {{
        const root = document.querySelectorAll('.ct-explorer')[{i}]; const v = root.ctView;
        const sx = v.scale('x'), sy = v.scale('y'), o = v.origin();
        const r = root.querySelector('.ct-chart canvas').getBoundingClientRect();
        const px = sx({x}), py = sy({y});
        const near = {json.dumps(others)}.some(([a, c]) => Math.hypot(sx(a) - px, sy(c) - py) < 6)
          || {json.dumps(list(labels))}.some(([a, c, t]) => {{ const lx = sx(a), ly = sy(c);
               return px > lx - 6 && px < lx + 12 + 8 * t.length && py > ly - 26 && py < ly + 6; }});
        if (near || !(px >= 0 && py >= 0 && px <= v.width() && py <= v.height())) return null;
        const pad = v.padding();  // the origin is measured inside the padding
        return [r.left + pad.left + o[0] + px, r.top + pad.top + o[1] + py];
        }})()"""
    )


def drive_explorers(b: Browser, payloads: list[dict], *, click: bool = True) -> list[str]:
    """Use every explorer on the open page as a reader would; the problems found (``[]``: none).

    Distinctive terms: type a term with embedded KWIC lines and check that
    exactly its lines (from each group) appear; click a point and check that
    its term and lines appear. Terms: type a term, check its lines and
    collocates. Topics: choose another topic and λ, check the top terms
    listed are the embedded ones for that topic and λ, in rank order, and
    that the topic's paragraphs appear.
    """
    problems: list[str] = []
    for i, p in enumerate(payloads):
        t = p["tables"]
        b.evaluate(f"document.querySelectorAll('.ct-explorer')[{i}].scrollIntoView()")
        if p["kind"] in ("distinctive", "terms"):
            lines = _rows(t["kwic"])
            if p["kind"] == "distinctive":
                terms = list(dict.fromkeys(r["term"] for r in lines))
                name = lambda r: r["term"]  # noqa: E731
            else:
                vocab = _column(t["vocab"]["term"])
                terms = list(dict.fromkeys(vocab[r["t"]] for r in lines))
                name = lambda r: vocab[r["t"]]  # noqa: E731
            if not terms:
                problems.append(f"explorer {i} ({p['kind']}): no term has KWIC lines")
                continue
            term = terms[min(1, len(terms) - 1)]
            want = {(r["left"], r["keyword"], r["right"]) for r in lines if name(r) == term}
            _type_term(b, i, term)
            try:
                b.wait_for(f"(() => {{ const s = new Set({_PANEL_LINES.format(i=i)}.map(r => r[2])); "
                           f"return s.size > 0 && [...s].every(k => {json.dumps(sorted({w[1] for w in want}))}.includes(k)); }})()",
                           timeout=10)
            except TimeoutError:
                pass
            shown = _lines_shown(b, i)
            if shown != want:
                problems.append(f"explorer {i} ({p['kind']}): typed {term!r}, saw {len(shown)} lines, "
                                f"expected {len(want)}: {sorted(want - shown)[:2]} missing")
            if p["kind"] == "terms":
                coll = [r["collocate"] for r in _rows(t["collocates"]) if vocab[r["t"]] == term]
                text = b.evaluate(f"document.querySelectorAll('.ct-explorer')[{i}].querySelector('.ct-panel').innerText")
                missing = [c for c in coll if c not in text]
                if missing:
                    problems.append(f"explorer {i} (terms): collocates of {term!r} not shown: {missing[:3]}")
            if click and p["kind"] == "distinctive":
                group = p["state"]["group"]
                pts = [r for r in _rows(t["points"]) if r["group"] == group]
                with_lines = set(terms)
                spot = None
                labels = [(o["freq"], o["z"], o["term"]) for o in pts if o["label"] or o["term"] == term]
                for r in pts:
                    if r["term"] in with_lines and r["term"] != term and not r["label"]:
                        others = [(o["freq"], o["z"]) for o in pts if o is not r]
                        spot = _point_on_screen(b, i, r["freq"], r["z"], others, labels)
                        if spot:
                            target = r["term"]
                            break
                if spot is None:
                    problems.append(f"explorer {i}: no point to click clear of its neighbours")
                    continue
                b.click(*spot)
                try:
                    b.wait_for(f"document.querySelectorAll('.ct-explorer')[{i}].querySelector('input[type=search]')"
                               f".value === {json.dumps(target)}", timeout=10)
                except TimeoutError:
                    problems.append(f"explorer {i}: clicking {target!r} did not choose it")
                    continue
                want = {(r["left"], r["keyword"], r["right"]) for r in lines if r["term"] == target}
                if _lines_shown(b, i) != want:
                    problems.append(f"explorer {i}: clicked {target!r}, its KWIC lines did not appear")
        elif p["kind"] == "topics":
            topics = _column(t["topics"]["topic"])
            topic = topics[-1]
            lam10 = 2 if p["state"]["lam10"] != 2 else 9
            b.evaluate(f"""(() => {{ const root = document.querySelectorAll('.ct-explorer')[{i}];
                const sel = root.querySelector('select'); sel.value = '{topic}'; sel.dispatchEvent(new Event('change'));
                const s = root.querySelector('input[type=range]'); s.value = '{lam10}'; s.dispatchEvent(new Event('input'));
                return true; }})()""")
            want = [r["term"] for r in sorted((r for r in _rows(t["terms"]) if r["topic"] == topic and r["lam10"] == lam10),
                                              key=lambda r: r["rank"])]
            shown = b.evaluate(f"document.querySelectorAll('.ct-explorer')[{i}].querySelector('.ct-terms').textContent")
            if not shown.endswith(": " + ", ".join(want)):
                problems.append(f"explorer {i} (topics): topic {topic} at λ={lam10 / 10}: {shown[:120]!r}")
            units = [r["text"] for r in _rows(t["units"]) if r["topic"] == topic]
            text = b.evaluate(f"document.querySelectorAll('.ct-explorer')[{i}].querySelector('.ct-panel').innerText")
            if not units or not all(u[:60] in text for u in units):
                problems.append(f"explorer {i} (topics): the paragraphs of topic {topic} are not shown")
    return problems


if __name__ == "__main__":
    sys.exit(main())
