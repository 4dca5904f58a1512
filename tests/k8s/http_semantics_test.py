#!/usr/bin/env python3
"""The stand-in over raw HTTP, as our own client (src/k8s) speaks to it: server-side apply on a
Deployment's keyed lists and on /status, finalizers owned through apply, propagation policies
and multi-owner garbage collection, no-op writes and the write counters, auto-ready, watch
selectors, initial events and history overflow, the Warn field validation header, and CRD
removal."""
import http.client
import json
import unittest

import yaml

from support import CRDS, StandIn, wait_for

DEPS = "/apis/apps/v1/namespaces/default/deployments"
CMS = "/api/v1/namespaces/default/configmaps"
AGENTS = "/apis/kaos.tools/v1alpha1/namespaces/default/agents"
APPLY = "application/apply-patch+yaml"


def deployment(containers, name="agent-a"):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}}}


class HttpSemanticsTest(unittest.TestCase):
    def setUp(self):
        self.k8s = StandIn("--crds", CRDS, "--history", "50", "--bookmark-interval", "0.2")
        self.addCleanup(self.k8s.stop)

    def req(self, method, path, body=None, ctype="application/json", expect=None):
        if ctype == APPLY and not isinstance(body, bytes):
            body = yaml.safe_dump(body).encode()
        code, out = self.k8s.request(method, path, body, ctype)
        if expect is not None:
            self.assertEqual(code, expect, out)
        return out

    def apply(self, path, obj, manager, force=False, expect=None):
        q = f"?fieldManager={manager}" + ("&force=true" if force else "")
        return self.req("PATCH", path + q, obj, APPLY, expect)

    def test_apply_merges_keyed_lists_and_reports_conflicts(self):
        op = [{"name": "agent", "image": "kaos:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]
        created = self.apply(f"{DEPS}/agent-a", deployment(op), "kaos-operator", expect=201)
        self.assertEqual(created["metadata"]["generation"], 1)
        # A second manager adds an env var to the same container (keyed by name): merged.
        self.apply(f"{DEPS}/agent-a", deployment([{"name": "agent", "env": [{"name": "C", "value": "3"}]}]),
                   "human", expect=200)
        # The operator stops applying B: removed; C (owned by human) stays.
        op[0]["env"] = [{"name": "A", "value": "1"}]
        dep = self.apply(f"{DEPS}/agent-a", deployment(op), "kaos-operator", expect=200)
        env = dep["spec"]["template"]["spec"]["containers"][0]["env"]
        self.assertEqual(sorted(e["name"] for e in env), ["A", "C"])
        # human changing the operator's image conflicts; force takes it.
        human = deployment([{"name": "agent", "image": "mine:2"}])
        err = self.apply(f"{DEPS}/agent-a", human, "human", expect=409)
        self.assertEqual(err["reason"], "Conflict")
        cause = err["details"]["causes"][0]
        self.assertEqual(cause["type"], "FieldManagerConflict")
        self.assertIn('conflict with "kaos-operator"', cause["message"])
        self.assertIn(".image", cause["field"])
        dep = self.apply(f"{DEPS}/agent-a", human, "human", force=True, expect=200)
        self.assertEqual(dep["spec"]["template"]["spec"]["containers"][0]["image"], "mine:2")
        self.assertEqual(dep["metadata"]["generation"], 4)
        # Re-applying an unchanged configuration writes nothing: same resourceVersion.
        again = self.apply(f"{DEPS}/agent-a", human, "human", force=True, expect=200)
        self.assertEqual(again["metadata"]["resourceVersion"], dep["metadata"]["resourceVersion"])
        # A missing fieldManager, or a name differing from the URL's, is a bad request.
        self.assertEqual(self.req("PATCH", f"{DEPS}/agent-a", deployment(op), APPLY)["code"], 400)
        self.apply(f"{DEPS}/other", deployment(op), "kaos-operator", expect=400)

    def test_status_apply_and_status_only_writes(self):
        self.apply(f"{AGENTS}/a", {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "metadata": {"name": "a"},
                                   "spec": {"modelAPI": "g", "model": "m"}}, "kaos-operator", expect=201)
        status = {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "metadata": {"name": "a"},
                  "spec": {"model": "ignored"}, "status": {"phase": "Waiting", "ready": False, "observedGeneration": 1}}
        out = self.apply(f"{AGENTS}/a/status", status, "kaos-operator", force=True, expect=200)
        self.assertEqual((out["status"]["phase"], out["spec"]["model"], out["metadata"]["generation"]),
                         ("Waiting", "m", 1))
        sub = {e.get("subresource", "") for e in out["metadata"]["managedFields"]}
        self.assertEqual(sub, {"", "status"})
        self.apply(f"{AGENTS}/nope/status", status | {"metadata": {"name": "nope"}}, "x", expect=404)
        bad = dict(status, status={"phase": "Sideways"})
        err = self.apply(f"{AGENTS}/a/status", bad, "kaos-operator", force=True, expect=422)
        self.assertEqual(err["details"]["causes"][0]["field"], "status.phase")

    def test_finalizer_owned_by_apply_and_foreground_orphan_and_multi_owner_gc(self):
        agent = {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                 "metadata": {"name": "a", "finalizers": ["kaos.tools/finalizer"]},
                 "spec": {"modelAPI": "g", "model": "m"}}
        self.apply(f"{AGENTS}/a", agent, "kaos-operator", expect=201)
        self.req("DELETE", f"{AGENTS}/a", expect=200)
        self.assertTrue(self.req("GET", f"{AGENTS}/a", expect=200)["metadata"]["deletionTimestamp"])
        del agent["metadata"]["finalizers"]  # the operator drops its finalizer by no longer applying it
        self.apply(f"{AGENTS}/a", agent, "kaos-operator", expect=200)
        self.assertEqual(self.req("GET", f"{AGENTS}/a")["code"], 404)

        def owned(name, *owners, finalizers=None):
            refs = [{"apiVersion": "v1", "kind": "ConfigMap", "name": o["metadata"]["name"],
                     "uid": o["metadata"]["uid"]} for o in owners]
            meta = {"name": name, "ownerReferences": refs}
            if finalizers:
                meta["finalizers"] = finalizers
            return self.req("POST", CMS, {"metadata": meta}, expect=201)

        p1 = self.req("POST", CMS, {"metadata": {"name": "p1"}}, expect=201)
        p2 = self.req("POST", CMS, {"metadata": {"name": "p2"}}, expect=201)
        owned("shared", p1, p2)
        owned("only", p1, finalizers=["test/hold"])
        # Foreground: the owner waits, with foregroundDeletion, for its dependents to go.
        self.req("DELETE", f"{CMS}/p1", {"propagationPolicy": "Foreground"}, expect=200)
        p1_now = self.req("GET", f"{CMS}/p1", expect=200)
        self.assertIn("foregroundDeletion", p1_now["metadata"]["finalizers"])
        self.assertTrue(self.req("GET", f"{CMS}/only", expect=200)["metadata"]["deletionTimestamp"])
        shared = self.req("GET", f"{CMS}/shared", expect=200)  # p2 still owns it: only the reference went
        self.assertEqual([r["name"] for r in shared["metadata"]["ownerReferences"]], ["p2"])
        self.req("PATCH", f"{CMS}/only", {"metadata": {"finalizers": None}}, "application/merge-patch+json",
                 expect=200)
        self.assertEqual(self.req("GET", f"{CMS}/only")["code"], 404)
        self.assertEqual(self.req("GET", f"{CMS}/p1")["code"], 404)
        # Orphan: the dependent stays, without the reference.
        self.req("DELETE", f"{CMS}/p2?propagationPolicy=Orphan", expect=200)
        self.assertNotIn("ownerReferences", self.req("GET", f"{CMS}/shared", expect=200)["metadata"])
        # Preconditions.
        cm = self.req("GET", f"{CMS}/shared")
        err = self.req("DELETE", f"{CMS}/shared", {"preconditions": {"uid": "not-it"}}, expect=409)
        self.assertEqual(err["reason"], "Conflict")
        self.req("DELETE", f"{CMS}/shared", {"preconditions": {"uid": cm["metadata"]["uid"]}}, expect=200)

    def test_counters_no_op_writes_and_auto_ready(self):
        cm = self.req("POST", CMS, {"metadata": {"name": "c"}, "data": {"a": "b"}}, expect=201)
        self.k8s.control("POST", "counters/reset")
        same = self.req("PUT", f"{CMS}/c", cm, expect=200)
        self.assertEqual(same["metadata"]["resourceVersion"], cm["metadata"]["resourceVersion"])
        c = self.k8s.control("GET", "counters")
        self.assertEqual((c["writes"], c["changes"]), ({"/configmaps": 1}, {}))
        self.k8s.control("POST", "auto-ready", {"enabled": True})
        dep = self.apply(f"{DEPS}/web", deployment([{"name": "c", "image": "i"}], "web"), "op", expect=201)
        ready = self.req("GET", f"{DEPS}/web/status", expect=200)["status"]
        self.assertEqual((ready["readyReplicas"], ready["observedGeneration"]), (1, dep["metadata"]["generation"]))
        c = self.k8s.control("GET", "counters")
        self.assertEqual(c["writes"]["apps/deployments"], 1)  # the stand-in's own status write is not counted
        self.assertEqual(c["changes"]["apps/deployments"], 2)
        scale = self.req("GET", f"{DEPS}/web/scale", expect=200)
        self.assertEqual((scale["kind"], scale["spec"]["replicas"], scale["status"]["selector"]), ("Scale", 1, "app=web"))

    def watch(self, path, timeout=10):
        """The events of a watch stream until it ends (timeoutSeconds in the path bounds it)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.k8s.port, timeout=timeout)
        self.addCleanup(conn.close)
        conn.request("GET", path)
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
        return [json.loads(line) for line in resp.read().splitlines() if line.strip()]

    def test_watch_answers_headers_before_any_event(self):
        rv = self.req("GET", CMS, expect=200)["metadata"]["resourceVersion"]
        conn = http.client.HTTPConnection("127.0.0.1", self.k8s.port, timeout=2)  # well under the 30 s watch
        self.addCleanup(conn.close)
        conn.request("GET", f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=30")
        resp = conn.getresponse()  # raises socket.timeout if the headers wait for an event
        self.assertEqual((resp.status, resp.getheader("Content-Type")), (200, "application/json"))
        self.req("POST", CMS, {"metadata": {"name": "late"}}, expect=201)
        event = json.loads(resp.readline())
        self.assertEqual((event["type"], event["object"]["metadata"]["name"]), ("ADDED", "late"))

    def test_watch_selectors_initial_events_and_history_overflow(self):
        self.req("POST", CMS, {"metadata": {"name": "x", "labels": {"team": "a"}}}, expect=201)
        self.req("POST", CMS, {"metadata": {"name": "y", "labels": {"team": "b"}}}, expect=201)
        events = self.watch(f"{CMS}?watch=1&labelSelector=team%3Da&timeoutSeconds=1")
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events], [("ADDED", "x")])
        # Selector transitions: leaving the selection is DELETED, entering it ADDED.
        rv0 = self.req("GET", CMS, expect=200)["metadata"]["resourceVersion"]
        self.req("PATCH", f"{CMS}/x", {"metadata": {"labels": {"team": "c"}}}, "application/merge-patch+json", expect=200)
        self.req("PATCH", f"{CMS}/y", {"metadata": {"labels": {"team": "a"}}}, "application/merge-patch+json", expect=200)
        self.req("PATCH", f"{CMS}/y", {"data": {"k": "v"}}, "application/merge-patch+json", expect=200)
        events = self.watch(f"{CMS}?watch=1&labelSelector=team%3Da&resourceVersion={rv0}&timeoutSeconds=1")
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events],
                         [("DELETED", "x"), ("ADDED", "y"), ("MODIFIED", "y")])
        self.assertEqual(events[0]["object"]["metadata"]["labels"], {"team": "a"})  # its last matching state
        events = self.watch(f"{CMS}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
                            f"&resourceVersionMatch=NotOlderThan&timeoutSeconds=1")
        self.assertEqual([e["type"] for e in events[:3]], ["ADDED", "ADDED", "BOOKMARK"])
        self.assertEqual(events[2]["object"]["metadata"]["annotations"], {"k8s.io/initial-events-end": "true"})
        listing = self.req("GET", CMS, expect=200)
        rv = listing["metadata"]["resourceVersion"]
        events = self.watch(f"{CMS}?watch=1&resourceVersion={rv}&allowWatchBookmarks=1&timeoutSeconds=1")
        self.assertTrue(events and all(e["type"] == "BOOKMARK" for e in events))
        self.assertEqual(events[0]["object"]["metadata"]["resourceVersion"], rv)
        for i in range(60):  # more than --history 50
            self.req("POST", CMS, {"metadata": {"name": f"n{i}"}}, expect=201)
        events = self.watch(f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=5")
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["type"], "ERROR")
        self.assertEqual((events[0]["object"]["code"], events[0]["object"]["reason"]), (410, "Expired"))
        newest = self.req("GET", CMS + "?limit=1", expect=200)["metadata"]["resourceVersion"]
        self.req("DELETE", f"{CMS}/n0", expect=200)
        events = self.watch(f"{CMS}?watch=1&resourceVersion={newest}&timeoutSeconds=1")
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events], [("DELETED", "n0")])
        self.assertEqual(self.req("GET", CMS + "?watch=1&resourceVersion=abc", expect=400)["reason"], "BadRequest")

    def test_unknown_fields_warn_and_crd_removal(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.k8s.port, timeout=10)
        self.addCleanup(conn.close)
        body = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "metadata": {"name": "a"},
                           "spec": {"modelAPI": "g", "model": "m", "extra": 1}})
        conn.request("POST", AGENTS + "?fieldValidation=Warn", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        created = json.loads(resp.read())
        self.assertEqual(resp.status, 201)
        self.assertIn('unknown field \\"spec.extra\\"', resp.getheader("Warning"))
        self.assertNotIn("extra", created["spec"])
        self.req("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/agents.kaos.tools", expect=200)
        wait_for(lambda: self.req("GET", "/apis/kaos.tools/v1alpha1").get("resources") is not None and
                 all(r["name"] != "agents" for r in self.req("GET", "/apis/kaos.tools/v1alpha1")["resources"]),
                 5, "agents gone from discovery")
        self.assertEqual(self.req("GET", AGENTS)["code"], 404)


if __name__ == "__main__":
    unittest.main()
