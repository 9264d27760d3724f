"""Peak memory of a management command run in a child process, for the benches.

A child's `ru_maxrss` (wait4, RUSAGE_CHILDREN) is not its own peak on Linux: a
process started with vfork shares its parent's memory until exec, and the
kernel keeps that high-water mark. Run from a benchmark that holds a large
register in memory, every export "peaked" at the benchmark's own size. The child
here reports its own peak (VmHWM: the high-water mark of the memory it mapped
after exec) on its last line of standard error.
"""

import re
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"
PEAK = re.compile(r"^MAILLAGE_PEAK_KB=(\d+)$", re.MULTILINE)

WRAPPER = """
import resource, runpy, sys
try:
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    peak = ""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = line.split()[1]
    except OSError:
        peak = str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    sys.stderr.write("\\nMAILLAGE_PEAK_KB=" + peak + "\\n")
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float
    peak_mb: float | None
    stdout: str
    stderr: str


def run_command(args: Sequence[str], env: Mapping[str, str] | None = None) -> Measured:
    """`manage.py ARGS` in a child process: exit code, seconds, its own peak RSS."""
    return run_script(MANAGE, args, env)


def run_script(
    script: Path, args: Sequence[str], env: Mapping[str, str] | None = None
) -> Measured:
    """`python SCRIPT ARGS` in a child process, from the project's folder: exit
    code, seconds, its own peak RSS."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WRAPPER, str(script), *args],
        env=dict(env) if env is not None else None,
        cwd=MANAGE.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    found = PEAK.findall(result.stderr)
    peak = round(int(found[-1]) / 1024, 1) if found else None
    stderr = PEAK.sub("", result.stderr).rstrip()
    return Measured(result.returncode, seconds, peak, result.stdout, stderr)
