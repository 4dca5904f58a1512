"""Shared plumbing of the end-to-end tests (tests/e2e/*_test.py): they use the built `kaos`
binary as a new user would — `kaos up`, `status`, `chat`, `memory`, `down`, ... — each test
class against its own fresh state directory ($KAOS_STATE_DIR), so the user's own local runtime
is never touched. Processes are checked through /proc. Python 3 standard library only.

Every class stops its runtime with `kaos down` in cleanup and verifies by pid that nothing it
started is left (the supervisor, the workloads and their Python workers)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(HERE, "fixtures")
QUICKSTART = os.path.join(REPO, "examples", "quickstart")
KAOS = os.environ.get("KAOS_BIN", "")


def set_binary_from_argv():
    global KAOS
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        KAOS = os.path.abspath(sys.argv.pop(1))
    if not KAOS:
        sys.exit("usage: *_test.py KAOS_BINARY")


def main():
    set_binary_from_argv()
    unittest.main(verbosity=2)


def wait_for(cond, timeout=30, what="condition", interval=0.1):
    """Polls `cond` until it returns a truthy value (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            v = cond()
            if v:
                return v
            last = v
        except Exception as e:  # noqa: BLE001 - a poll may hit something not up yet
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


# --- processes, through /proc ------------------------------------------------------------

def _stat(pid):
    """(state, ppid, starttime) of a pid, or None when it does not exist."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19])


def identity(pid):
    """A pid with its start time: survives pid reuse when checked later."""
    st = _stat(pid)
    return (pid, st[2]) if st else None


def alive(ident):
    """True while the process (pid + start time) runs; a zombie counts as gone."""
    if ident is None:
        return False
    pid, start = ident
    st = _stat(pid)
    return st is not None and st[2] == start and st[0] not in ("Z", "X")


def descendants(pid):
    """Every live process below `pid` (children, grandchildren, ...)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = _stat(int(entry))
        if st and st[0] not in ("Z", "X"):
            children.setdefault(st[1], []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def processes_with_state_dir(state_dir):
    """Live processes whose environment carries KAOS_STATE_DIR=state_dir: the supervisor and
    everything it started (children inherit it), wherever they were reparented."""
    needle = ("KAOS_STATE_DIR=" + state_dir).encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if needle in env and alive(identity(int(entry))):
            found.append(int(entry))
    return found


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def environ_of(pid):
    with open(f"/proc/{pid}/environ", "rb") as f:
        items = f.read().decode(errors="replace").split("\0")
    return dict(i.split("=", 1) for i in items if "=" in i)


def http_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


# --- the CLI ---------------------------------------------------------------------------------

class Runtime:
    """The `kaos` CLI bound to one private state directory."""

    def __init__(self):
        self.state_dir = tempfile.mkdtemp(prefix="kaos-e2e-")
        self.env = dict(os.environ)
        self.env["KAOS_STATE_DIR"] = self.state_dir
        self.env["NO_COLOR"] = "1"

    def run(self, *args, input=None, timeout=120, check=None):
        """Runs `kaos ARGS...`; `check`: the exit code expected (asserted with the output)."""
        p = subprocess.run([KAOS, *args], env=self.env, input=input, capture_output=True, text=True,
                           timeout=timeout)
        if check is not None and p.returncode != check:
            raise AssertionError(f"kaos {' '.join(args)}: exit {p.returncode}, expected {check}\n"
                                 f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def json(self, *args, timeout=60):
        p = self.run(*args, timeout=timeout, check=0)
        return json.loads(p.stdout)

    def status(self):
        return self.json("status", "-o", "json")

    def resources(self):
        return {r["id"]: r for r in self.status()["resources"]}

    def resource(self, rid):
        return self.resources().get(rid)

    def supervisor_pid(self):
        try:
            with open(os.path.join(self.state_dir, "supervisor.json")) as f:
                return json.load(f)["pid"]
        except (OSError, ValueError, KeyError):
            return None

    def wait_all_ready(self, timeout=60):
        def ready():
            rs = self.status()["resources"]
            return rs if rs and all(r["phase"] == "Ready" and r["ready"] for r in rs) else None
        return wait_for(ready, timeout, "every resource Ready (kaos status)")

    def wait_resource(self, rid, pred, timeout=30, what=None):
        return wait_for(lambda: (lambda r: r if r and pred(r) else None)(self.resource(rid)), timeout,
                        what or f"{rid} to reach the expected state")

    def tree(self):
        """Identities of the supervisor and every process below it."""
        sup = self.supervisor_pid()
        if not sup:
            return []
        return [i for i in (identity(p) for p in [sup, *descendants(sup)]) if i]

    def down(self):
        """`kaos down`, then: no process of this runtime is left. Returns the `kaos down` result."""
        before = self.tree()
        p = self.run("down", timeout=60)
        left = [i for i in before if alive(i)]
        # A process can only outlive `kaos down` by a moment (it is being reaped); poll briefly.
        deadline = time.monotonic() + 10
        while (left or processes_with_state_dir(self.state_dir)) and time.monotonic() < deadline:
            time.sleep(0.05)
            left = [i for i in before if alive(i)]
        return p, left, processes_with_state_dir(self.state_dir)

    def cleanup(self):
        """For tearDown: stop whatever is left, by pid, and remove the state directory."""
        try:
            self.run("down", timeout=60)
        except Exception:  # noqa: BLE001 - best effort; the pid kill below still runs
            pass
        for pid in processes_with_state_dir(self.state_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self.state_dir, ignore_errors=True)


class RuntimeTestCase(unittest.TestCase):
    """A test class with its own runtime (state directory), stopped and checked in cleanup."""
    rt = None

    @classmethod
    def setUpClass(cls):
        cls.rt = Runtime()
        cls.addClassCleanup(cls.rt.cleanup)

    def assertDownLeavesNothing(self, rt=None):
        rt = rt or self.rt
        p, left, stray = rt.down()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(left, [], f"still running after kaos down: {left}")
        self.assertEqual(stray, [], f"processes of this state dir left after kaos down: {stray}")
        self.assertIsNone(rt.supervisor_pid(), "supervisor.json still names a runtime")
        return p
