"""A command sets polars' allocator before polars is loaded, and leaves a user's setting alone."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import os, sys
from lqcalc.cli import ALLOCATOR, tune_allocator
tune_allocator()
import polars
print(os.environ["_RJEM_MALLOC_CONF"])
print(ALLOCATOR)
"""


def _conf(env_value: str | None) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if env_value is not None:
        env["_RJEM_MALLOC_CONF"] = env_value
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    conf, allocator = out.stdout.splitlines()
    return conf, allocator


def test_a_command_keeps_freed_memory_a_little_longer():
    conf, allocator = _conf(None)
    # polars puts its own defaults first; the last setting of each option wins
    assert conf.endswith("," + allocator) and "muzzy_decay_ms" in allocator


def test_a_users_allocator_setting_wins():
    conf, allocator = _conf("dirty_decay_ms:0")
    assert conf.endswith(",dirty_decay_ms:0") and allocator not in conf
