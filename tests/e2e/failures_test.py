#!/usr/bin/env python3
"""End to end: what a user sees when something is wrong.
- An invalid manifest set: `kaos up` exits 1, prints every error with file:line, starts nothing.
- Secrets outside the manifests: `kaos secret set NAME KEY` (value on stdin) resolves a
  secretKeyRef; a missing one fails only that workload, naming `kaos secret set`; after setting
  it, re-running `kaos up` starts it.
- Things that cannot run on one machine: a Hosted ModelAPI without `ollama` (Failed, pointing at
  Proxy mode; its agent waits without holding `kaos up` until the timeout), a custom MCPServer
  with only container.image (Failed, asking for a local command).

Usage: failures_test.py KAOS_BINARY
"""
import os
import re
import shutil
import tempfile
import time
import unittest

import e2e_support as e

INVALID = '''apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata:
  name: broken-api
spec:
  proxyConfig:
    models: ["*"]
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata:
  name: greedy
spec:
  modelAPI: broken-api
  model: mock-model
  config:
    reasoningLoopMaxSteps: 50
'''

MIXED = '''apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata:
  name: mock-llm
spec:
  mode: Proxy
  proxyConfig:
    provider: mock
    models: ["mock-model"]
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata:
  name: keyed
spec:
  modelAPI: mock-llm
  model: mock-model
  container:
    env:
      - name: AGENT_DESCRIPTION
        valueFrom:
          secretKeyRef: {name: local-secret, key: description}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata:
  name: unkeyed
spec:
  modelAPI: mock-llm
  model: mock-model
  container:
    env:
      - name: SERVICE_TOKEN
        valueFrom:
          secretKeyRef: {name: absent-secret, key: token}
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata:
  name: plain
spec:
  modelAPI: mock-llm
  model: mock-model
---
# HOSTED
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata:
  name: local-ollama
spec:
  mode: Hosted
  hostedConfig:
    model: smollm2:135m
---
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata:
  name: ollama-agent
spec:
  modelAPI: local-ollama
  model: smollm2:135m
---
# END HOSTED
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata:
  name: imageonly
spec:
  runtime: custom
  container:
    image: ghcr.io/example/tools:1.0
'''


class InvalidManifestTest(e.RuntimeTestCase):
    def test_up_reports_every_error_and_starts_nothing(self):
        d = tempfile.mkdtemp(prefix="kaos-e2e-invalid-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "bad.yaml")
        with open(path, "w") as f:
            f.write(INVALID)
        p = self.rt.run("up", "-f", d, "-d")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        errors = [line for line in p.stderr.splitlines() if line.startswith("error:")]
        self.assertEqual(len(errors), 2, p.stderr)
        self.assertTrue(any(re.search(r"bad\.yaml:\d+: ModelAPI/broken-api: spec\.mode", x) for x in errors), errors)
        self.assertTrue(any(re.search(r"bad\.yaml:\d+: Agent/greedy: spec\.config\.reasoningLoopMaxSteps.*50", x)
                            for x in errors), errors)
        self.assertIn("nothing was started", p.stderr)
        self.assertIsNone(self.rt.supervisor_pid())
        self.assertEqual(e.processes_with_state_dir(self.rt.state_dir), [])
        self.assertNotEqual(self.rt.run("status").returncode, 0)
        # The same in the foreground.
        p = self.rt.run("up", "-f", path)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(e.processes_with_state_dir(self.rt.state_dir), [])


class FailuresTest(e.RuntimeTestCase):
    SECRET = "described-by-the-local-store-91b2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = tempfile.mkdtemp(prefix="kaos-e2e-mixed-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        text = MIXED
        if shutil.which("ollama"):  # the Hosted case is about a machine without it
            text = text[:text.index("# HOSTED")] + text[text.index("# END HOSTED"):]
        with open(os.path.join(cls.dir, "mixed.yaml"), "w") as f:
            f.write(text)
        cls.rt.run("secret", "set", "local-secret", "description", input=cls.SECRET + "\n", check=0)
        t0 = time.monotonic()
        cls.up = cls.rt.run("up", "-f", cls.dir, "-d", "--timeout", "90", timeout=180)
        cls.up_seconds = time.monotonic() - t0
        cls.res = cls.rt.resources()

    def test_up_fails_fast_but_keeps_the_rest_running(self):
        self.assertEqual(self.up.returncode, 1, self.up.stdout + self.up.stderr)
        # Nothing left to wait for once the failures are known: no waiting out --timeout.
        self.assertLess(self.up_seconds, 60)
        self.assertTrue(self.rt.supervisor_pid())
        for name in ("keyed", "plain"):
            r = self.res[f"agent/default/{name}"]
            self.assertEqual(r["phase"], "Ready", r)
        out = self.rt.run("chat", "plain", "Hello there", check=0).stdout
        self.assertTrue(out.strip())

    def test_secret_from_the_local_store_reaches_the_env(self):
        r = self.res["agent/default/keyed"]
        card = e.http_json(r["endpoint"] + "/.well-known/agent-card.json")
        self.assertEqual(card["description"], self.SECRET)
        d = self.rt.run("describe", "agent", "keyed", check=0).stdout
        self.assertIn("AGENT_DESCRIPTION=<secret local-secret/description>", d)
        self.assertNotIn(self.SECRET, d)
        listing = self.rt.run("secret", "list", check=0).stdout
        self.assertIn("default/local-secret", listing)
        self.assertNotIn(self.SECRET, listing)

    def test_missing_secret_fails_that_workload_naming_the_fix(self):
        r = self.res["agent/default/unkeyed"]
        self.assertEqual(r["phase"], "Failed", r)
        self.assertIn("kaos secret set absent-secret token", r["message"])
        self.assertEqual(r["pid"], 0)

    @unittest.skipIf(shutil.which("ollama"), "ollama is installed here")
    def test_hosted_modelapi_without_ollama(self):
        r = self.res["modelapi/default/local-ollama"]
        self.assertEqual(r["phase"], "Failed", r)
        self.assertIn("ollama", r["message"])
        self.assertIn("mode: Proxy", r["message"])
        self.assertIn("not found in PATH", r["message"])
        self.assertNotIn("/usr/bin", r["message"])  # the PATH searched is not repeated to the user
        agent = self.res["agent/default/ollama-agent"]
        self.assertEqual(agent["phase"], "Waiting", agent)
        self.assertIn("local-ollama", agent["message"])
        self.assertEqual(agent["pid"], 0)

    def test_custom_mcpserver_with_only_an_image(self):
        r = self.res["mcpserver/default/imageonly"]
        self.assertEqual(r["phase"], "Failed", r)
        self.assertIn("local command", r["message"])
        self.assertIn("container.command", r["message"])

    def test_zz_setting_the_missing_secret_then_up_starts_it(self):
        self.rt.run("secret", "set", "absent-secret", "token", input="tok-123\n", check=0)
        p = self.rt.run("up", "-f", self.dir, "-d", "--timeout", "90", timeout=180)
        self.assertIn("agent/default/unkeyed", p.stdout)
        r = self.rt.wait_resource("agent/default/unkeyed", lambda r: r["phase"] == "Ready", 30,
                                  "the agent whose secret was set to become Ready")
        self.assertEqual(e.environ_of(r["pid"]).get("SERVICE_TOKEN"), "tok-123")
        # The others were not restarted for it.
        for rid in ("agent/default/keyed", "agent/default/plain", "modelapi/default/mock-llm"):
            self.assertEqual(self.rt.resource(rid)["pid"], self.res[rid]["pid"], rid)
        self.assertDownLeavesNothing()


if __name__ == "__main__":
    e.main()
