"""What the operator's tests share: a stand-in API server (tests/k8s/support.py's StandIn, a
real child process) with KAOS's CRDs and short bookmarks, `kaos operator` as a real child
process pointed at it by a kubeconfig, manifests applied with kubectl, and polling with a
deadline (never a fixed sleep).

Usage of a test file: `<file>.py KAOS_BINARY [unittest args]` (CTest passes the binary);
without one, $KAOS_BIN, else build/bin/kaos."""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
REPO = os.path.dirname(TESTS)
sys.path.insert(0, os.path.join(TESTS, "k8s"))
sys.path.insert(0, os.path.join(TESTS, "common"))
from processes import die_with_parent, metric_sum  # noqa: E402
from support import CRDS, StandIn  # noqa: E402

KAOS = os.environ.get("KAOS_BIN") or os.path.join(REPO, "build", "bin", "kaos")
HTTPROUTE_CRD = os.path.join(TESTS, "k8s", "fixtures", "gateway-api-httproutes.yaml")
# The stand-in's BOOKMARK interval: short, so "a few bookmark intervals" of quiet is short.
BOOKMARK_SECONDS = 0.3
LEASE_NAME = "kaos-operator.kaos.tools"

# Where each kind lives: (API prefix, plural).
PATHS = {
    "Agent": ("/apis/kaos.tools/v1alpha1", "agents"),
    "ModelAPI": ("/apis/kaos.tools/v1alpha1", "modelapis"),
    "MCPServer": ("/apis/kaos.tools/v1alpha1", "mcpservers"),
    "Deployment": ("/apis/apps/v1", "deployments"),
    "Service": ("/api/v1", "services"),
    "ConfigMap": ("/api/v1", "configmaps"),
    "HTTPRoute": ("/apis/gateway.networking.k8s.io/v1", "httproutes"),
    "Event": ("/apis/events.k8s.io/v1", "events"),
    "Lease": ("/apis/coordination.k8s.io/v1", "leases"),
}
PREFIX = {"Agent": "agent", "ModelAPI": "modelapi", "MCPServer": "mcpserver"}


def eventually(check, timeout=20.0, what="condition", interval=0.05):
    """Polls `check` until it returns a truthy value (returned); an exception (an assertion
    not holding yet) counts as false. Fails with the last value or error at the deadline."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = check()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - not there yet
            last = e
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


def holds_for(check, seconds, what="condition", interval=0.05, on_fail=None):
    """A negative check: `check` stays true for `seconds`; fails at the first time it does not
    (with on_fail()'s value, when given, in the message)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            raise AssertionError(f"{what} stopped holding" + (f": {on_fail()!r}" if on_fail else ""))
        time.sleep(interval)


# -- manifests --------------------------------------------------------------------------------

def proxy_modelapi(name, models=("mock-model",)):
    return {"apiVersion": "kaos.tools/v1alpha1", "kind": "ModelAPI", "metadata": {"name": name},
            "spec": {"mode": "Proxy", "proxyConfig": {"provider": "mock", "models": list(models)}}}


def hosted_modelapi(name, model="smollm2:135m"):
    return {"apiVersion": "kaos.tools/v1alpha1", "kind": "ModelAPI", "metadata": {"name": name},
            "spec": {"mode": "Hosted", "hostedConfig": {"model": model}}}


def python_mcpserver(name):
    return {"apiVersion": "kaos.tools/v1alpha1", "kind": "MCPServer", "metadata": {"name": name},
            "spec": {"runtime": "python-string",
                     "params": "def echo(text: str) -> str:\n    \"\"\"Repeats the text.\"\"\"\n    return text\n"}}


def agent(name, modelapi="llm", model="mock-model", instructions="Be brief.", mcp_servers=()):
    spec = {"modelAPI": modelapi, "model": model,
            "config": {"description": f"agent {name}", "instructions": instructions}}
    if mcp_servers:
        spec["mcpServers"] = list(mcp_servers)
    return {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "metadata": {"name": name}, "spec": spec}


# -- the cluster ------------------------------------------------------------------------------

class Cluster:
    """A stand-in API server with KAOS's CRDs (and `extra_crds`), read over raw HTTP and written
    with kubectl."""

    def __init__(self, extra_crds=()):
        crds = ["--crds", CRDS]
        for path in extra_crds:
            crds += ["--crds", path]
        self.standin = StandIn(*crds, "--bookmark-interval", str(BOOKMARK_SECONDS))
        self.kubeconfig = self.standin.kubeconfig
        self.url = self.standin.url

    def stop(self):
        self.standin.stop()

    # writes, as a user makes them
    def apply(self, *objects, namespace="default"):
        text = yaml.safe_dump_all(objects)
        return self.standin.kubectl("apply", "-n", namespace, "-f", "-", stdin=text, timeout=60).stdout

    def kubectl(self, *args, **kw):
        return self.standin.kubectl(*args, **kw)

    # reads
    def path(self, kind, name=None, namespace="default"):
        api, plural = PATHS[kind]
        p = f"{api}/namespaces/{namespace}/{plural}"
        return p + (f"/{name}" if name else "")

    def get(self, kind, name, namespace="default"):
        """The object, or None when absent."""
        status, body = self.standin.request("GET", self.path(kind, name, namespace))
        if status == 404:
            return None
        if status != 200:
            raise AssertionError(f"GET {kind} {namespace}/{name}: {status} {body}")
        return body

    def list(self, kind, namespace="default", selector=None):
        p = self.path(kind, namespace=namespace)
        if selector:
            p += "?labelSelector=" + urllib.request.quote(selector)
        status, body = self.standin.request("GET", p)
        if status != 200:
            raise AssertionError(f"LIST {kind}: {status} {body}")
        return body["items"]

    def status(self, kind, name, namespace="default"):
        obj = self.get(kind, name, namespace)
        return (obj or {}).get("status") or {}

    def events_about(self, kind, name, namespace="default"):
        return [e for e in self.list("Event", namespace)
                if (e.get("regarding") or {}).get("kind") == kind and (e.get("regarding") or {}).get("name") == name]

    # the control surface
    def control(self, method, path, body=None):
        return self.standin.control(method, path, body)

    def mark_ready(self, deployment, namespace="default"):
        """Plays the Deployment controller: all replicas ready."""
        return self.control("POST", f"deployments/{namespace}/{deployment}/ready", {})

    def counters(self):
        return self.control("GET", "counters")

    def reset_counters(self):
        return self.control("POST", "counters/reset")

    def requests(self):
        """[[method, path, status, identity], …], the recent requests (watches as WATCH)."""
        return self.control("GET", "requests")["requests"]

    def wait_settled(self, quiet_seconds=1.0, timeout=20.0):
        """Until no write has reached the server for `quiet_seconds` (a cluster still being
        written to after `timeout` fails the test)."""
        last = {"writes": self.counters()["totalWrites"], "at": time.monotonic()}

        def settled():
            writes = self.counters()["totalWrites"]
            if writes != last["writes"]:
                last.update(writes=writes, at=time.monotonic())
            return time.monotonic() - last["at"] >= quiet_seconds
        eventually(settled, timeout, f"no writes for {quiet_seconds}s", interval=0.1)

    def wait_deployment(self, name, namespace="default", timeout=20.0):
        return eventually(lambda: self.get("Deployment", name, namespace), timeout, f"Deployment {name}")

    def wait_phase(self, kind, name, phase, namespace="default", message=None, timeout=20.0):
        def check():
            s = self.status(kind, name, namespace)
            if s.get("phase") == phase and (message is None or s.get("message") == message):
                return s
            return False
        return eventually(check, timeout, f"{kind} {name} phase {phase} {message or ''}".strip())


def pod_spec_hash(deployment):
    return deployment["spec"]["template"]["metadata"]["annotations"]["kaos.tools/pod-spec-hash"]


# -- the operator -----------------------------------------------------------------------------

class Operator:
    """`kaos operator --kubeconfig F` as a child process. Its log (stdout and stderr, merged) is
    kept in `lines`. By default /metrics is served on the probe port (the same bind address),
    so tests can read what it did; `metrics=False` passes `--metrics-bind-address 0`."""

    PROBE_LINE = re.compile(r"operator: health probes on 127\.0\.0\.1:(\d+)")

    def __init__(self, cluster, *flags, env=None, metrics=True, kubeconfig=None):
        address = "127.0.0.1:0"
        self.argv = [KAOS, "operator", "--kubeconfig", kubeconfig or cluster.kubeconfig,
                     "--health-probe-bind-address", address,
                     "--metrics-bind-address", address if metrics else "0", *flags]
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
        full_env.update(env or {})
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=full_env, preexec_fn=die_with_parent)
        self.lines = []
        self.port = None
        self._eof = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = self.PROBE_LINE.search(line)
            if m and self.port is None:
                self.port = int(m.group(1))
        self._eof.set()

    def log(self):
        return "".join(self.lines)

    def alive(self):
        return self.proc.poll() is None

    def http_get(self, path):
        """(status, body text) from the probe port."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def wait_ready(self, timeout=20.0):
        """Until /readyz answers 200 (it reached the API server; a leader has synced caches)."""
        def ready():
            if not self.alive():
                raise AssertionError(f"operator exited {self.proc.returncode}:\n{self.log()}")
            return self.port is not None and self.http_get("/readyz")[0] == 200
        try:
            eventually(ready, timeout, "operator /readyz 200")
        except AssertionError as e:
            raise AssertionError(f"{e}\noperator log:\n{self.log()}") from None
        return self

    def metrics(self):
        status, text = self.http_get("/metrics")
        if status != 200:
            raise AssertionError(f"/metrics answered {status}")
        return text

    def metric(self, name, **labels):
        """A metric's sum, None when the series is absent."""
        return metric_sum(self.metrics(), name, **labels)

    def wait_exit(self, timeout=20.0):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"operator still running after {timeout}s:\n{self.log()}") from None
        self._eof.wait(5)
        return code

    def sigkill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        return self.wait_exit()

    def sigterm(self, timeout=20.0):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit(timeout)

    def stop(self):
        if self.alive():
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._eof.wait(5)
        if self.proc.stdout:
            self.proc.stdout.close()


class OperatorTestCase(unittest.TestCase):
    """Each test gets its own stand-in (self.cluster); `start_operator` starts an operator that
    is killed when the test ends, passed or not. A failed test prints its operators' logs."""

    extra_crds = ()

    def setUp(self):
        self.started = time.monotonic()
        self.cluster = Cluster(self.extra_crds)
        self.addCleanup(self.cluster.stop)
        self.operators = []

    def start_operator(self, *flags, env=None, metrics=True, wait_ready=True):
        op = Operator(self.cluster, *flags, env=env, metrics=metrics)
        self.operators.append(op)
        self.addCleanup(op.stop)
        if wait_ready:
            op.wait_ready()
        return op

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        failures = len(result.failures) + len(result.errors)
        out = super().run(result)
        if len(result.failures) + len(result.errors) > failures:
            for i, op in enumerate(getattr(self, "operators", [])):
                sys.stderr.write(f"--- operator {i} log ---\n{op.log()}\n")
        return out

    def tearDown(self):
        sys.stderr.write(f"[{self.id()}: {time.monotonic() - self.started:.1f}s]\n")

    # assertions shared by several tests
    def assert_ready_status(self, kind, name, port, namespace="default"):
        s = self.cluster.status(kind, name, namespace)
        obj = self.cluster.get(kind, name, namespace)
        self.assertEqual(s.get("phase"), "Ready", s)
        self.assertIs(s.get("ready"), True, s)
        self.assertEqual(s.get("endpoint"), f"http://{PREFIX[kind]}-{name}.{namespace}.svc.cluster.local:{port}")
        self.assertEqual(s.get("message"), "Deployment ready replicas: 1/1")
        self.assertEqual(s.get("observedGeneration"), obj["metadata"]["generation"])
        ready = [c for c in s.get("conditions", []) if c.get("type") == "Ready"]
        self.assertEqual(len(ready), 1, s)
        self.assertEqual(ready[0]["status"], "True", ready)
        return s


def main():
    global KAOS
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-") and os.path.isfile(sys.argv[1]):
        KAOS = os.path.abspath(sys.argv.pop(1))
    if not os.access(KAOS, os.X_OK):
        sys.exit(f"no kaos binary at {KAOS}: pass it as the first argument or set KAOS_BIN")
    unittest.main(verbosity=2)
