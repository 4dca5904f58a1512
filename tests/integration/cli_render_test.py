#!/usr/bin/env python3
"""`kaos render` as a user runs it: output formats, namespaces, settings from the environment,
the notes on stderr and the exit statuses (docs/operator.md). The objects' schema validity is
tests/conformance/k8s-schemas; their content is src/control/operator/*_test.cpp.

Usage: cli_render_test.py KAOS_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import yaml

KAOS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "kaos"

SET = """
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {models: ["*"]}}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: odd}
spec: {runtime: no-such-runtime}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: llm, model: m}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: b}
spec: {modelAPI: elsewhere, model: m}
"""


class RenderTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def manifest(self, text, name="set.yaml"):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def render(self, *args, env=None):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "DEFAULT_", "SYSTEM_"))}
        full_env.update(env or {})
        return subprocess.run([KAOS, "render", *args], capture_output=True, text=True, env=full_env, timeout=60)

    def test_json_and_yaml_print_the_same_objects(self):
        path = self.manifest(SET)
        as_json = self.render("-f", path, "-o", "json")
        self.assertEqual(as_json.returncode, 0, as_json.stderr)
        items = json.loads(as_json.stdout)["items"]
        as_yaml = self.render("-f", path)
        self.assertEqual(as_yaml.returncode, 0, as_yaml.stderr)
        self.assertEqual([d for d in yaml.safe_load_all(as_yaml.stdout)], items)
        names = [(o["kind"], o["metadata"]["name"]) for o in items]
        self.assertEqual(names, [("ConfigMap", "litellm-config-llm"), ("Deployment", "modelapi-llm"),
                                 ("Service", "modelapi-llm"), ("Deployment", "agent-a"), ("Service", "agent-a"),
                                 ("Deployment", "agent-b"), ("Service", "agent-b")])
        self.assertEqual(self.render("-f", path, "-o", "json").stdout, as_json.stdout, "deterministic")

    def test_failed_and_waiting_workloads_are_noted_and_strict_fails(self):
        path = self.manifest(SET)
        r = self.render("-f", path, "-o", "json")
        self.assertIn("MCPServer/odd (namespace default): not rendered: unknown runtime: no-such-runtime", r.stderr)
        self.assertIn("Agent/b (namespace default): rendered, but ModelAPI elsewhere not found", r.stderr)
        strict = self.render("-f", path, "-o", "json", "--strict")
        self.assertEqual(strict.returncode, 1)
        self.assertEqual(strict.stdout, r.stdout, "--strict still prints what it rendered")

    def test_namespace_flag_and_settings_from_the_environment(self):
        path = self.manifest(SET)
        r = self.render("-f", path, "-o", "json", "-n", "team",
                        env={"GATEWAY_API_ENABLED": "true", "DEFAULT_AGENT_IMAGE": "registry/kaos:9"})
        self.assertEqual(r.returncode, 0, r.stderr)
        items = json.loads(r.stdout)["items"]
        self.assertTrue(all(o["metadata"]["namespace"] == "team" for o in items))
        routes = [o["metadata"]["name"] for o in items if o["kind"] == "HTTPRoute"]
        self.assertEqual(routes, ["modelapi-llm", "agent-a", "agent-b"])
        agent = next(o for o in items if o["kind"] == "Deployment" and o["metadata"]["name"] == "agent-a")
        self.assertEqual(agent["spec"]["template"]["spec"]["containers"][0]["image"], "registry/kaos:9")

    def test_bad_settings_exit_2_naming_the_variable(self):
        r = self.render("-f", self.manifest(SET), env={"GATEWAY_DEFAULT_MCP_TIMEOUT": "soon"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("GATEWAY_DEFAULT_MCP_TIMEOUT", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_invalid_manifests_render_nothing(self):
        bad = self.manifest("apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata: {name: x}\nspec: {model: m}\n")
        r = self.render("-f", bad)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("modelAPI", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
