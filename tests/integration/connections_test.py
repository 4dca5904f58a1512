#!/usr/bin/env python3
"""Connection exhaustion against the real binary (`kaos modelapi` with its mock provider; every
server shares net::Server): 11,000 "request, then close" clients leave nothing behind and
/health answers at once; with 10,000 idle sockets open a new client is still answered.

Usage: connections_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import unittest

KAOS = os.environ.get("KAOS_BIN", "")
PING = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def read_response(sock):
    """Reads one small response (head + Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?i)content-length:\s*(\d+)", head)
    want = int(m.group(1)) if m else 0
    while len(body) < want:
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def health_within(port, seconds):
    """The time /health took on a new connection; fails past `seconds`."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as s:
        s.settimeout(seconds)
        s.sendall(PING)
        reply = read_response(s)
    took = time.monotonic() - started
    if not reply.startswith(b"HTTP/1.1 200"):
        raise AssertionError(f"/health answered {reply[:80]!r}")
    return took


class Connections(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        cls.saved_limit = (soft, hard)
        # 10,000 client sockets here (and the server raises its own soft limit to the hard one).
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        cls.dir = tempfile.TemporaryDirectory()
        config = os.path.join(cls.dir.name, "config.yaml")
        with open(config, "w") as f:
            f.write('model_list:\n  - model_name: "mock/*"\n    litellm_params: {model: "mock/*"}\n')
        cls.server = subprocess.Popen([KAOS, "modelapi", "--config", config, "--port", "0", "--host", "127.0.0.1",
                                       "--threads", "1"], stdout=subprocess.PIPE, text=True,
                                      env=dict(os.environ, LOG_LEVEL="ERROR"))
        line = cls.server.stdout.readline()
        m = re.search(r":(\d+)$", line.strip())
        if not m:
            cls.server.kill()
            raise RuntimeError(f"kaos modelapi did not start: {line!r}")
        cls.port = int(m.group(1))
        health_within(cls.port, 10)
        cls.baseline_fds = open_fds(cls.server.pid)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        try:
            cls.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cls.server.kill()
        cls.dir.cleanup()
        resource.setrlimit(resource.RLIMIT_NOFILE, cls.saved_limit)

    def server_settles(self, what):
        wait_for(lambda: open_fds(self.server.pid) <= self.baseline_fds + 2, 5, what)

    def test_1_request_then_close_clients_leave_nothing_open(self):
        # Before the fix each such connection stayed in CLOSE-WAIT for the idle timeout (75 s),
        # and 11,000 of them locked everyone out.
        started = time.monotonic()
        for i in range(11_000):
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                s.sendall(PING)
                reply = read_response(s)
                if not reply.startswith(b"HTTP/1.1 200"):
                    self.fail(f"client {i}: {reply[:80]!r}")
        elapsed = time.monotonic() - started
        took = health_within(self.port, 1.0)
        print(f"11,000 request-then-close clients in {elapsed:.1f} s; /health then took {took * 1000:.1f} ms",
              file=sys.stderr)
        self.server_settles("the server to close the 11,000 connections")

    def test_2_a_new_client_is_answered_with_10000_idle_sockets_open(self):
        idle = []
        try:
            for _ in range(10_000):
                idle.append(socket.create_connection(("127.0.0.1", self.port), timeout=10))
            # Every one of them accepted (the server's limit is 10,000)...
            wait_for(lambda: open_fds(self.server.pid) >= self.baseline_fds + 9_990, 10,
                     "the server to accept 10,000 idle connections")
            # ... and one more client is still answered, at once: the oldest idle one made room.
            took = health_within(self.port, 1.0)
            print(f"/health with 10,000 idle sockets open took {took * 1000:.1f} ms", file=sys.stderr)
            idle[0].settimeout(5)
            self.assertEqual(idle[0].recv(1), b"", "the connection idle longest was closed to make room")
        finally:
            for s in idle:
                s.close()
        self.server_settles("the server to close the idle connections")
        health_within(self.port, 1.0)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        KAOS = sys.argv.pop(1)
    if not KAOS:
        sys.exit("usage: connections_test.py KAOS_BINARY")
    unittest.main(verbosity=2)
