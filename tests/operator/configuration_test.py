"""The operator's configuration: the Gateway API switched on without and with the HTTPRoute
CRD, and configurations it must refuse at start (exit 1, naming what is wrong)."""
import os
import socket
import unittest

import harness
from harness import Operator, OperatorTestCase, eventually

GATEWAY_ON = {"GATEWAY_API_ENABLED": "true", "GATEWAY_NAME": "edge", "GATEWAY_NAMESPACE": "infra"}


class GatewayTest(OperatorTestCase):
    def settle(self):
        self.cluster.control("POST", "auto-ready", {"enabled": True})
        self.cluster.apply(harness.proxy_modelapi("llm"), harness.python_mcpserver("tools"),
                           harness.agent("helper", "llm", mcp_servers=["tools"]))
        for kind, name in (("ModelAPI", "llm"), ("MCPServer", "tools"), ("Agent", "helper")):
            self.cluster.wait_phase(kind, name, "Ready")

    def test_without_the_gateway_api_resources_still_go_ready(self):
        op = self.start_operator(env=GATEWAY_ON)
        self.settle()
        self.assertIn("GATEWAY_API_ENABLED is true but the Gateway API", op.log())
        self.assertTrue(op.alive())
        self.assertEqual(op.metric("kaos_operator_writes_total", kind="HTTPRoute"), None)
        # Each resource is told once, in a Warning event kubectl describe shows.
        for kind, name in (("ModelAPI", "llm"), ("MCPServer", "tools"), ("Agent", "helper")):
            warnings = [e for e in self.cluster.events_about(kind, name) if e.get("reason") == "GatewayAPINotInstalled"]
            self.assertEqual(len(warnings), 1, f"{kind} {name}: {warnings}")
            self.assertEqual(warnings[0]["type"], "Warning")

    def test_with_the_gateway_api_each_exposed_resource_gets_a_route(self):
        self.cluster.stop()
        self.cluster = harness.Cluster(extra_crds=[harness.HTTPROUTE_CRD])
        self.addCleanup(self.cluster.stop)
        self.start_operator(env=GATEWAY_ON)
        self.settle()
        for route_name, kind, name, service, target in (
                ("modelapi-llm", "modelapi", "llm", "modelapi-llm", "modelapi"),
                ("mcp-tools", "mcp", "tools", "mcpserver-tools", "mcpserver"),
                ("agent-helper", "agent", "helper", "agent-helper", "agent")):
            route = eventually(lambda: self.cluster.get("HTTPRoute", route_name), 10, f"HTTPRoute {route_name}")
            spec = route["spec"]
            self.assertEqual(spec["parentRefs"], [{"group": "gateway.networking.k8s.io", "kind": "Gateway",
                                                   "name": "edge", "namespace": "infra"}])
            rule = spec["rules"][0]
            self.assertEqual(rule["matches"], [{"path": {"type": "PathPrefix", "value": f"/default/{kind}/{name}"}}])
            self.assertEqual([b["name"] for b in rule["backendRefs"]], [service])
            self.assertEqual(route["metadata"]["ownerReferences"][0]["name"], name)
            headers = [f for f in rule["filters"] if f["type"] == "RequestHeaderModifier"]
            self.assertEqual(headers[0]["requestHeaderModifier"]["set"],
                             [{"name": "x-kaos-target-resource", "value": f"kaos://{target}/default/{name}"}])
        self.assertEqual(len(self.cluster.list("HTTPRoute")), 3)


class BadConfigurationTest(unittest.TestCase):
    """Refused at start: exit 1 and a message naming the variable or the server."""

    def run_operator(self, kubeconfig, env):
        op = Operator(None, env=env, kubeconfig=kubeconfig)
        self.addCleanup(op.stop)
        return op.wait_exit(timeout=15), op.log()

    def test_a_bad_variable_is_named(self):
        cluster = harness.Cluster()
        self.addCleanup(cluster.stop)
        writes = cluster.counters()["totalWrites"]  # the CRDs registered at start
        for env, name in (({"DEFAULT_LOG_LEVEL": "LOUD"}, "DEFAULT_LOG_LEVEL"),
                          ({"GATEWAY_DEFAULT_AGENT_TIMEOUT": "soon"}, "GATEWAY_DEFAULT_AGENT_TIMEOUT"),
                          ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL")):
            code, log = self.run_operator(cluster.kubeconfig, env)
            self.assertEqual(code, 1, log)
            self.assertIn(name, log)
            self.assertIn("LOUD" if "LOUD" in env.values() else "soon", log)
        self.assertEqual(cluster.counters()["totalWrites"], writes, "a refused operator wrote")

    def test_an_unreachable_api_server_is_named(self):
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cluster = harness.Cluster()
        self.addCleanup(cluster.stop)
        with open(cluster.kubeconfig) as f:
            text = f.read()
        broken = os.path.join(cluster.standin.dir, "unreachable")
        with open(broken, "w") as f:
            f.write(text.replace(cluster.url, f"http://127.0.0.1:{port}"))
        code, log = self.run_operator(broken, {})
        self.assertEqual(code, 1, log)
        self.assertIn(f"http://127.0.0.1:{port}", log)
        self.assertIn("cannot reach the API server", log)

    def test_a_missing_kubeconfig_is_named(self):
        code, log = self.run_operator("/nonexistent/kubeconfig", {})
        self.assertEqual(code, 1, log)
        self.assertIn("/nonexistent/kubeconfig", log)


if __name__ == "__main__":
    harness.main()
