"""Shared plumbing of the `kaos agent` integration tests (agent_*_test.py): starting real
processes on free loopback ports (the agent, `kaos mcp`, the scripted model stand-in,
redis-server), raw HTTP helpers, and polling with a deadline instead of fixed sleeps.
Python 3 standard library only."""
import http.client as httpclient
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "common"))
from processes import die_with_parent, metric_sum, terminate_gracefully  # noqa: E402

STANDINS = os.path.join(HERE, "standins")
KAOS = os.environ.get("KAOS_BIN", "")

TOOLS_SOURCE = '''
import time

def echo(text: str) -> str:
    """Echo the text back."""
    return "echoed " + text

def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b

def slow(label: str) -> str:
    """Sleep half a second, then answer."""
    time.sleep(0.5)
    return "slow done " + label

def boom(text: str) -> str:
    """Always fails."""
    raise ValueError("boom went " + text)
'''


def set_binary_from_argv():
    global KAOS
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        KAOS = sys.argv.pop(1)
    if not KAOS:
        sys.exit("usage: agent_*_test.py KAOS_BINARY")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout=15, what="condition", interval=0.05):
    """Polls `cond` until it returns a truthy value (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            v = cond()
            if v:
                return v
        except Exception as e:  # noqa: BLE001 - a poll may hit a server not ready yet
            last_exc = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last_exc})" if last_exc else ""))


def holds_for(cond, seconds, what="condition", interval=0.05):
    """Checks that `cond` stays true for `seconds` (a negative check: nothing happens)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not cond():
            raise AssertionError(f"{what} stopped holding")
        time.sleep(interval)


class Proc:
    """A child process whose stdout announces its port (or, with port_hint, only that it is
    ready). stderr goes to a temp file (shown when
    a test fails to start it)."""

    def __init__(self, argv, env=None, pattern=r"listening on http://[^:]+:(\d+)", timeout=20, base_env=True,
                 port_hint=None):
        self.argv = argv
        self.err = tempfile.TemporaryFile(mode="w+")
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
                    "LOG_LEVEL": "WARNING"} if base_env else dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.err, text=True, env=full_env,
                                     preexec_fn=die_with_parent)
        self.lines = []
        self.port = None
        found = threading.Event()
        rx = re.compile(pattern)

        def reader():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = rx.search(line)
                if m and self.port is None:
                    self.port = port_hint or int(m.group(1))
                    found.set()
            found.set()

        threading.Thread(target=reader, daemon=True).start()
        if not found.wait(timeout) or self.port is None:
            self.kill()
            raise RuntimeError(f"{argv[:3]} did not start: stdout={self.lines!r} stderr={self.stderr()!r}")

    def stderr(self):
        if self.err.closed:
            return ""
        self.err.seek(0)
        return self.err.read()

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.stdout:
            self.proc.stdout.close()
        self.err.close()

    def terminate(self):
        terminate_gracefully(self.proc)


def http(port, method, path, body=None, headers=None, timeout=30):
    """Returns (status, headers dict with lower-case names, body bytes)."""
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, raw
    finally:
        conn.close()


def oversized_post(port, path, size):
    """POSTs a body of `size` bytes and returns the status line's code: the server may answer
    (413) as soon as it sees Content-Length and close, so the body is sent best effort."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {size}\r\n\r\n".encode())
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                sock.sendall(chunk[: min(len(chunk), size - sent)])
                sent += len(chunk)
        except OSError:
            pass  # the server stopped reading: its answer is waiting
        data = b""
        try:
            while b"\r\n" not in data:
                more = sock.recv(4096)
                if not more:
                    break
                data += more
        except OSError:
            pass
    m = re.match(rb"HTTP/1\.1 (\d{3})", data)
    return int(m.group(1)) if m else None


def get_json(port, path, timeout=30):
    status, _, raw = http(port, "GET", path, timeout=timeout)
    if status != 200:
        raise AssertionError(f"GET {path}: {status} {raw[:300]!r}")
    return json.loads(raw)


def post_json(port, path, body, headers=None, timeout=60):
    status, hdrs, raw = http(port, "POST", path, body, headers, timeout)
    return status, hdrs, (json.loads(raw) if raw.strip() else None)


def chat(port, text, headers=None, session_id=None, timeout=60, **extra):
    body = {"model": "agent", "messages": [{"role": "user", "content": text}], **extra}
    if session_id:
        body["session_id"] = session_id
    status, hdrs, data = post_json(port, "/v1/chat/completions", body, headers, timeout)
    if status != 200:
        raise AssertionError(f"chat answered {status}: {data}")
    return data


def answer(reply):
    return reply["choices"][0]["message"]["content"]


def rpc(port, method, params=None, rid=1, headers=None, timeout=60):
    body = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        body["params"] = params
    status, _, data = post_json(port, "/", body, headers, timeout)
    if status != 200:
        raise AssertionError(f"A2A {method}: HTTP {status} {data}")
    return data


def metric_value(port, name, **labels):
    """Sum of the samples of `name` whose labels include `labels` (0 when none)."""
    _, _, raw = http(port, "GET", "/metrics")
    return metric_sum(raw.decode(), name, **labels) or 0.0


def memory_events(port, session_id=None):
    path = "/memory/events" + (f"?session_id={session_id}" if session_id else "")
    return get_json(port, path)["events"]


class ScriptedModel:
    def __init__(self):
        self.p = Proc([sys.executable, os.path.join(STANDINS, "scripted_model.py")], pattern=r"PORT (\d+)")
        self.port = self.p.port
        self.url = f"http://127.0.0.1:{self.port}"

    def script(self, key, replies):
        status, _, _ = post_json(self.port, "/_script", {"key": key, "replies": replies})
        assert status == 200

    def log(self):
        return get_json(self.port, "/_standin/log")

    def requests(self, key):
        return [e for e in self.log() if "body" in e and e.get("key") == key]

    def disconnected(self, key):
        return any(e.get("event") == "disconnected" and e.get("key") == key for e in self.log())

    def kill(self):
        self.p.kill()


def start_mcp(source=TOOLS_SOURCE, port=0, env=None):
    return Proc([KAOS, "mcp", "--runtime", "python-string", "--host", "127.0.0.1", "--port", str(port),
                 "--params", source], env=env, timeout=30)


def start_agent(name, env, port=0, extra_args=()):
    e = {"AGENT_NAME": name}
    e.update(env)
    return Proc([KAOS, "agent", "--host", "127.0.0.1", "--port", str(port), *extra_args], env=e)


def model_env(model, **more):
    env = {"MODEL_API_URL": model.url, "MODEL_NAME": "scripted-model"}
    env.update(more)
    return env


def mcp_env(mcp_port, name="tools"):
    return {"MCP_SERVERS": name, f"MCP_SERVER_{name}_URL": f"http://127.0.0.1:{mcp_port}"}


def sse_data(raw):
    """The `data:` payloads of an SSE body, in order."""
    out = []
    for line in raw.decode().split("\n"):
        if line.startswith("data: "):
            out.append(line[6:])
    return out


class ProcTestCase(unittest.TestCase):
    """Kills every process a test started (self.spawn) when it ends, passed or not; class-wide
    processes (cls.cls_spawn) die when the class is done, even when setUpClass failed."""

    @classmethod
    def cls_spawn(cls, p):
        cls.addClassCleanup(p.kill)
        return p

    def spawn(self, p):
        self.addCleanup(p.kill)
        return p


def main():
    set_binary_from_argv()
    unittest.main(verbosity=2)
