"""The bench's own small Kubernetes client and process handling (standard library only): a
keep-alive JSON connection to the stand-in API server, a watch stream read on a thread, and
starting/stopping the stand-in and `kaos operator` as pinned child processes. Written apart
from the code under test (src/k8s), as the other bench clients are."""
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KAOS_API = "/apis/kaos.tools/v1alpha1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conn:
    """One keep-alive HTTP/1.1 connection; request() returns (status, parsed JSON body)."""

    def __init__(self, port):
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": content_type} if data is not None else {}
        self.http.request(method, path, body=data, headers=headers)
        resp = self.http.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw else None)

    def ok(self, method, path, body=None, content_type="application/json"):
        status, out = self.request(method, path, body, content_type)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {out}")
        return out

    def text(self, path):
        self.http.request("GET", path)
        resp = self.http.getresponse()
        return resp.status, resp.read().decode()

    def close(self):
        self.http.close()


class Watch:
    """GET ...?watch=1 on a thread. Every event is handed to on_event(type, obj, t_received)
    under self.cond, which is notified after each; t_received is time.perf_counter()."""

    def __init__(self, port, path, resource_version, on_event):
        self.cond = threading.Condition()
        self.on_event = on_event
        self.sock = socket.create_connection(("127.0.0.1", port))
        query = f"watch=1&resourceVersion={resource_version}&allowWatchBookmarks=false"
        self.sock.sendall(f"GET {path}?{query} HTTP/1.1\r\nHost: standin\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        status = self.file.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"watch {path}: {status!r}")
        while self.file.readline() not in (b"\r\n", b""):
            pass
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        buf = b""
        try:
            while True:
                size = int(self.file.readline().strip() or b"0", 16)  # chunked transfer encoding
                if size == 0:
                    return
                buf += self.file.read(size)
                self.file.readline()
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if not line.strip():
                        continue
                    t = time.perf_counter()
                    ev = json.loads(line)
                    with self.cond:
                        self.on_event(ev["type"], ev["object"], t)
                        self.cond.notify_all()
        except (OSError, ValueError):
            return

    def wait_for(self, predicate, timeout):
        """Waits until predicate() (called under the lock) is true; False on timeout."""
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def cpu_seconds(pid):
    """utime+stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class StandIn:
    """tests/k8s/standin.py as a child process, pinned to `cpu`."""

    def __init__(self, cpu, workdir, history):
        self.kubeconfig = os.path.join(workdir, "kubeconfig")
        cmd = ["taskset", "-c", str(cpu), "/usr/bin/python3", os.path.join(ROOT, "tests/k8s/standin.py"),
               "--port", "0", "--print-port", "--crds", os.path.join(ROOT, "deploy/crds"),
               "--kubeconfig", self.kubeconfig, "--history", str(history), "--bookmark-interval", "30"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"stand-in did not start: {line!r}")
        self.port = int(line.split()[1])
        self.pid = self.proc.pid

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Operator:
    """`kaos operator` against the stand-in, pinned to `cpu`; /readyz and /metrics on one port."""

    def __init__(self, kaos, kubeconfig, cpu, workers, log_path, namespaces=""):
        self.port = free_port()
        addr = f"127.0.0.1:{self.port}"
        cmd = ["taskset", "-c", str(cpu), kaos, "operator", "--kubeconfig", kubeconfig, "--workers", str(workers),
               "--health-probe-bind-address", addr, "--metrics-bind-address", addr]
        if namespaces:
            cmd += ["--namespaces", namespaces]
        self.log = open(log_path, "ab")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def probe(self, path):
        """(status, text) of a GET on the probe port; (0, '') when it does not answer yet."""
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            c.request("GET", path)
            r = c.getresponse()
            out = (r.status, r.read().decode())
            c.close()
            return out
        except OSError:
            return 0, ""

    def wait_ready(self, timeout=120):
        """Seconds from start to the first 200 from /readyz (caches synced), polled every 5 ms."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.probe("/readyz")[0] == 200:
                return time.perf_counter() - self.started
            if self.proc.poll() is not None:
                raise RuntimeError(f"kaos operator exited with {self.proc.returncode}")
            time.sleep(0.005)
        raise RuntimeError("kaos operator not ready in time")

    def metrics(self):
        """{'depth': queue depth, 'reconciles': total reconciles, 'writes': total writes}."""
        status, text = self.probe("/metrics")
        out = {"depth": None, "reconciles": 0.0, "writes": 0.0}
        if status != 200:
            return out
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            name, value = line.rsplit(" ", 1)
            if name.startswith("kaos_operator_workqueue_depth"):
                out["depth"] = float(value)
            elif name.startswith("kaos_operator_reconciles_total"):
                out["reconciles"] += float(value)
            elif name.startswith("kaos_operator_writes_total"):
                out["writes"] += float(value)
        return out

    def stop(self):
        """SIGTERM, then waits for the exit; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.log.close()
        return code
