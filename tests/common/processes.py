"""Helpers that tests in several folders share (Python 3 standard library only): child
processes that die with the test driver and stop gracefully, and the samples of a Prometheus text exposition.
Used by integration/agent_support.py and operator/harness.py."""
import re
import subprocess


def die_with_parent():
    """preexec_fn of a child process: SIGKILL it when the test driver dies (a CTest timeout
    kills the driver; its children must not linger)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:  # noqa: BLE001 - best effort
        pass


def terminate_gracefully(proc, grace=10):
    """SIGTERM a child, then SIGKILL it if it has not exited within `grace` seconds; reaps it."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


_SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')
_LABEL = re.compile(r'(\w+)="([^"]*)"')


def metric_sum(text, name, **labels):
    """Sum of the samples of metric `name` in a Prometheus text exposition whose labels include
    `labels`; None when no sample matches (an absent series is not a zero)."""
    total = None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m or m.group(1) != name:
            continue
        got = dict(_LABEL.findall(m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            total = (total or 0.0) + float(m.group(3))
    return total
