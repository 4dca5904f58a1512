"""Each kind the operator reconciles, created with kubectl: the children it writes (names,
labels, owner references, container, port, probes, the pod-spec-hash annotation), the status
once the test plays the Deployment controller, the finalizer, and the events of the phase
changes (docs/operator.md, "What each controller creates" and "Status")."""
import harness
from harness import OperatorTestCase, eventually


class ChildrenTest(OperatorTestCase):
    def setUp(self):
        super().setUp()
        self.op = self.start_operator(metrics=False)  # --metrics-bind-address 0

    def check_children(self, kind, name, container, port, service=True):
        """The Deployment (and Service) of a resource: returns the Deployment."""
        prefix = harness.PREFIX[kind]
        child = f"{prefix}-{name}"
        owner = self.cluster.get(kind, name)
        labels = {"app": prefix, prefix: name}
        deployment = self.cluster.wait_deployment(child)
        meta = deployment["metadata"]
        self.assertEqual(meta["labels"], labels)
        self.assertEqual(meta["ownerReferences"], [{
            "apiVersion": "kaos.tools/v1alpha1", "kind": kind, "name": name, "uid": owner["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True}])
        spec = deployment["spec"]
        self.assertEqual(spec["replicas"], 1)
        self.assertEqual(spec["selector"], {"matchLabels": labels})
        template = spec["template"]
        self.assertEqual(template["metadata"]["labels"], labels)
        self.assertRegex(harness.pod_spec_hash(deployment), r"^[0-9a-f]{16}$")
        containers = template["spec"]["containers"]
        self.assertEqual([c["name"] for c in containers], [container])
        self.assertEqual(containers[0]["ports"], [{"name": "http", "containerPort": port, "protocol": "TCP"}])
        if service:
            svc = eventually(lambda: self.cluster.get("Service", child), 10, f"Service {child}")
            self.assertEqual(svc["metadata"]["labels"], labels)
            self.assertEqual(svc["metadata"]["ownerReferences"][0]["uid"], owner["metadata"]["uid"])
            self.assertEqual(svc["spec"]["selector"], labels)
            self.assertEqual([(p["name"], p["port"]) for p in svc["spec"]["ports"]], [("http", port)])
        return deployment

    def check_pending_then_ready(self, kind, name, port):
        """Pending while the Deployment has no ready replica; Ready once the test marks it."""
        prefix = harness.PREFIX[kind]
        pending = self.cluster.wait_phase(kind, name, "Pending")
        self.assertIs(pending["ready"], False)
        self.cluster.mark_ready(f"{prefix}-{name}")
        self.cluster.wait_phase(kind, name, "Ready")
        status = self.assert_ready_status(kind, name, port)
        self.assertEqual(status["deployment"]["readyReplicas"], 1)
        obj = self.cluster.get(kind, name)
        self.assertEqual(obj["metadata"]["finalizers"], [f"kaos.tools/{kind.lower()}-finalizer"])
        # events.k8s.io/v1 events about this resource, one per phase change.
        events = eventually(lambda: (lambda ev: ev if {"Pending", "Ready"} <= {e["reason"] for e in ev} else None)(
            self.cluster.events_about(kind, name)), 10, f"events of {kind} {name}")
        for e in events:
            self.assertEqual(e["regarding"]["uid"], obj["metadata"]["uid"])
            self.assertEqual(e["type"], "Normal")
            self.assertEqual(e["reportingController"], "kaos.tools/kaos-operator")
        self.assertIn("Deployment ready replicas: 1/1", [e["note"] for e in events if e["reason"] == "Ready"])
        return status

    def test_proxy_modelapi(self):
        self.cluster.apply(harness.proxy_modelapi("llm", ["mock-model", "other-model"]))
        d = self.check_children("ModelAPI", "llm", "model-api", 8000)
        c = d["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c["livenessProbe"]["httpGet"], {"path": "/health/liveliness", "port": 8000})
        self.assertEqual(c["readinessProbe"]["initialDelaySeconds"], 15)
        cm = self.cluster.get("ConfigMap", "litellm-config-llm")
        self.assertIsNotNone(cm, "the Proxy's gateway config")
        self.assertIn("config.yaml", cm["data"])
        self.assertEqual(cm["metadata"]["ownerReferences"][0]["name"], "llm")
        status = self.check_pending_then_ready("ModelAPI", "llm", 8000)
        self.assertEqual(status["supportedModels"], ["mock-model", "other-model"])

    def test_hosted_modelapi(self):
        self.cluster.apply(harness.hosted_modelapi("ollama", "smollm2:135m"))
        d = self.check_children("ModelAPI", "ollama", "model-api", 11434)
        pod = d["spec"]["template"]["spec"]
        self.assertEqual([c["name"] for c in pod["initContainers"]], ["pull-model"])
        self.assertIn("ollama pull smollm2:135m", " ".join(pod["initContainers"][0]["command"] +
                                                          pod["initContainers"][0].get("args", [])))
        self.assertEqual([v["name"] for v in pod["volumes"]], ["ollama-data"])
        self.assertEqual(pod["containers"][0]["livenessProbe"]["httpGet"], {"path": "/", "port": 11434})
        status = self.check_pending_then_ready("ModelAPI", "ollama", 11434)
        self.assertEqual(status["supportedModels"], ["smollm2:135m"])

    def test_python_string_mcpserver(self):
        self.cluster.apply(harness.python_mcpserver("tools"))
        d = self.check_children("MCPServer", "tools", "mcp-server", 8000)
        c = d["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c["command"], ["kaos"])
        self.assertEqual(c["args"][:3], ["mcp", "--runtime", "python-string"])
        self.assertEqual(c["livenessProbe"]["httpGet"], {"path": "/health", "port": 8000})
        self.assertEqual(c["readinessProbe"]["httpGet"], {"path": "/ready", "port": 8000})
        self.assertIn("MCP_TOOLS_STRING", [e["name"] for e in c["env"]])
        self.check_pending_then_ready("MCPServer", "tools", 8000)

    def test_agent(self):
        self.cluster.apply(harness.proxy_modelapi("llm"), harness.python_mcpserver("tools"))
        self.cluster.mark_ready(self.cluster.wait_deployment("modelapi-llm")["metadata"]["name"])
        self.cluster.mark_ready(self.cluster.wait_deployment("mcpserver-tools")["metadata"]["name"])
        self.cluster.wait_phase("ModelAPI", "llm", "Ready")
        self.cluster.wait_phase("MCPServer", "tools", "Ready")
        self.cluster.apply(harness.agent("helper", "llm", "mock-model", mcp_servers=["tools"]))
        d = self.check_children("Agent", "helper", "agent", 8000)
        c = d["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c["livenessProbe"]["httpGet"], {"path": "/health", "port": 8000})
        self.assertEqual(c["readinessProbe"]["httpGet"], {"path": "/ready", "port": 8000})
        env = {e["name"]: e.get("value") for e in c["env"]}
        self.assertEqual(env["MODEL_API_URL"], "http://modelapi-llm.default.svc.cluster.local:8000")
        self.assertEqual(env["MCP_SERVER_tools_URL"], "http://mcpserver-tools.default.svc.cluster.local:8000")
        status = self.check_pending_then_ready("Agent", "helper", 8000)
        self.assertEqual(status["linkedResources"], {"modelapi": "llm"})


if __name__ == "__main__":
    harness.main()
