"""Scenario 1: an Agent whose ModelAPI and MCPServer are Ready is created; how long until its
Deployment exists (seen on a watch of deployments, read on a thread: no polling)? The baseline
is the stand-in doing the same writes for a client with no think time in between."""
import json
import time

import objects
from kube import Conn, Watch, cpu_seconds


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def summary(values):
    ms = [v * 1000 for v in values]
    return {"n": len(ms), "p50": percentile(ms, 50), "p99": percentile(ms, 99), "max": max(ms)}


class DeploymentWatch:
    """The first ADDED of each Deployment (or of `path`'s objects) in a namespace, by name, with
    the time it arrived."""

    def __init__(self, port, conn, ns, path=None):
        path = path or f"/apis/apps/v1/namespaces/{ns}/deployments"
        rv = conn.ok("GET", path)["metadata"]["resourceVersion"]
        self.added = {}
        self.watch = Watch(port, path, rv, self._on)

    def _on(self, type_, obj, t):
        if type_ == "ADDED":
            self.added.setdefault(obj["metadata"]["name"], t)

    def wait(self, name, timeout=30):
        if not self.watch.wait_for(lambda: name in self.added, timeout):
            raise RuntimeError(f"Deployment {name} not seen in {timeout} s")
        return self.added[name]


class ClientBaseline:
    """The client's own round trip, in a namespace the operator does not watch: POST the Agent,
    then (same_writes: merge-patch it, as the operator adds its finalizer, and server-side apply
    the Deployment the operator renders; else: POST that Deployment), timed until the
    Deployment's ADDED arrives on a watch."""

    def __init__(self, port, kaos, ns, same_writes, agent_only=False):
        self.conn = Conn(port)
        self.ns, self.same_writes, self.agent_only = ns, same_writes, agent_only
        self.conn.ok("POST", "/api/v1/namespaces", objects.namespace(ns))
        self.template = objects.rendered_agent_deployment(kaos, ns)
        self.watch = DeploymentWatch(port, self.conn, ns, objects.path("Agent", ns) if agent_only else None)
        self.times = []

    def once(self, name):
        conn, ns = self.conn, self.ns
        body = json.loads(self.template.replace("zzbenchzz", name))
        t0 = time.perf_counter()
        conn.ok("POST", objects.path("Agent", ns), objects.agent(ns, name))
        if self.agent_only:  # the hop the operator waits for: the Agent's ADDED on a watch
            self.times.append(self.watch.wait(name) - t0)
            return
        if self.same_writes:
            conn.ok("PATCH", objects.path("Agent", ns, name), {"metadata": {"finalizers": ["bench/finalizer"]}},
                    "application/merge-patch+json")
            conn.ok("PATCH", f"/apis/apps/v1/namespaces/{ns}/deployments/agent-{name}?fieldManager=bench&force=true",
                    body, "application/apply-patch+yaml")
        else:
            conn.ok("POST", f"/apis/apps/v1/namespaces/{ns}/deployments", body)
        self.times.append(self.watch.wait(f"agent-{name}") - t0)

    def close(self):
        self.watch.watch.close()
        self.conn.close()
        return summary(self.times)


def wait_ready(conn, kind, ns, name, timeout=30):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        status, obj = conn.request("GET", objects.path(kind, ns, name))
        if status == 200 and (obj.get("status") or {}).get("ready"):
            return
        time.sleep(0.02)
    raise RuntimeError(f"{kind} {ns}/{name} not Ready in {timeout} s")


def wait_idle(operator, settle=0.05):
    """Until the operator's queue is empty and no reconcile finished for `settle` seconds."""
    last = None
    while True:
        m = operator.metrics()
        if m["depth"] == 0 and last is not None and m["reconciles"] == last:
            return
        last = m["reconciles"] if m["depth"] == 0 else None
        time.sleep(settle)


def operator_latency(port, operator, ns, n, baselines):
    """Creates the dependencies, waits until Ready, then n Agents one at a time: for each, the
    time from the POST to the Deployment's ADDED on the watch, and to the Agent's status Ready.
    Each baseline runs once before each Agent, with the operator idle, so both see the same
    machine."""
    conn = Conn(port)
    conn.ok("POST", "/api/v1/namespaces", objects.namespace(ns))
    conn.ok("POST", objects.path("ModelAPI", ns), objects.model_api(ns))
    conn.ok("POST", objects.path("MCPServer", ns), objects.mcp_server(ns, "calculator"))
    wait_ready(conn, "ModelAPI", ns, "mock-llm")
    wait_ready(conn, "MCPServer", ns, "calculator")
    rv = conn.ok("GET", objects.path("Agent", ns))["metadata"]["resourceVersion"]
    ready = {}

    def on_agent(type_, obj, t):
        if (obj.get("status") or {}).get("ready"):
            ready.setdefault(obj["metadata"]["name"], t)

    agents = Watch(port, objects.path("Agent", ns), rv, on_agent)
    deployments = DeploymentWatch(port, conn, ns)
    to_deployment, to_ready = [], []
    cpu0 = cpu_seconds(operator.pid)
    for i in range(n):
        for b in baselines:
            b.once(f"b{i}")
        wait_idle(operator)
        name = f"a{i}"
        t0 = time.perf_counter()
        conn.ok("POST", objects.path("Agent", ns), objects.agent(ns, name))
        to_deployment.append(deployments.wait(f"agent-{name}") - t0)
        if not agents.wait_for(lambda: name in ready, 30):
            raise RuntimeError(f"Agent {name} not Ready in 30 s")
        to_ready.append(ready[name] - t0)
    wait_idle(operator)
    cpu_per_agent_ms = (cpu_seconds(operator.pid) - cpu0) / n * 1000
    agents.close()
    deployments.watch.close()
    conn.close()
    return summary(to_deployment), summary(to_ready), cpu_per_agent_ms
