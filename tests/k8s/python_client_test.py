#!/usr/bin/env python3
"""The stand-in API server driven by Debian's python3-kubernetes client: typed CRUD and its
Status errors (404, 409 AlreadyExists and Conflict, 422, 410, 429 with Retry-After), list
pagination, the status subresource of a Deployment and a custom resource, watch.Watch with
resume after a dropped connection and a 410 relist, bookmarks, Leases, events.k8s.io Events,
the service proxy, and raw-HTTP error shapes (405, 415, 404)."""
import http.server
import json
import queue
import threading
import time
import unittest

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from support import CRDS, StandIn, wait_for


def deployment(name, replicas=1):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}


def agent(name, model="openai/gpt-4.1"):
    return {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "metadata": {"name": name},
            "spec": {"modelAPI": "gateway", "model": model}}


class PythonClientTest(unittest.TestCase):
    def setUp(self):
        self.k8s = StandIn("--crds", CRDS)
        self.addCleanup(self.k8s.stop)
        self.api_client = config.new_client_from_config(config_file=self.k8s.kubeconfig)
        self.addCleanup(self.api_client.close)
        self.core = client.CoreV1Api(self.api_client)
        self.apps = client.AppsV1Api(self.api_client)
        self.custom = client.CustomObjectsApi(self.api_client)
        self.core.create_namespace({"metadata": {"name": "team"}})

    def status_of(self, exc):
        body = json.loads(exc.body)
        self.assertEqual(body["kind"], "Status")
        self.assertEqual(body["code"], exc.status)
        return body

    def test_crud_and_status_errors(self):
        cm = self.core.create_namespaced_config_map("team", {"metadata": {"name": "a", "labels": {"x": "1"}},
                                                             "data": {"k": "v"}})
        self.assertTrue(cm.metadata.uid)
        with self.assertRaises(ApiException) as ctx:
            self.core.create_namespaced_config_map("team", {"metadata": {"name": "a"}})
        self.assertEqual((ctx.exception.status, self.status_of(ctx.exception)["reason"]), (409, "AlreadyExists"))
        with self.assertRaises(ApiException) as ctx:
            self.core.read_namespaced_config_map("missing", "team")
        body = self.status_of(ctx.exception)
        self.assertEqual((body["code"], body["reason"], body["details"]["name"]), (404, "NotFound", "missing"))
        fresh = self.core.read_namespaced_config_map("a", "team")
        fresh.data = {"k": "v2"}
        updated = self.core.replace_namespaced_config_map("a", "team", fresh)
        self.assertGreater(int(updated.metadata.resource_version), int(cm.metadata.resource_version))
        fresh.data = {"k": "stale"}  # still carries the old resourceVersion
        with self.assertRaises(ApiException) as ctx:
            self.core.replace_namespaced_config_map("a", "team", fresh)
        self.assertEqual((ctx.exception.status, self.status_of(ctx.exception)["reason"]), (409, "Conflict"))
        self.assertEqual(self.core.read_namespaced_config_map("a", "team").data, {"k": "v2"})
        with self.assertRaises(ApiException) as ctx:
            self.core.create_namespaced_config_map("nowhere", {"metadata": {"name": "a"}})
        self.assertEqual(ctx.exception.status, 404)
        self.core.create_namespaced_config_map("team", {"metadata": {"name": "b", "labels": {"x": "2"}}})
        self.assertEqual([c.metadata.name for c in
                          self.core.list_namespaced_config_map("team", label_selector="x in (2,3)").items], ["b"])
        status = self.core.delete_namespaced_config_map("a", "team")
        self.assertEqual(status.status, "Success")
        self.assertEqual([c.metadata.name for c in self.core.list_namespaced_config_map("team").items], ["b"])
        with self.assertRaises(ApiException) as ctx:
            self.core.create_namespaced_secret("team", {"metadata": {"name": "s"}, "data": {"k": "not base64!"}})
        body = self.status_of(ctx.exception)
        self.assertEqual((body["code"], body["reason"]), (422, "Invalid"))
        self.assertEqual(body["details"]["causes"][0]["field"], "data[k]")
        secret = self.core.create_namespaced_secret("team", {"metadata": {"name": "s"}, "stringData": {"k": "v"}})
        self.assertEqual(secret.data, {"k": "dg=="})

    def test_pagination_and_expired_continue(self):
        for i in range(7):
            self.core.create_namespaced_config_map("team", {"metadata": {"name": f"cm{i}"}})
        names, token, pages = [], None, 0
        while True:
            page = self.core.list_namespaced_config_map("team", limit=3, _continue=token)
            names += [c.metadata.name for c in page.items]
            pages += 1
            token = page.metadata._continue
            if not token:
                break
        self.assertEqual((names, pages), ([f"cm{i}" for i in range(7)], 3))
        first = self.core.list_namespaced_config_map("team", limit=3)
        self.assertEqual(first.metadata.remaining_item_count, 4)
        self.core.create_namespaced_config_map("team", {"metadata": {"name": "late"}})
        self.k8s.control("POST", "compact")
        with self.assertRaises(ApiException) as ctx:
            self.core.list_namespaced_config_map("team", limit=3, _continue=first.metadata._continue)
        self.assertEqual((ctx.exception.status, self.status_of(ctx.exception)["reason"]), (410, "Expired"))

    def test_deployment_status_subresource_and_generation(self):
        dep = self.apps.create_namespaced_deployment("team", deployment("web", 2))
        self.assertEqual(dep.metadata.generation, 1)
        dep.status = client.V1DeploymentStatus(ready_replicas=2, replicas=2, observed_generation=1)
        after = self.apps.replace_namespaced_deployment_status("web", "team", dep)
        self.assertEqual((after.status.ready_replicas, after.metadata.generation), (2, 1))
        after.spec.replicas = 5
        after.status.ready_replicas = 0  # ignored: the main resource does not write status
        after = self.apps.replace_namespaced_deployment("web", "team", after)
        self.assertEqual((after.spec.replicas, after.status.ready_replicas, after.metadata.generation), (5, 2, 2))
        # This client sends its patches as JSON patch.
        after = self.apps.patch_namespaced_deployment(
            "web", "team", [{"op": "add", "path": "/metadata/labels/tier", "value": "front"}])
        self.assertEqual((after.metadata.labels["tier"], after.metadata.generation), ("front", 2))
        ready = self.k8s.control("POST", "deployments/team/web/ready", {"readyReplicas": 3})
        self.assertEqual(ready["status"]["readyReplicas"], 3)
        self.assertEqual(self.apps.read_namespaced_deployment_status("web", "team").status.observed_generation, 2)
        with self.assertRaises(ApiException) as ctx:
            bad = deployment("bad")
            bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
            self.apps.create_namespaced_deployment("team", bad)
        body = self.status_of(ctx.exception)
        self.assertEqual((body["reason"], body["details"]["causes"][0]["field"]),
                         ("Invalid", "spec.template.metadata.labels"))

    def test_custom_objects_status_and_conflict(self):
        args = ("kaos.tools", "v1alpha1", "team", "agents")
        created = self.custom.create_namespaced_custom_object(*args, agent("a"))
        self.assertIs(created["spec"]["waitForDependencies"], True)  # schema default
        status = self.custom.patch_namespaced_custom_object_status(*args, "a", {"status": {"phase": "Ready"}})
        self.assertEqual((status["status"]["phase"], status["metadata"]["generation"]), ("Ready", 1))
        spec = self.custom.patch_namespaced_custom_object(*args, "a", {"spec": {"model": "x/y"},
                                                                       "status": {"phase": "Ignored"}})
        self.assertEqual((spec["status"]["phase"], spec["metadata"]["generation"]), ("Ready", 2))
        stale = dict(created, spec=dict(created["spec"], model="stale/model"))
        with self.assertRaises(ApiException) as ctx:
            self.custom.replace_namespaced_custom_object(*args, "a", stale)
        self.assertEqual((ctx.exception.status, self.status_of(ctx.exception)["reason"]), (409, "Conflict"))
        with self.assertRaises(ApiException) as ctx:
            self.custom.create_namespaced_custom_object(*args, {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                                                                "metadata": {"name": "b"}, "spec": {"model": 3}})
        causes = {c["field"]: c["reason"] for c in self.status_of(ctx.exception)["details"]["causes"]}
        self.assertEqual(causes, {"spec.modelAPI": "FieldValueRequired", "spec.model": "FieldValueTypeInvalid"})
        listed = self.custom.list_namespaced_custom_object(*args)
        self.assertEqual([i["metadata"]["name"] for i in listed["items"]], ["a"])

    def test_watch_resumes_after_a_drop_and_relists_after_410(self):
        listing = self.core.list_namespaced_config_map("team")
        w = watch.Watch()
        events = queue.Queue()

        def run():
            try:
                for ev in w.stream(self.core.list_namespaced_config_map, "team",
                                   resource_version=listing.metadata.resource_version, _request_timeout=30):
                    events.put((ev["type"], ev["object"].metadata.name))
            except Exception as e:  # reported to the test thread
                events.put(("EXC", e))

        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.addCleanup(lambda: (w.stop(), self.k8s.control("POST", "watches/drop"), t.join(10)))
        seen = []

        def saw(expected):
            while not events.empty():
                seen.append(events.get())
            return expected in seen

        self.core.create_namespaced_config_map("team", {"metadata": {"name": "one"}})
        wait_for(lambda: saw(("ADDED", "one")), 10, "ADDED one")
        wait_for(lambda: self.k8s.control("GET", "counters")["openWatches"] == 1, 10, "one open watch")
        self.assertEqual(self.k8s.control("POST", "watches/drop")["dropped"], 1)
        self.core.patch_namespaced_config_map("one", "team", [{"op": "add", "path": "/data", "value": {"a": "b"}}])
        self.core.delete_namespaced_config_map("one", "team")
        # The client re-watched from its last resourceVersion: nothing was lost.
        wait_for(lambda: saw(("DELETED", "one")), 10, "DELETED one after the drop")
        self.assertIn(("MODIFIED", "one"), seen)
        w.stop()
        self.k8s.control("POST", "watches/drop")
        t.join(10)
        # A watch from a compacted version fails with 410; the client then lists again.
        old_rv = listing.metadata.resource_version
        self.core.create_namespaced_config_map("team", {"metadata": {"name": "two"}})
        self.k8s.control("POST", "compact")
        with self.assertRaises(ApiException) as ctx:
            for _ in watch.Watch().stream(self.core.list_namespaced_config_map, "team", resource_version=old_rv,
                                          _request_timeout=10):
                self.fail("no event expected before the 410")
        self.assertEqual(ctx.exception.status, 410)
        relist = self.core.list_namespaced_config_map("team")
        self.assertEqual([c.metadata.name for c in relist.items], ["two"])
        fresh = watch.Watch().stream(self.core.list_namespaced_config_map, "team",
                                     resource_version=relist.metadata.resource_version, timeout_seconds=5,
                                     allow_watch_bookmarks=True)
        self.core.create_namespaced_config_map("team", {"metadata": {"name": "three"}})
        types = []
        for ev in fresh:
            types.append(ev["type"])
            if "BOOKMARK" in types:
                break
        self.assertEqual(types[0], "ADDED")
        self.assertIn("BOOKMARK", types)

    def test_leases_events_and_injected_429(self):
        coord = client.CoordinationV1Api(self.api_client)
        lease = coord.create_namespaced_lease("team", {"metadata": {"name": "kaos-operator.kaos.tools"},
                                                       "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15}})
        lease.spec.holder_identity = "b"
        coord.replace_namespaced_lease(lease.metadata.name, "team", lease)
        lease.spec.holder_identity = "c"  # stale: b took it first
        with self.assertRaises(ApiException) as ctx:
            coord.replace_namespaced_lease(lease.metadata.name, "team", lease)
        self.assertEqual(ctx.exception.status, 409)
        self.assertEqual(coord.read_namespaced_lease(lease.metadata.name, "team").spec.holder_identity, "b")
        events = client.EventsV1Api(self.api_client)
        events.create_namespaced_event("team", {"metadata": {"name": "e1"}, "eventTime": "2026-01-01T00:00:00.000000Z",
                                                "reason": "Created", "note": "made it", "type": "Normal",
                                                "action": "Create", "reportingController": "kaos.tools/operator",
                                                "reportingInstance": "op-1",
                                                "regarding": {"kind": "Agent", "name": "a", "namespace": "team"}})
        self.assertEqual(events.list_namespaced_event("team").items[0].note, "made it")
        # urllib3 under this client honours Retry-After on a 429: it waits and retries.
        self.k8s.control("POST", "inject", {"method": "GET", "pathPrefix": "/api/v1/namespaces/team/configmaps",
                                            "code": 429, "count": 1, "retryAfterSeconds": 1})
        start = time.monotonic()
        self.assertEqual(self.core.list_namespaced_config_map("team").items, [])
        self.assertGreaterEqual(time.monotonic() - start, 0.9)
        log = [r for r in self.k8s.control("GET", "requests")["requests"]
               if r[1].startswith("/api/v1/namespaces/team/configmaps")]
        self.assertEqual([r[2] for r in log], [429, 200])
        self.k8s.control("POST", "inject", {"pathPrefix": "/api/v1/namespaces/team/secrets", "code": 429,
                                            "retryAfterSeconds": 3})
        code, body = self.k8s.request("GET", "/api/v1/namespaces/team/secrets")
        self.assertEqual((code, body["reason"], body["details"]["retryAfterSeconds"]), (429, "TooManyRequests", 3))

    def test_service_proxy_and_raw_error_shapes(self):
        class Target(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                data = json.dumps({"path": self.path}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
        threading.Thread(target=target.serve_forever, daemon=True).start()
        self.addCleanup(lambda: (target.shutdown(), target.server_close()))
        self.core.create_namespaced_service("team", {"metadata": {"name": "agent-a"},
                                                     "spec": {"ports": [{"name": "http", "port": 8000}]}})
        code, body = self.k8s.request("GET", "/api/v1/namespaces/team/services/agent-a:8000/proxy/health")
        self.assertEqual((code, body["reason"]), (503, "ServiceUnavailable"))
        self.k8s.control("POST", "services/team/agent-a/proxy",
                         {"port": "8000", "target": f"http://127.0.0.1:{target.server_address[1]}"})
        out = self.core.connect_get_namespaced_service_proxy_with_path("agent-a:8000", "team", "health",
                                                                       _preload_content=False)
        self.assertEqual(json.loads(out.data), {"path": "/health"})
        code, body = self.k8s.request("POST", "/api/v1/namespaces/team/configmaps/x", {})
        self.assertEqual((code, body["reason"]), (405, "MethodNotAllowed"))
        self.custom.create_namespaced_custom_object("kaos.tools", "v1alpha1", "team", "agents", agent("a"))
        code, body = self.k8s.request("PATCH", "/apis/kaos.tools/v1alpha1/namespaces/team/agents/a", {"spec": {}},
                                      "application/strategic-merge-patch+json")
        self.assertEqual((code, body["reason"]), (415, "UnsupportedMediaType"))
        code, body = self.k8s.request("GET", "/apis/kaos.tools/v1alpha1/namespaces/team/nothings")
        self.assertEqual((code, body["reason"]), (404, "NotFound"))
        code, body = self.k8s.request("POST", "/api/v1/namespaces/team/configmaps", b"{not json")
        self.assertEqual((code, body["reason"]), (400, "BadRequest"))
        code, body = self.k8s.request("PATCH", "/apis/kaos.tools/v1alpha1/namespaces/team/agents/a",
                                      b"spec: {model: m}\n", "application/apply-patch+yaml")
        self.assertEqual((code, body["reason"]), (400, "BadRequest"))  # fieldManager is required
        self.assertIn("fieldManager", body["message"])


if __name__ == "__main__":
    unittest.main()
