#!/usr/bin/env python3
"""End to end: a KAOS-style manifest set (tests/e2e/fixtures/multi-agent: a Namespace, a Secret,
namespaced resources, agents scripted with DEBUG_MOCK_RESPONSES in spec.container.env the way
KAOS's own e2e tests script theirs) runs unchanged with `kaos up`: the coordinator delegates to
the worker (agentNetwork.access) and answers; the worker's memory shows the delegated task; the
Secret's values reach the worker's environment (stringData and base64 data) while `kaos
describe` shows only the reference.

Usage: multi_agent_test.py KAOS_BINARY
"""
import os
import shutil
import tempfile

import e2e_support as e

FIXTURE = os.path.join(e.FIXTURES, "multi-agent")
NS = "kaos-e2e"
DESCRIPTION = "worker-desc-from-secret-7f3a"  # secret.yaml, stringData.description
TOKEN = "api-token-c0ffee"                    # secret.yaml, data.token (base64)


class MultiAgentTest(e.RuntimeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.up = cls.rt.run("up", "-f", FIXTURE, "-d", timeout=180)

    def test_01_the_fixture_is_valid_kaos(self):
        p = self.rt.run("validate", "-f", FIXTURE)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_02_up_runs_it_unchanged(self):
        self.assertEqual(self.up.returncode, 0, self.up.stdout + self.up.stderr)
        rs = self.rt.wait_all_ready()
        self.assertEqual(sorted(r["id"] for r in rs),
                         [f"agent/{NS}/coordinator", f"agent/{NS}/worker", f"modelapi/{NS}/mock-api"])
        self.assertIn(f"kaos chat coordinator -n {NS}", self.up.stdout)
        listed = self.rt.json("get", "agent", "-n", NS, "-o", "json")
        self.assertEqual(sorted(a["name"] for a in listed), ["coordinator", "worker"])
        self.assertEqual(self.rt.json("get", "agent", "-o", "json"), [])  # nothing in "default"
        self.assertEqual(len(self.rt.json("get", "agent", "-A", "-o", "json")), 2)
        tools = {t["name"] for t in self.rt.json("tools", "coordinator", "-n", NS, "-o", "json")["tools"]}
        self.assertIn("delegate_to_worker", tools)

    def test_03_coordinator_delegates_to_worker(self):
        self.rt.wait_all_ready()
        p = self.rt.run("chat", "coordinator", "-n", NS, "Get the report written", check=0)
        self.assertEqual(p.stdout.strip(), "coordinator final: the worker finished")
        self.assertIn("worker", p.stderr)  # the delegation is shown as it happens
        # The hint names the namespace, so the suggested commands work as printed.
        self.assertRegex(p.stderr, rf"kaos memory coordinator --session session_[0-9a-f]+ -n {NS}`")

        worker = self.rt.json("memory", "worker", "-n", NS, "-o", "json")["events"]
        received = [ev for ev in worker if ev["event_type"] == "task_delegation_received"]
        self.assertEqual(len(received), 1, worker)
        self.assertEqual(received[0]["content"], "write the report")
        responses = [ev["content"] for ev in worker if ev["event_type"] == "agent_response"]
        self.assertIn("worker result: the report is done", responses)

        coord = self.rt.json("memory", "coordinator", "-n", NS, "-o", "json")["events"]
        kinds = [ev["event_type"] for ev in coord]
        self.assertIn("delegation_request", kinds)
        reply = next(ev for ev in coord if ev["event_type"] == "delegation_response")
        self.assertEqual(reply["content"]["response"], "worker result: the report is done")

    def test_04_secret_reaches_the_worker_but_describe_hides_it(self):
        self.rt.wait_all_ready()
        d = self.rt.run("describe", "agent", "worker", "-n", NS, check=0).stdout
        self.assertIn("AGENT_DESCRIPTION=<secret worker-secrets/description>", d)
        self.assertIn("WORKER_API_TOKEN=<secret worker-secrets/token>", d)
        self.assertNotIn(DESCRIPTION, d)
        self.assertNotIn(TOKEN, d)
        # Behaviour: the worker's A2A card describes it with the Secret's value (stringData)...
        worker = self.rt.json("get", "agent", "worker", "-n", NS, "-o", "json")
        card = e.http_json(worker["endpoint"] + "/.well-known/agent-card.json")
        self.assertEqual(card["name"], "worker")
        self.assertEqual(card["description"], DESCRIPTION)
        # ... and the base64 `data` key arrives decoded in its environment.
        env = e.environ_of(worker["pid"])
        self.assertEqual(env.get("WORKER_API_TOKEN"), TOKEN)
        self.assertEqual(env.get("AGENT_NAME"), "worker")

    def test_05_a_changed_secret_restarts_only_its_user(self):
        self.rt.wait_all_ready()
        before = {r["id"]: r["pid"] for r in self.rt.status()["resources"]}
        d = tempfile.mkdtemp(prefix="kaos-e2e-multi-")
        self.addCleanup(shutil.rmtree, d, True)
        for name in os.listdir(FIXTURE):
            shutil.copy(os.path.join(FIXTURE, name), d)
        with open(os.path.join(d, "secret.yaml")) as f:
            text = f.read()
        with open(os.path.join(d, "secret.yaml"), "w") as f:
            f.write(text.replace(DESCRIPTION, "rotated-description"))
        p = self.rt.run("up", "-f", d, "-d", check=0)
        self.assertIn(f"agent/{NS}/worker configured", p.stdout)
        self.assertNotIn("coordinator configured", p.stdout)
        worker = self.rt.json("get", "agent", "worker", "-n", NS, "-o", "json")
        self.assertNotEqual(worker["pid"], before[f"agent/{NS}/worker"])
        self.assertEqual(e.http_json(worker["endpoint"] + "/.well-known/agent-card.json")["description"],
                         "rotated-description")
        for rid in (f"agent/{NS}/coordinator", f"modelapi/{NS}/mock-api"):
            self.assertEqual(self.rt.resource(rid)["pid"], before[rid], rid)
        # And back: the delegation still works against the restarted worker.
        self.rt.run("up", "-f", FIXTURE, "-d", check=0)
        p = self.rt.run("chat", "coordinator", "-n", NS, "Again please", check=0)
        self.assertEqual(p.stdout.strip(), "coordinator final: the worker finished")

    def test_99_down(self):
        self.assertDownLeavesNothing()


if __name__ == "__main__":
    e.main()
