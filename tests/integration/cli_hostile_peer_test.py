#!/usr/bin/env python3
"""The CLI against hostile peers (issue 12, "a CLI that never aborts"): every command that
reads a reply, pointed at a control API or an agent/MCP/model server that answers garbage
(standins/hostile_peer.py), exits with a clean error: exit status 1 (or 0 where the garbage
still means something, e.g. an empty list), a message on stderr, no abort (134), no signal,
no uncaught exception, and within its deadline.

Usage: cli_hostile_peer_test.py KAOS_BINARY
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "standins", "hostile_peer.py")
KAOS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "kaos"

# Commands that find their target through the local runtime's control API.
CONTROL_COMMANDS = [
    ["status"], ["status", "-o", "json"], ["get", "all"], ["get", "agent"], ["get", "agent", "a"],
    ["get", "mcp", "-o", "json"], ["describe", "agent", "a"], ["logs", "a"],
    ["delete", "agent", "a"], ["apply", "-f", "MANIFEST", "--timeout", "2"],
    ["chat", "a", "hi"], ["invoke", "a", "hi"], ["tasks", "a"], ["memory", "a"], ["tools", "a"],
    ["models"],
]
# Commands given the peer's URL directly (the peer then plays the agent / server).
URL_COMMANDS = [
    ["chat", "a", "hi", "--url", "URL"], ["chat", "a", "hi", "--no-stream", "--url", "URL"],
    ["invoke", "a", "hi", "--url", "URL"], ["invoke", "a", "hi", "--async", "--url", "URL"],
    ["tasks", "a", "--url", "URL"], ["tasks", "a", "t1", "--url", "URL"],
    ["tasks", "a", "t1", "--cancel", "--url", "URL"], ["memory", "a", "--url", "URL"],
    ["tools", "a", "--url", "URL"], ["models", "--url", "URL"],
    ["mcp-call", "URL/mcp"], ["mcp-call", "URL/mcp", "add", "--args", "{}"],
]
SCENARIOS = ["html", "empty", "truncated", "scalar", "wrongtypes", "nulls", "bignums", "deep", "huge",
             "badsse", "status500", "status422", "status404", "close"]

MANIFEST = """apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: m}
spec: {mode: Proxy, proxyConfig: {models: ["mock/x"]}}
"""


class Peer:
    def __init__(self, scenario):
        self.proc = subprocess.Popen([sys.executable, PEER, scenario, "__supervisor"], stdout=subprocess.PIPE,
                                     text=True, cwd=os.path.join(HERE, "standins"))
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"hostile peer did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


class CliHostilePeerTest(unittest.TestCase):
    def setUp(self):
        self.state = tempfile.TemporaryDirectory()
        self.addCleanup(self.state.cleanup)
        self.manifest = os.path.join(self.state.name, "m.yaml")
        with open(self.manifest, "w") as f:
            f.write(MANIFEST)

    def start(self, scenario):
        peer = Peer(scenario)
        self.addCleanup(peer.stop)
        # What `kaos up` records: the supervisor's pid and control URL, and the 0600 token.
        with open(os.path.join(self.state.name, "supervisor.json"), "w") as f:
            json.dump({"pid": peer.proc.pid, "control_url": peer.url, "started_at": "2026-12-07T00:00:00Z"}, f)
        token = os.path.join(self.state.name, "token")
        with open(token, "w") as f:
            f.write("t0k3n\n")
        os.chmod(token, 0o600)
        return peer

    def kaos(self, args, timeout=30):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.state.name,
               "KAOS_STATE_DIR": self.state.name}
        start = time.monotonic()
        r = subprocess.run([KAOS, *args], capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL)
        return r, time.monotonic() - start

    def assert_clean(self, scenario, args, r):
        what = f"[{scenario}] kaos {' '.join(args)}: rc={r.returncode} stderr={r.stderr[-600:]!r}"
        self.assertGreaterEqual(r.returncode, 0, f"killed by signal {-r.returncode}: {what}")
        self.assertNotEqual(r.returncode, 134, what)
        self.assertIn(r.returncode, (0, 1, 2), what)
        self.assertNotIn("terminate called", r.stderr, what)
        self.assertNotIn("what():", r.stderr, what)
        self.assertNotIn("internal error", r.stderr, f"only main()'s backstop caught it: {what}")
        if r.returncode != 0:
            self.assertTrue(r.stderr.strip(), f"a failure says why on stderr: {what}")

    def run_all(self, scenario, peer, commands):
        for cmd in commands:
            args = [peer.url if a == "URL" else peer.url + "/mcp" if a == "URL/mcp" else
                    self.manifest if a == "MANIFEST" else a for a in cmd]
            with self.subTest(scenario=scenario, cmd=" ".join(cmd)):
                r, _ = self.kaos(args)
                self.assert_clean(scenario, args, r)

    def test_control_api_garbage_is_a_clean_error(self):
        for scenario in SCENARIOS:
            peer = self.start(scenario)
            self.run_all(scenario, peer, CONTROL_COMMANDS)
            peer.stop()

    def test_server_garbage_is_a_clean_error(self):
        for scenario in SCENARIOS:
            peer = self.start(scenario)
            self.run_all(scenario, peer, URL_COMMANDS)
            peer.stop()

    def test_status_of_garbage_says_what_was_wrong(self):
        peer = self.start("wrongtypes")
        r, _ = self.kaos(["status"])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("unexpected body", r.stderr)
        self.assertIn("supervisor", r.stderr)  # the field that was wrong
        peer.stop()

    def test_down_against_a_hung_runtime_keeps_its_deadline(self):
        peer = self.start("hang")
        r, took = self.kaos(["down", "--timeout", "3"])
        self.assert_clean("hang", ["down"], r)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(took, 10, f"kaos down --timeout 3 took {took:.1f} s")
        # It says what it did: the runtime did not answer and was stopped by signal.
        self.assertIn(str(peer.proc.pid), r.stdout + r.stderr)
        self.assertRegex(r.stdout + r.stderr, r"did not answer|SIGTERM|killed")
        peer.proc.wait(timeout=10)
        self.assertFalse(os.path.exists(os.path.join(self.state.name, "supervisor.json")))

    def test_down_against_a_runtime_that_ignores_sigterm_kills_it(self):
        peer = self.start("status500")
        # A runtime that answers garbage and ignores SIGTERM: down escalates to SIGKILL on time.
        os.kill(peer.proc.pid, signal.SIGSTOP)  # a stopped process neither answers nor handles SIGTERM
        self.addCleanup(lambda: peer.proc.poll() is None and os.kill(peer.proc.pid, signal.SIGCONT))
        r, took = self.kaos(["down", "--timeout", "2"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(took, 10, f"kaos down --timeout 2 took {took:.1f} s")
        self.assertIn("killed", r.stdout + r.stderr)
        self.assertEqual(peer.proc.wait(timeout=10), -signal.SIGKILL)


if __name__ == "__main__":
    unittest.main(verbosity=2)
