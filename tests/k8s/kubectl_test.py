#!/usr/bin/env python3
"""The stand-in API server driven by the real kubectl: discovery, server-side apply of our CRDs
and an Agent, schema defaults and validation, field-manager conflicts, generation, the status
subresource, watches (`get -w`), `wait`, finalizers, garbage collection, namespaces, dry-run,
and a Deployment whose readiness the test sets through the control surface."""
import json
import os
import queue
import subprocess
import threading
import unittest

from support import CRDS, HERE, StandIn, wait_for

AGENT = os.path.join(HERE, "fixtures", "agent.yaml")
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "team"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


class KubectlTest(unittest.TestCase):
    def setUp(self):
        self.k8s = StandIn()
        self.addCleanup(self.k8s.stop)
        self.k8s.kubectl("apply", "--server-side", "-f", CRDS)
        # kubectl 1.32's typed `create namespace` sends protobuf, which the stand-in refuses
        # (README.md); manifests go through the dynamic client as JSON.
        self.k8s.kubectl("apply", "--server-side", "-f", "-", stdin=json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}))

    def apply_agent(self, *extra, stdin=None, check=True):
        if stdin is None:
            return self.k8s.kubectl("apply", "--server-side", "-f", AGENT, *extra, check=check)
        return self.k8s.kubectl("apply", "--server-side", "-f", "-", *extra, stdin=stdin, check=check)

    def test_discovery_lists_crds_with_scope_and_short_names(self):
        out = self.k8s.kubectl("api-resources", "--api-group=kaos.tools", "-o", "wide").stdout
        line = next(l for l in out.splitlines() if l.startswith("agents "))
        self.assertIn("agent", line.split()[1])  # SHORTNAMES column
        self.assertIn("true", line)  # NAMESPACED
        self.assertIn("Agent", line)
        versions = self.k8s.kubectl("api-versions").stdout.split()
        for gv in ("v1", "apps/v1", "coordination.k8s.io/v1", "events.k8s.io/v1", "kaos.tools/v1alpha1",
                   "apiextensions.k8s.io/v1"):
            self.assertIn(gv, versions)
        self.assertNotIn("gateway.networking.k8s.io/v1", versions)  # optional, absent until registered
        self.k8s.kubectl("apply", "--server-side", "-f", os.path.join(HERE, "fixtures", "gateway-api-httproutes.yaml"))
        self.assertIn("gateway.networking.k8s.io/v1", self.k8s.kubectl("api-versions").stdout.split())
        self.k8s.kubectl("delete", "crd", "httproutes.gateway.networking.k8s.io")
        wait_for(lambda: "gateway.networking.k8s.io/v1" not in self.k8s.kubectl("api-versions").stdout.split(),
                 10, "the group to leave discovery")
        crds = self.k8s.kubectl_json("get", "crds")
        self.assertEqual(sorted(i["metadata"]["name"] for i in crds["items"]),
                         ["agents.kaos.tools", "mcpservers.kaos.tools", "memorystores.kaos.tools",
                          "modelapis.kaos.tools"])

    def test_apply_creates_with_metadata_and_schema_defaults(self):
        out = self.apply_agent().stdout
        self.assertIn("agent.kaos.tools/helper serverside-applied", out)
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        meta = agent["metadata"]
        self.assertEqual(meta["generation"], 1)
        self.assertTrue(meta["uid"] and meta["creationTimestamp"] and int(meta["resourceVersion"]) > 0)
        self.assertIs(agent["spec"]["waitForDependencies"], True)  # CRD default
        self.assertEqual(agent["spec"]["config"]["reasoningLoopMaxSteps"], 5)  # nested default
        managers = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team", "--show-managed-fields")
        entry = managers["metadata"]["managedFields"][0]
        self.assertEqual((entry["manager"], entry["operation"]), ("kubectl", "Apply"))
        self.assertIn("f:modelAPI", entry["fieldsV1"]["f:spec"])
        # Re-applying the same file changes nothing: same resourceVersion.
        self.apply_agent()
        again = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        self.assertEqual(again["metadata"]["resourceVersion"], meta["resourceVersion"])
        # Short names and label selectors.
        listed = self.k8s.kubectl_json("get", "agent", "-n", "team", "-l", "app=helper")
        self.assertEqual([i["metadata"]["name"] for i in listed["items"]], ["helper"])
        self.assertEqual(self.k8s.kubectl_json("get", "agent", "-n", "team", "-l", "app!=helper")["items"], [])

    def test_invalid_objects_are_refused_with_causes(self):
        missing = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                              "metadata": {"name": "bad", "namespace": "team"}, "spec": {"model": "m"}})
        r = self.apply_agent(stdin=missing, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("spec.modelAPI: Required value", r.stderr)
        bad_enum = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                               "metadata": {"name": "bad", "namespace": "team"},
                               "spec": {"modelAPI": "g", "model": "m", "config": {"memory": {"failureMode": "loud"}}}})
        r = self.apply_agent(stdin=bad_enum, check=False)
        self.assertIn("Unsupported value", r.stderr)
        self.assertIn("spec.config.memory.failureMode", r.stderr)
        too_big = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                              "metadata": {"name": "bad", "namespace": "team"},
                              "spec": {"modelAPI": "g", "model": "m", "config": {"reasoningLoopMaxSteps": 99}}})
        r = self.apply_agent(stdin=too_big, check=False)
        self.assertIn("spec.config.reasoningLoopMaxSteps", r.stderr)
        unknown = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                              "metadata": {"name": "bad", "namespace": "team"},
                              "spec": {"modelAPI": "g", "model": "m", "bogus": 1}})
        r = self.apply_agent(stdin=unknown, check=False)  # kubectl sends fieldValidation=Strict
        self.assertIn('unknown field "spec.bogus"', r.stderr)
        r = self.apply_agent("--validate=false", stdin=unknown)  # Ignore: pruned
        self.assertNotIn("bogus", json.dumps(self.k8s.kubectl_json("get", "agent", "bad", "-n", "team")))
        nowhere = self.k8s.kubectl("apply", "--server-side", "-f", "-", stdin=missing.replace('"team"', '"nope"'),
                                   check=False)
        self.assertIn('namespaces "nope" not found', nowhere.stderr)

    def test_field_manager_conflicts_and_force(self):
        self.apply_agent()
        other = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                            "metadata": {"name": "helper", "namespace": "team"},
                            "spec": {"modelAPI": "gateway", "model": "anthropic/claude"}})
        r = self.apply_agent("--field-manager=other", stdin=other, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("conflict", r.stderr.lower())
        self.assertIn(".spec.model", r.stderr)
        self.assertEqual(self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")["spec"]["model"],
                         "openai/gpt-4.1")
        self.apply_agent("--field-manager=other", "--force-conflicts", stdin=other)
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team", "--show-managed-fields")
        self.assertEqual(agent["spec"]["model"], "anthropic/claude")
        self.assertEqual(agent["metadata"]["generation"], 2)
        owners = {e["manager"]: e["fieldsV1"] for e in agent["metadata"]["managedFields"]}
        self.assertIn("f:model", owners["other"]["f:spec"])
        self.assertNotIn("f:model", owners["kubectl"]["f:spec"])
        # Dropping a field from one's applied configuration removes it when nobody else owns it.
        slim = json.dumps({"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent",
                           "metadata": {"name": "helper", "namespace": "team"},
                           "spec": {"modelAPI": "gateway", "model": "openai/gpt-4.1"}})
        self.apply_agent("--force-conflicts", stdin=slim)
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        self.assertNotIn("description", agent["spec"].get("config", {}))
        self.assertNotIn("app", agent["metadata"].get("labels", {}))

    def test_generation_status_subresource_and_wait(self):
        self.apply_agent()
        self.k8s.kubectl("label", "agent", "helper", "-n", "team", "tier=front")
        self.assertEqual(self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")["metadata"]["generation"], 1)
        # A status written through the main resource is ignored.
        self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--type=merge", "-p", '{"status":{"phase":"X"}}')
        self.assertNotIn("status", self.k8s.kubectl_json("get", "agent", "helper", "-n", "team"))
        waiter = subprocess.Popen(["kubectl", "wait", "agent/helper", "-n", "team", "--for=jsonpath={.status.phase}=Ready",
                                   "--timeout=20s"], env=self.k8s.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(stop, waiter)
        self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--subresource=status", "--type=merge",
                         "-p", '{"status":{"phase":"Ready","ready":true,"spec":"ignored"}}')
        out, err = waiter.communicate(timeout=25)
        self.assertEqual(waiter.returncode, 0, err)
        self.assertIn("condition met", out)
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        self.assertEqual(agent["status"]["phase"], "Ready")
        self.assertEqual(agent["metadata"]["generation"], 1)  # status writes never bump it
        self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--type=merge", "-p", '{"spec":{"model":"x/y"}}')
        self.assertEqual(self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")["metadata"]["generation"], 2)

    def test_get_watch_sees_added_modified_deleted(self):
        self.apply_agent()
        env = self.k8s.env
        watcher = subprocess.Popen(["kubectl", "get", "agents", "-n", "team", "-w", "--output-watch-events",
                                    "-o", "jsonpath={.type} {.object.metadata.name} {.object.spec.model}{\"\\n\"}",
                                    "--request-timeout=30s"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        self.addCleanup(stop, watcher)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l.strip()) for l in watcher.stdout], daemon=True).start()
        seen = []

        def saw(expected):
            while not lines.empty():
                seen.append(lines.get())
            return expected in seen

        wait_for(lambda: saw("ADDED helper openai/gpt-4.1"), 15, "ADDED")
        self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--type=merge", "-p", '{"spec":{"model":"x/y"}}')
        wait_for(lambda: saw("MODIFIED helper x/y"), 15, "MODIFIED")
        self.k8s.kubectl("delete", "agent", "helper", "-n", "team")
        wait_for(lambda: saw("DELETED helper x/y"), 15, "DELETED")

    def test_delete_with_finalizer_waits_for_its_removal(self):
        self.apply_agent()
        self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--type=merge",
                         "-p", '{"metadata":{"finalizers":["kaos.tools/cleanup"]}}')
        self.k8s.kubectl("delete", "agent", "helper", "-n", "team", "--wait=false")
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        self.assertTrue(agent["metadata"]["deletionTimestamp"])
        refused = self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--type=json", "-p",
                                   '[{"op":"add","path":"/metadata/finalizers/-","value":"kaos.tools/more"}]',
                                   check=False)
        self.assertIn("no new finalizers can be added", refused.stderr)
        env = self.k8s.env
        waiter = subprocess.Popen(["kubectl", "wait", "--for=delete", "agent/helper", "-n", "team", "--timeout=20s"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(stop, waiter)
        self.k8s.kubectl("patch", "agent", "helper", "-n", "team", "--type=json",
                         "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
        out, err = waiter.communicate(timeout=25)
        self.assertEqual(waiter.returncode, 0, err)
        gone = self.k8s.kubectl("get", "agent", "helper", "-n", "team", check=False)
        self.assertIn('agents.kaos.tools "helper" not found', gone.stderr)

    def test_owner_references_are_garbage_collected(self):
        self.apply_agent()
        owner = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        child = {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "helper-config", "namespace": "team", "ownerReferences": [{
                     "apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "name": "helper",
                     "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
                 "data": {"k": "v"}}
        self.k8s.kubectl("apply", "--server-side", "-f", "-", stdin=json.dumps(child))
        self.k8s.kubectl("get", "configmap", "helper-config", "-n", "team")
        self.k8s.kubectl("delete", "agent", "helper", "-n", "team")
        wait_for(lambda: "not found" in self.k8s.kubectl("get", "cm", "helper-config", "-n", "team",
                                                         check=False).stderr, 10, "the child to be collected")

    def test_dry_run_server_persists_nothing(self):
        out = self.apply_agent("--dry-run=server").stdout
        self.assertIn("serverside-applied (server dry run)", out)
        self.assertIn("not found", self.k8s.kubectl("get", "agent", "helper", "-n", "team", check=False).stderr)

    def test_deployment_rollout_follows_the_ready_replicas_the_test_sets(self):
        self.k8s.kubectl("create", "-f", "-", stdin=json.dumps(DEPLOYMENT))
        dep = self.k8s.kubectl_json("get", "deploy", "web", "-n", "team")
        self.assertEqual(dep["spec"]["replicas"], 2)
        env = self.k8s.env
        waiter = subprocess.Popen(["kubectl", "wait", "deployment/web", "-n", "team", "--for=condition=Available",
                                   "--timeout=20s"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        self.addCleanup(stop, waiter)
        self.k8s.control("POST", "deployments/team/web/ready", {"readyReplicas": 1})
        half = self.k8s.kubectl_json("get", "deploy", "web", "-n", "team")["status"]
        self.assertEqual(half["readyReplicas"], 1)
        self.assertEqual([c["status"] for c in half["conditions"] if c["type"] == "Available"], ["False"])
        self.assertIsNone(waiter.poll())
        self.k8s.control("POST", "deployments/team/web/ready", {})
        out, err = waiter.communicate(timeout=25)
        self.assertEqual(waiter.returncode, 0, err)
        rollout = self.k8s.kubectl("rollout", "status", "deployment/web", "-n", "team", "--timeout=10s")
        self.assertIn("successfully rolled out", rollout.stdout)
        self.k8s.kubectl("scale", "deployment/web", "-n", "team", "--replicas=3")
        self.assertEqual(self.k8s.kubectl_json("get", "deploy", "web", "-n", "team")["metadata"]["generation"], 2)

    def test_client_side_apply_replace_annotate_and_delete_by_label(self):
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cs", "namespace": "team",
                                                                   "labels": {"a": "b"}}, "data": {"k": "v"}}
        self.assertIn("created", self.k8s.kubectl("apply", "-f", "-", stdin=json.dumps(cm)).stdout)
        cm["data"]["k"] = "v2"  # client-side apply: a strategic merge patch with last-applied
        self.assertIn("configured", self.k8s.kubectl("apply", "-f", "-", stdin=json.dumps(cm)).stdout)
        got = self.k8s.kubectl_json("get", "cm", "cs", "-n", "team")
        self.assertEqual(got["data"], {"k": "v2"})
        self.assertIn("kubectl.kubernetes.io/last-applied-configuration", got["metadata"]["annotations"])
        self.apply_agent()
        self.k8s.kubectl("annotate", "agent", "helper", "-n", "team", "note=hi")
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        agent["spec"]["model"] = "replaced/model"
        self.k8s.kubectl("replace", "-f", "-", stdin=json.dumps(agent))
        agent = self.k8s.kubectl_json("get", "agent", "helper", "-n", "team")
        self.assertEqual((agent["spec"]["model"], agent["metadata"]["annotations"]["note"]), ("replaced/model", "hi"))
        self.k8s.kubectl("create", "-f", "-", stdin=json.dumps(DEPLOYMENT))
        names = self.k8s.kubectl("get", "all", "-n", "team", "-o", "name").stdout.split()
        self.assertEqual(names, ["deployment.apps/web"])
        self.k8s.kubectl("delete", "cm", "-n", "team", "-l", "a=b")
        self.assertEqual(self.k8s.kubectl_json("get", "cm", "-n", "team")["items"], [])

    def test_namespace_deletion_removes_its_contents(self):
        self.apply_agent()
        self.k8s.kubectl("create", "-f", "-", stdin=json.dumps(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "team"}, "data": {"a": "b"}}))
        self.k8s.kubectl("delete", "namespace", "team", "--timeout=20s")
        self.assertIn("not found", self.k8s.kubectl("get", "ns", "team", check=False).stderr)
        self.assertEqual(self.k8s.kubectl_json("get", "agents", "-A")["items"], [])


if __name__ == "__main__":
    unittest.main()
