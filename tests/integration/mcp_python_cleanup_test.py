#!/usr/bin/env python3
"""`kaos mcp --runtime python-string` leaves nothing behind (issue 11, item 6): after a normal
stop (SIGTERM), a Ctrl-C (SIGINT) and a `kill -9`, no Python worker runs (checked by pid and
start time, polling with a deadline) and, for the first two, no scratch directory is left.
After a `kill -9` the next server's start removes the scratch directories the dead one left.

Each server gets a private TMPDIR, so scratch directories are counted exactly and the suite
leaves none in /tmp. Usage: mcp_python_cleanup_test.py KAOS_BINARY
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

KAOS = os.environ.get("KAOS_BIN", "")
# Each worker answers with a token of its own: not os.getpid(), which is 2 in every worker's
# PID namespace.
TOOLS = ("import time, uuid\nWORKER = uuid.uuid4().hex\n"
         "def slow_pid(seconds: float) -> str:\n    time.sleep(seconds)\n    return WORKER\n")


def stat(pid):
    """(state, ppid, starttime) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19])


def alive(ident):
    st = stat(ident[0])
    return st is not None and st[2] == ident[1] and st[0] not in ("Z", "X")


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class PythonServer:
    def __init__(self, tmpdir):
        env = {**os.environ, "LOG_LEVEL": "WARNING", "TMPDIR": tmpdir, "MCP_TOOLS_STRING": TOOLS,
               "MCP_PYTHON_WORKERS": "2"}
        self.proc = subprocess.Popen([KAOS, "mcp", "--runtime", "python-string", "--host", "127.0.0.1", "--port", "0"],
                                     stdout=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://[^:]+:(\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"kaos mcp did not start: {line!r}")
        self.port = int(m.group(1))

    def post(self, body, sid=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if sid:
            headers["Mcp-Session-Id"] = sid
        conn.request("POST", "/mcp", body=json.dumps(body), headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        return resp, raw

    def two_parallel_calls(self):
        """Two overlapping calls, so both workers of the pool exist; returns their tokens."""
        resp, _ = self.post({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                             "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "it", "version": "1"}}})
        sid = resp.getheader("Mcp-Session-Id")
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)
        pids = []

        def one(i):
            _, raw = self.post({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                                "params": {"name": "slow_pid", "arguments": {"seconds": 0.5}}}, sid)
            pids.append(json.loads(raw)["result"]["content"][0]["text"])
        threads = [threading.Thread(target=one, args=(i,)) for i in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return pids

    def workers(self, roots_only=False):
        """Identities (pid, start time) of the server's live worker processes: its children and,
        unless roots_only, all their descendants (a worker is a supervisor, its namespace's init
        and Python)."""
        table = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                st = stat(int(entry))
                if st and st[0] not in ("Z", "X"):
                    table[int(entry)] = st
        out, parents = [], {self.proc.pid}
        while parents:
            kids = [(p, st[2]) for p, st in table.items() if st[1] in parents]
            out += kids
            parents = set() if roots_only else {p for p, _ in kids}
        return out


class CleanupTest(unittest.TestCase):
    def setUp(self):
        self.tmpdir = tempfile.mkdtemp(prefix="kaos-cleanup-test-")
        self.addCleanup(shutil.rmtree, self.tmpdir, True)
        self.server = PythonServer(self.tmpdir)
        self.addCleanup(self.server.proc.kill)
        tokens = self.server.two_parallel_calls()
        self.assertEqual(len(set(tokens)), 2, f"the two calls ran in two workers: {tokens}")
        self.assertEqual(len(self.server.workers(roots_only=True)), 2, "two worker children")
        self.workers = self.server.workers()
        self.assertEqual(len(self.scratch_dirs()), 2, "one scratch directory per worker")

    def scratch_dirs(self):
        return sorted(d for d in os.listdir(self.tmpdir) if d.startswith("kaos-python-"))

    def assertWorkersGone(self):
        wait_for(lambda: not any(alive(w) for w in self.workers), 10, f"workers {self.workers} to exit")

    def stop_with(self, sig):
        self.server.proc.send_signal(sig)
        self.assertEqual(self.server.proc.wait(timeout=30), 0 if sig != signal.SIGKILL else -signal.SIGKILL)

    def test_normal_stop_leaves_no_worker_and_no_scratch(self):
        self.stop_with(signal.SIGTERM)
        self.assertWorkersGone()
        self.assertEqual(self.scratch_dirs(), [])

    def test_ctrl_c_leaves_no_worker_and_no_scratch(self):
        self.stop_with(signal.SIGINT)
        self.assertWorkersGone()
        self.assertEqual(self.scratch_dirs(), [])

    def test_kill_9_takes_the_workers_along(self):
        self.stop_with(signal.SIGKILL)
        self.assertWorkersGone()  # PR_SET_PDEATHSIG: nobody is left to kill them

    def test_kill_9_scratch_is_swept_by_the_next_start(self):
        left = self.scratch_dirs()
        self.stop_with(signal.SIGKILL)
        self.assertWorkersGone()
        after = PythonServer(self.tmpdir)
        self.addCleanup(after.proc.kill)
        wait_for(lambda: not set(left) & set(self.scratch_dirs()), 10, f"{left} to be removed by the next start")


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        KAOS = os.path.abspath(sys.argv.pop(1))
    if not KAOS:
        sys.exit("usage: mcp_python_cleanup_test.py KAOS_BINARY")
    unittest.main(verbosity=2)
