"""Load a local HTML page in headless Chromium over the DevTools protocol.

Used by the report tests to check, as a reader's browser would, that every
image decoded and that the page made no network request. Only loopback is
contacted (the DevTools websocket Chromium opens on 127.0.0.1).
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
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class PageCheck:
    def __init__(self, url: str, requests: list[str], images: list[dict], title: str):
        self.url, self.requests, self.images, self.title = url, requests, images, title

    @property
    def network_requests(self) -> list[str]:
        """Requests to anything but the page's own file: and data: URLs."""
        return [r for r in self.requests if not r.startswith(("file:", "data:", "about:"))]


def check_page(path: Path, *, timeout: float = 60.0) -> PageCheck:
    """Open ``path`` in headless Chromium; return requests made and image states."""
    import websocket  # websocket-client, installed with jupyter

    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium is not installed")
    profile = tempfile.mkdtemp(prefix="ct-chromium-")
    proc = subprocess.Popen(
        [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        ws_url = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and ws_url is None:
            line = proc.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line or "")
            if m:
                ws_url = m.group(1)
            elif not line and proc.poll() is not None:
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
        ws = websocket.create_connection(page_ws, timeout=timeout, suppress_origin=True)
        msg_id = 0
        requests: list[str] = []

        def send(method: str, **params) -> dict:
            nonlocal msg_id
            msg_id += 1
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("method") == "Network.requestWillBeSent":
                    requests.append(msg["params"]["request"]["url"])
                if msg.get("id") == msg_id:
                    return msg

        send("Network.enable")
        send("Page.enable")
        url = path.resolve().as_uri()
        send("Page.navigate", url=url)
        loaded = False
        while time.monotonic() < deadline and not loaded:
            msg = json.loads(ws.recv())
            if msg.get("method") == "Network.requestWillBeSent":
                requests.append(msg["params"]["request"]["url"])
            loaded = msg.get("method") == "Page.loadEventFired"
        # give late scripts a moment to issue requests, then collect image states
        time.sleep(0.5)
        result = send(
            "Runtime.evaluate",
            expression="JSON.stringify({title: document.title, images: Array.from(document.images)"
            ".map(i => ({complete: i.complete, w: i.naturalWidth, h: i.naturalHeight, "
            "src: i.src.slice(0, 40)}))})",
            returnByValue=True,
        )
        value = json.loads(result["result"]["result"]["value"])
        ws.close()
        return PageCheck(url, requests, value["images"], value["title"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


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


if __name__ == "__main__":
    sys.exit(main())
