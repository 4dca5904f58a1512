#!/usr/bin/env python3
"""Integration tests for the python-string sandbox as an operator sees it: the real `kaos mcp
--runtime python-string` reports what its workers' sandbox enforces in /ready's body and, for
each missing mechanism, in the metric mcp_sandbox_degraded{missing="..."}; with
MCP_SANDBOX_REQUIRE=strict it refuses to start and names what is missing. Degradation is
forced with the worker's test hook KAOS_PYTHON_SANDBOX_TEST_DISABLE.

Usage: mcp_python_sandbox_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import glob
import http.client
import json
import os
import re
import subprocess
import signal
import sys
import time
import unittest

ALLOW_DEGRADED = os.environ.get("KAOS_TEST_ALLOW_DEGRADED_SANDBOX") == "1"


def require(case, available, what):
    """A test needing a mechanism this machine lacks fails, unless the developer opted into a
    degraded machine with KAOS_TEST_ALLOW_DEGRADED_SANDBOX=1 (then it is skipped)."""
    if available:
        return
    if ALLOW_DEGRADED:
        case.skipTest(what)
    case.fail(f"{what} (on a machine without it, KAOS_TEST_ALLOW_DEGRADED_SANDBOX=1 skips this test)")

KAOS = os.environ.get("KAOS_BIN", "")
SOURCE = "def echo(text: str) -> str:\n    return text\n"


def start(env):
    return subprocess.Popen(
        [KAOS, "mcp", "--runtime", "python-string", "--host", "127.0.0.1", "--port", "0", "--params", SOURCE],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "LOG_LEVEL": "WARNING", **env})


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read().decode()
    conn.close()
    return resp.status, body


def stop(proc):
    """SIGTERM, so that the server ends its workers and they remove their cgroups."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    proc.stdout.close()
    proc.stderr.close()


def children(pid):
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            out += [int(p) for p in f.read().split()]
    return out


def descendants(pid):
    out = []
    for child in children(pid):
        out += [child] + descendants(child)
    return out


def alive(pid):
    """True unless gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def worker_cgroups(worker_pid):
    return glob.glob(f"/sys/fs/cgroup/**/kaos-python-{worker_pid}", recursive=True)


def poll(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Sandbox(unittest.TestCase):
    def serve(self, env):
        proc = start(env)
        self.addCleanup(stop, proc)
        line = proc.stdout.readline()
        m = re.search(r"listening on http://[^:]+:(\d+)", line)
        self.assertTrue(m, f"kaos mcp did not start: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}")
        self.proc = proc
        return int(m.group(1))

    def test_ready_and_metrics_say_what_is_missing(self):
        port = self.serve({"KAOS_PYTHON_SANDBOX_TEST_DISABLE": "userns,cgroup"})
        status, body = get(port, "/ready")
        self.assertEqual(status, 200, body)
        sandbox = json.loads(body)["sandbox"]
        for mechanism in ("namespaces", "minimal_root", "cgroup"):
            self.assertIn(mechanism, sandbox["missing"], body)
        self.assertTrue(sandbox["warnings"], body)
        status, metrics = get(port, "/metrics")
        self.assertEqual(status, 200)
        for mechanism in ("namespaces", "cgroup"):
            self.assertIn(f'mcp_sandbox_degraded{{missing="{mechanism}"}} 1', metrics)

    def test_full_containment_reports_nothing_missing(self):
        port = self.serve({})
        sandbox = json.loads(get(port, "/ready")[1])["sandbox"]
        require(self, not sandbox["missing"], f"this machine lacks {sandbox['missing']}")
        self.assertTrue(sandbox["minimal_root"])
        self.assertNotIn("mcp_sandbox_degraded{", get(port, "/metrics")[1])

    def test_a_killed_server_leaves_no_worker_process_or_cgroup(self):
        port = self.serve({})
        require(self, json.loads(get(port, "/ready")[1])["sandbox"]["cgroup"], "no cgroup on this machine")
        [worker] = children(self.proc.pid)
        tree = descendants(self.proc.pid)  # the supervisor, the namespace's init, Python
        self.assertGreaterEqual(len(tree), 3, tree)
        self.assertTrue(worker_cgroups(worker), "the worker has no cgroup")
        self.proc.kill()  # no chance to clean up: the workers' parent-death signals must do it
        self.proc.wait(timeout=15)
        self.assertTrue(poll(lambda: not any(alive(p) for p in tree)),
                        f"worker processes outlived their server: {[p for p in tree if alive(p)]}")
        self.assertTrue(poll(lambda: not worker_cgroups(worker)), f"left behind: {worker_cgroups(worker)}")

    def test_the_first_worker_start_sweeps_cgroups_of_dead_workers(self):
        own = {}
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for c in controllers.split(","):
                    own[c] = path
        roots = [f"/sys/fs/cgroup/{c}{own[c]}".rstrip("/") for c in ("memory", "pids") if c in own]
        require(self, len(roots) == 2 and all(os.access(r, os.W_OK) for r in roots),
                "needs writable cgroup v1 memory and pids hierarchies")
        dead = subprocess.Popen(["true"])
        dead.wait()  # a pid no worker has any more
        stale = [f"{r}/kaos-python-{dead.pid}" for r in roots]
        for d in stale:
            os.mkdir(d)
        self.addCleanup(lambda: [os.rmdir(d) for d in stale if os.path.isdir(d)])
        self.serve({})
        self.assertEqual([d for d in stale if os.path.isdir(d)], [])

    def test_degraded_workers_die_with_their_server_too(self):
        port = self.serve({"KAOS_PYTHON_SANDBOX_TEST_DISABLE": "userns"})
        self.assertIn("namespaces", json.loads(get(port, "/ready")[1])["sandbox"]["missing"])
        tree = descendants(self.proc.pid)
        self.assertTrue(tree)
        self.proc.kill()
        self.proc.wait(timeout=15)
        self.assertTrue(poll(lambda: not any(alive(p) for p in tree)),
                        f"worker processes outlived their server: {[p for p in tree if alive(p)]}")

    def test_strict_refuses_to_start_and_names_what_is_missing(self):
        proc = start({"KAOS_PYTHON_SANDBOX_TEST_DISABLE": "userns", "MCP_SANDBOX_REQUIRE": "strict"})
        out, err = proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0, out)
        self.assertNotIn("listening on", out)
        self.assertIn("MCP_SANDBOX_REQUIRE=strict", err)
        self.assertIn("namespaces", err)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        KAOS = sys.argv.pop(1)
    if not KAOS:
        sys.exit("usage: mcp_python_sandbox_test.py KAOS_BINARY")
    unittest.main(verbosity=2)
