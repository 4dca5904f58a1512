#!/usr/bin/python3
"""bench/operator: `kaos operator` against the stand-in API server (tests/k8s). Prints Markdown
tables: (1) Agent created -> its Deployment exists, against the stand-in doing the same writes
for a client; (2) COUNT MCPServers resynced after an operator restart: time, peak RSS, writes;
(3) the stand-in's own request rate. Usage (bench/operator/run.sh sets the defaults):

    driver.py KAOS [--agents N] [--count N] [--workers N] [--standin-cpu C] [--operator-cpu C]
"""
import argparse
import os
import platform
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import latency  # noqa: E402
import objects  # noqa: E402
import resync  # noqa: E402
import standin_rate  # noqa: E402
from kube import Conn, Operator, StandIn, cpu_seconds  # noqa: E402


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |")


def f1(x):
    return f"{x:.1f}"


def header(args):
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"## bench/operator — {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"{platform.release()}, load average {load}")
    print()
    print(f"Stand-in API server (Python, tests/k8s) on CPU{args.standin_cpu} with this driver; "
          f"`kaos operator --workers {args.workers}` (scenario 1), `--workers {args.resync_workers}` (scenario 2) on "
          f"CPU{args.operator_cpu}, watching the namespaces `lat,resync`.")
    print()


def print_latency(base_min, base_same, base_hop, to_dep, to_ready, cpu_ms, n):
    print(f"### 1. Agent created (ModelAPI and MCPServer Ready) -> its Deployment exists, {n} Agents one at a time")
    print()
    print("Time from the client's POST of the Agent to the Deployment's ADDED event on a watch of deployments.")
    print()
    row("path", "p50 ms", "p99 ms", "max ms")
    row("---", "---", "---", "---")
    row("client: POST Agent, POST Deployment (baseline: the stand-in's floor)", f1(base_min["p50"]),
        f1(base_min["p99"]), f1(base_min["max"]))
    row("client: POST Agent, merge-patch it, server-side apply the rendered Deployment (baseline: the operator's "
        "writes, no think time)", f1(base_same["p50"]), f1(base_same["p99"]), f1(base_same["max"]))
    row("client: POST Agent, until its own ADDED arrives on a watch of agents (the hop before the operator "
        "can start)", f1(base_hop["p50"]), f1(base_hop["p99"]), f1(base_hop["max"]))
    row("**kaos operator** — target p50 ≤ 100 ms", f"**{f1(to_dep['p50'])}**", f1(to_dep["p99"]), f1(to_dep["max"]))
    row("**added by the operator** (operator − same-writes baseline)", f"**{f1(to_dep['p50'] - base_same['p50'])}**",
        f1(to_dep["p99"] - base_same["p99"]), "")
    row("operator / same-writes baseline", f"{to_dep['p50'] / base_same['p50']:.2f}",
        f"{to_dep['p99'] / base_same['p99']:.2f}", "")
    row("kaos operator: Agent created -> status Ready (Deployment made ready by the stand-in's auto-ready)",
        f1(to_ready["p50"]), f1(to_ready["p99"]), f1(to_ready["max"]))
    print()
    print(f"The operator's own CPU per Agent (every reconcile of it, its writes' client side and the "
          f"/metrics polls that wait for it to idle): {cpu_ms:.2f} ms.")
    print()


def kinds(by_kind, skip=()):
    return ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()) if v and k not in skip) or "none"


def print_resync(first, listing, again, exit_code, count):
    print(f"### 2. {count} MCPServers: first reconcile, then resync after an operator restart")
    print()
    row("figure", "target", "measured", "baseline / context, same run")
    row("---", "---", "---", "---")
    row(f"first reconcile: {count} created (client, 2 connections) until all Ready", "–",
        f"{f1(first['ready_s'])} s (creates done at {f1(first['created_s'])} s)",
        f"operator CPU {f1(first['operator_cpu_s'])} s, stand-in CPU {f1(first['standin_cpu_s'])} s")
    row("first reconcile: operator writes", "–", f"{first['writes']} ({first['writes'] / count:.1f} per MCPServer)",
        kinds(first["by_kind"]) + f" (mcpservers includes the client's {count} creates)")
    row("restart: SIGTERM to exit", "–", f"exit code {exit_code}", "")
    row("restart: start -> caches synced (/readyz 200)", "–", f"{f1(again['synced_s'])} s",
        f"a client LISTing the {listing[1]} MCPServers in pages of 500: {f1(listing[0])} s")
    row(f"**restart: start -> queue drained** ({int(again['reconciles'])} reconciles)", "≤ 60 s",
        f"**{f1(again['drained_s'])} s**", f"operator CPU {f1(again['operator_cpu_s'])} s, stand-in CPU "
        f"{f1(again['standin_cpu_s'])} s")
    row("**restart: peak RSS (VmHWM)**", "≤ 64 MB", f"**{f1(again['hwm_mb'])} MB** (VmRSS after: "
        f"{f1(again['rss_mb'])} MB)", f"after the first reconcile, the first operator's VmHWM: "
        f"{f1(first['operator_hwm_mb'])} MB")
    row("**restart: writes during the resync**", "0", f"**{again['writes']}**", kinds(again["by_kind"]))
    print()


def print_rate(r):
    print("### 3. The stand-in API server alone (same machine, a Python client on its CPU)")
    print()
    row("request", "req/s")
    row("---", "---")
    row("GET one ConfigMap, 1 connection", f"{r['get_c1']:.0f}")
    row("GET one ConfigMap, 4 connections", f"{r['get_c4']:.0f}")
    row("POST a small ConfigMap, 1 connection", f"{r['create_c1']:.0f}")
    row("server-side apply of an agent's Deployment (new), 1 connection", f"{r['apply_c1']:.0f}")
    print()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kaos")
    p.add_argument("--agents", type=int, default=100)
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--workers", type=int, default=4, help="the operator's --workers in scenario 1")
    p.add_argument("--resync-workers", type=int, default=16, help="the operator's --workers in scenario 2")
    p.add_argument("--standin-cpu", type=int, default=0)
    p.add_argument("--operator-cpu", type=int, default=1)
    p.add_argument("--history", type=int, default=50000)
    args = p.parse_args()
    header(args)
    work = tempfile.mkdtemp(prefix="bench-operator-")
    log = os.path.join(work, "operator.log")
    # The stand-in's own rate, on a stand-in of its own (what it creates stays out of the way).
    rate_standin = StandIn(args.standin_cpu, work, args.history)
    try:
        rates = standin_rate.measure(rate_standin.port, objects.rendered_agent_deployment(args.kaos, "standin-rate"))
    finally:
        rate_standin.stop()
    standin = StandIn(args.standin_cpu, work, args.history)
    operator = None
    try:
        conn = Conn(standin.port)
        conn.ok("POST", "/_standin/auto-ready", {"enabled": True})  # plays the Deployment controller
        conn.close()
        # The operator watches only the namespaces of its scenarios: the baselines' Agents, in
        # namespaces of their own, are not reconciled.
        operator = Operator(args.kaos, standin.kubeconfig, args.operator_cpu, args.workers, log, "lat,resync")
        operator.wait_ready()
        baselines = [latency.ClientBaseline(standin.port, args.kaos, "base-min", False),
                     latency.ClientBaseline(standin.port, args.kaos, "base-same", True),
                     latency.ClientBaseline(standin.port, args.kaos, "base-hop", False, agent_only=True)]
        to_dep, to_ready, cpu_ms = latency.operator_latency(standin.port, operator, "lat", args.agents, baselines)
        base_min, base_same, base_hop = (b.close() for b in baselines)
        print_latency(base_min, base_same, base_hop, to_dep, to_ready, cpu_ms, args.agents)
        sys.stdout.flush()
        reconciled = 2 + args.agents
        # Scenario 2 runs with more workers: a reconcile mostly waits on the stand-in's answers.
        operator.stop()
        operator = Operator(args.kaos, standin.kubeconfig, args.operator_cpu, args.resync_workers, log, "lat,resync")
        operator.wait_ready()
        resync.wait_drained(operator, reconciled, 120)
        first = resync.initial(standin.port, operator, standin.pid, "resync", args.count, 2,
                               operator.metrics()["reconciles"])
        listing = resync.list_seconds(standin.port, objects.path("MCPServer", "resync"))
        exit_code = operator.stop()
        operator, again = resync.restart(standin.port, args.kaos, standin.kubeconfig, args.operator_cpu,
                                         log, standin.pid, reconciled + args.count, "lat,resync",
                                         args.resync_workers)
        print_resync(first, listing, again, exit_code, args.count)
        print_rate(rates)
        print(f"Stand-in CPU over the whole run: {cpu_seconds(standin.pid):.1f} s. Operator log: {log}")
    finally:
        if operator and operator.proc.poll() is None:
            operator.stop()
        standin.stop()


if __name__ == "__main__":
    main()
