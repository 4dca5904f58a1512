"""The test-control surface under /_standin/ (documented in ../README.md): counters, dropping
watches, compacting history, a Deployment's readiness, service proxy targets, and injected
failures. It plays the parts of a real cluster the stand-in does not run (the Deployment
controller, endpoints) and lets tests provoke what a real server does rarely (410, 429)."""
import copy
import re
import threading

from . import managed
from .errors import ApiError, not_found


class Injected:
    def __init__(self, method, prefix, code, count, retry_after, reason):
        self.method, self.prefix, self.code, self.count = method, prefix, code, count
        self.retry_after, self.reason = retry_after, reason


class Control:
    def __init__(self, state):
        self.state = state
        self.auto_ready = False
        self.proxy_targets = {}  # (ns, service, port) -> base URL
        self.injections = []
        self.lock = threading.Lock()

    # -- hooks ------------------------------------------------------------------------------

    def injected(self, method, path):
        with self.lock:
            for inj in self.injections:
                if inj.count > 0 and (not inj.method or inj.method == method) and path.startswith(inj.prefix):
                    inj.count -= 1
                    headers = {"Retry-After": str(inj.retry_after)} if inj.retry_after is not None else {}
                    details = {"retryAfterSeconds": inj.retry_after} if inj.retry_after is not None else None
                    return ApiError(inj.code, inj.reason, f"injected by the stand-in's test control "
                                    f"({inj.code} {inj.reason})", details, headers)
        return None

    def after_write(self, rtype, obj):
        if self.auto_ready and rtype.key == ("apps", "deployments") and obj.get("metadata", {}).get("uid"):
            meta = obj["metadata"]
            status = obj.get("status") or {}
            if status.get("observedGeneration") != meta.get("generation") or \
                    status.get("readyReplicas", 0) != (obj.get("spec") or {}).get("replicas", 1):
                try:
                    self.set_ready(meta["namespace"], meta["name"], None)
                except ApiError:
                    pass

    # -- operations -------------------------------------------------------------------------

    def set_ready(self, ns, name, ready):
        """Writes a Deployment's status as its controller would with `ready` pods ready
        (None: all of spec.replicas)."""
        api, store = self.state.api, self.state.store
        rtype = self.state.registry.find("apps", "v1", "deployments")
        with store.lock:
            obj = store.get(rtype.key, ns, name)
            if obj is None:
                raise not_found("apps", "deployments", name)
            replicas = (obj.get("spec") or {}).get("replicas", 1)
            ready = replicas if ready is None else int(ready)
            new = copy.deepcopy(obj)
            available = ready >= replicas
            now = managed.now()
            new["status"] = {
                "observedGeneration": obj["metadata"].get("generation", 1),
                "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": ready,
                "availableReplicas": ready, "unavailableReplicas": max(0, replicas - ready),
                "conditions": [
                    {"type": "Available", "status": "True" if available else "False",
                     "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                     "message": "Deployment has minimum availability." if available else
                     "Deployment does not have minimum availability.",
                     "lastUpdateTime": now, "lastTransitionTime": now},
                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                     "message": f'ReplicaSet "{name}" has successfully progressed.',
                     "lastUpdateTime": now, "lastTransitionTime": now},
                ],
            }
            if ready == 0:
                for k in ("readyReplicas", "availableReplicas"):
                    new["status"].pop(k)
            before = store.writes.copy()
            result, _ = api._commit_update(rtype, obj, new, {}, "kube-controller-manager", "status")
            store.writes = before  # the controller's writes are not the client's
            return result

    def handle(self, method, path, body):
        store = self.state.store
        parts = [p for p in path.split("/") if p][1:]
        if parts == ["counters"] and method == "GET":
            with store.lock:
                return 200, {"writes": dict(store.writes), "changes": dict(store.changes),
                             "totalWrites": sum(store.writes.values()), "openWatches": store.open_watches,
                             "resourceVersion": str(store.rv), "compactedResourceVersion": str(store.compacted_rv)}
        if parts == ["counters", "reset"] and method == "POST":
            with store.lock:
                store.writes.clear()
                store.changes.clear()
            return 200, {}
        if parts == ["requests"] and method == "GET":
            with store.lock:
                return 200, {"requests": [list(r) for r in store.requests]}
        if parts == ["watches", "drop"] and method == "POST":
            with store.lock:
                n = store.open_watches
                store.drop_watches()
            return 200, {"dropped": n}
        if parts == ["compact"] and method == "POST":
            with store.lock:
                store.compact()
                return 200, {"compactedResourceVersion": str(store.compacted_rv)}
        if parts == ["auto-ready"] and method == "POST":
            self.auto_ready = bool(body.get("enabled", True))
            return 200, {"enabled": self.auto_ready}
        if len(parts) == 4 and parts[0] == "deployments" and parts[3] == "ready" and method == "POST":
            obj = self.set_ready(parts[1], parts[2], body.get("readyReplicas"))
            return 200, obj
        if len(parts) == 4 and parts[0] == "services" and parts[3] == "proxy" and method == "POST":
            if not re.match(r"^https?://", str(body.get("target", ""))):
                return 400, {"error": "target must be an http:// URL"}
            key = (parts[1], parts[2], str(body.get("port", "")))
            with self.lock:
                self.proxy_targets[key] = body["target"].rstrip("/")
            return 200, {}
        if parts == ["auth", "tokens"] and method == "POST":
            tokens = body.get("tokens")
            if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
                return 400, {"error": "tokens must be a list of non-empty strings"}
            self.state.auth.set_tokens(tokens)
            return 200, {}
        if parts == ["inject"] and method == "POST":
            code = int(body.get("code", 500))
            reason = body.get("reason") or {429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable",
                                            403: "Forbidden", 504: "Timeout"}.get(code, "Unknown")
            with self.lock:
                self.injections.append(Injected(body.get("method", ""), body.get("pathPrefix", "/"), code,
                                                int(body.get("count", 1)), body.get("retryAfterSeconds"), reason))
            return 200, {}
        return 404, {"error": f"no such control endpoint: {method} {path}"}
