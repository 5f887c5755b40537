"""Running one step of a benchmark in a child process, so that the step's peak memory is its own.

The parent never imports Django: it starts this same script with ``--child <step>``, and reads
the child's peak RSS from the kernel's rusage when it reaps that child (``os.wait4``, the
per-child form of ``getrusage(RUSAGE_CHILDREN).ru_maxrss``; KiB on Linux). The child prints its
result as one JSON line, last on its standard output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_step(script: str, step: str, env: Mapping[str, str], *, may_die: bool = False) -> dict:
    """Run ``script --child step`` with ``env``: its JSON result, with its whole wall time
    (``wall``, seconds) and its peak RSS (``peak_mb``). A child that fails stops the benchmark,
    unless ``may_die``: then what killed it (``died``), its last line of errors and its wall time."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - the benchmark's own script, no shell
            [sys.executable, str(Path(script).resolve()), "--child", step],
            stdout=out,
            stderr=err,
            env=dict(env),
            cwd=ROOT,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        if not may_die:
            raise SystemExit(f"step {step} failed ({code}):\n{stdout}\n{stderr}")
        died = signal.Signals(-code).name if code < 0 else f"exit {code}"
        return {"died": died, "stderr": stderr.strip().splitlines()[-1:] if stderr else [], "wall": wall}
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall"] = wall
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result
