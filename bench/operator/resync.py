"""Scenario 2: COUNT MCPServers reconciled to Ready by a running operator; then the operator is
stopped (SIGTERM) and a new one started: how long until its caches are synced (/readyz) and its
queue has drained (/metrics), its peak RSS, and how many writes the resync made (stand-in
counters; the target is none)."""
import threading
import time

import objects
from kube import Conn, Operator, Watch, cpu_seconds, status_kb


def create_many(port, ns, count, threads):
    """POSTs count MCPServers from `threads` keep-alive connections."""
    errors = []

    def run(first):
        conn = Conn(port)
        try:
            for i in range(first, count, threads):
                conn.ok("POST", objects.path("MCPServer", ns), objects.mcp_server(ns, f"m{i:05d}"))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        conn.close()

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]


def counters(conn):
    c = conn.ok("GET", "/_standin/counters")
    return c["totalWrites"], c["writes"]


def wait_drained(operator, expected, timeout, settle=1.0, every=0.05):
    """Seconds from the operator's start until its queue is empty and it has finished at least
    `expected` reconciles (every resource once), confirmed by no reconcile for `settle` s."""
    deadline = time.perf_counter() + timeout
    drained_at, seen = None, None
    while time.perf_counter() < deadline:
        m = operator.metrics()
        now = time.perf_counter()
        if m["depth"] == 0 and m["reconciles"] >= expected:
            if drained_at is None or m["reconciles"] != seen:
                drained_at, seen = now, m["reconciles"]
            elif now - drained_at >= settle:
                return drained_at - operator.started, m
        else:
            drained_at = None
        time.sleep(every)
    raise RuntimeError(f"the operator did not drain in {timeout} s (last metrics {m})")


def initial(port, operator, standin_pid, ns, count, threads, already_reconciled):
    """Creates count MCPServers with the operator running; returns the figures of the first
    reconcile of all of them (until every one reports Ready)."""
    conn = Conn(port)
    conn.ok("POST", "/api/v1/namespaces", objects.namespace(ns))
    rv = conn.ok("GET", objects.path("MCPServer", ns) + "?limit=1")["metadata"]["resourceVersion"]
    ready = set()

    def on_event(type_, obj, t):
        if (obj.get("status") or {}).get("ready"):
            ready.add(obj["metadata"]["name"])

    watch = Watch(port, objects.path("MCPServer", ns), rv, on_event)
    conn.ok("POST", "/_standin/counters/reset")
    op_cpu, si_cpu = cpu_seconds(operator.pid), cpu_seconds(standin_pid)
    t0 = time.perf_counter()
    create_many(port, ns, count, threads)
    created = time.perf_counter() - t0
    if not watch.wait_for(lambda: len(ready) == count, max(600, count * 0.2)):
        raise RuntimeError(f"only {len(ready)} of {count} MCPServers Ready")
    all_ready = time.perf_counter() - t0
    watch.close()
    wait_drained(operator, already_reconciled + count, 600)
    total, by_kind = counters(conn)
    conn.close()
    return {"count": count, "created_s": created, "ready_s": all_ready,
            "writes": total - count, "creates": count,
            "by_kind": by_kind, "operator_cpu_s": cpu_seconds(operator.pid) - op_cpu,
            "standin_cpu_s": cpu_seconds(standin_pid) - si_cpu, "operator_hwm_mb": status_kb(operator.pid, "VmHWM") / 1024}


def restart(port, kaos, kubeconfig, cpu, log, standin_pid, resources, namespaces, workers):
    """The caller has stopped the old operator. Starts a new one and measures its resync of
    `resources` reconciled resources."""
    conn = Conn(port)
    conn.ok("POST", "/_standin/counters/reset")
    si_cpu = cpu_seconds(standin_pid)
    operator = Operator(kaos, kubeconfig, cpu, workers, log, namespaces)
    synced = operator.wait_ready(timeout=600)
    drained, m = wait_drained(operator, resources, 600)
    # Late writes would show up here: the drain was confirmed quiet for a second already.
    total, by_kind = counters(conn)
    conn.close()
    out = {"synced_s": synced, "drained_s": drained, "reconciles": m["reconciles"], "writes": total,
           "by_kind": by_kind, "operator_writes_metric": m["writes"],
           "hwm_mb": status_kb(operator.pid, "VmHWM") / 1024, "rss_mb": status_kb(operator.pid, "VmRSS") / 1024,
           "operator_cpu_s": cpu_seconds(operator.pid), "standin_cpu_s": cpu_seconds(standin_pid) - si_cpu}
    return operator, out


def list_seconds(port, path, page=500):
    """Seconds for a client to LIST path in pages of `page` (as the operator's informers do)."""
    conn = Conn(port)
    t0 = time.perf_counter()
    items, cont = 0, ""
    while True:
        out = conn.ok("GET", f"{path}?limit={page}" + (f"&continue={cont}" if cont else ""))
        items += len(out["items"])
        cont = out["metadata"].get("continue")
        if not cont:
            break
    conn.close()
    return time.perf_counter() - t0, items
