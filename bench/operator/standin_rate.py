"""Scenario 3: the stand-in API server's own request rate for a client on this machine (GET of
one object, POST of a small ConfigMap, server-side apply of an agent's Deployment), so the
operator's figures can be read against what the server in front of it can do."""
import json
import threading
import time

from kube import Conn


def rate(port, make_request, seconds, threads=1):
    """Requests per second over `seconds` from `threads` keep-alive connections."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def run(t):
        conn = Conn(port)
        i = 0
        while time.perf_counter() < stop:
            make_request(conn, t, i)
            i += 1
        done[t] = i
        conn.close()

    t0 = time.perf_counter()
    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - t0)


def measure(port, deployment_template, seconds=3.0):
    ns = "standin-rate"
    conn = Conn(port)
    conn.ok("POST", "/api/v1/namespaces", {"metadata": {"name": ns}})
    conn.ok("POST", f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "one"}, "data": {"k": "v"}})
    conn.close()
    cm = f"/api/v1/namespaces/{ns}/configmaps"

    def get(c, t, i):
        c.ok("GET", f"{cm}/one")

    def create(c, t, i):
        c.ok("POST", cm, {"metadata": {"name": f"c{t}-{i}"}, "data": {"k": "v"}})

    def apply(c, t, i):
        body = json.loads(deployment_template.replace("zzbenchzz", f"r{t}-{i}"))
        body["metadata"]["namespace"] = ns
        c.ok("PATCH", f"/apis/apps/v1/namespaces/{ns}/deployments/agent-r{t}-{i}?fieldManager=bench&force=true",
             body, "application/apply-patch+yaml")

    out = {"get_c1": rate(port, get, seconds), "get_c4": rate(port, get, seconds, 4),
           "create_c1": rate(port, create, seconds), "apply_c1": rate(port, apply, seconds)}
    return out
