"""Test-session setup: caches go to a fresh temporary folder.

Without this, tests that tokenize or sweep with the default cache would read
and write the developer's ``.cache/``, so a stale entry there could make a
test pass or fail for reasons outside the code under test.
"""
from __future__ import annotations

import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="corpus-tools-test-cache-")


def pytest_configure(config):  # noqa: ARG001
    os.environ["CORPUS_TOOLS_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config):  # noqa: ARG001
    shutil.rmtree(_CACHE, ignore_errors=True)
