"""Test-session setup: caches go to a fresh temporary folder.

Without this, tests that tokenize or sweep with the default cache would read
and write the developer's ``.cache/``, so a stale entry there could make a
test pass or fail for reasons outside the code under test.
"""
from __future__ import annotations

import os

# One BLAS thread, as corpus-tools run gives its kernels (report.run.DETERMINISTIC_THREADS):
# numeric results and warnings then do not depend on thread timing. Set before numpy loads.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="corpus-tools-test-cache-")


def pytest_configure(config):  # noqa: ARG001
    os.environ["CORPUS_TOOLS_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config):  # noqa: ARG001
    shutil.rmtree(_CACHE, ignore_errors=True)


# -- no network: every test runs with outbound connections refused ------------------
import ipaddress  # noqa: E402
import socket  # noqa: E402

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    """A test tried to open a connection to a non-loopback address."""


def _check_address(sock: socket.socket, address) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets are local
    host = address[0]
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        if host == "localhost":
            return
    raise NetworkBlocked(f"test tried to reach the network: {address!r}")


def _guarded_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


def _no_nltk_download(*args, **kwargs):
    raise AssertionError("nltk.download was called; the project must never download NLTK data")


try:
    import nltk  # noqa: E402

    nltk.download = _no_nltk_download
except ImportError:  # pragma: no cover
    pass
