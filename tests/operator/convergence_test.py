"""How the operator converges: an Agent waits for its ModelAPI and is woken by it (no manual
nudge); editing one Agent rolls only its Deployment; a settled cluster costs zero writes, even
across dropped watches and a restart; a deleted resource loses its finalizer and
its children; an operator killed mid-reconcile is replaced by one that finishes the job."""
import threading

import harness
from harness import OperatorTestCase, eventually


def agent_deployments(cluster):
    return cluster.list("Deployment", selector="app=agent")


class ConvergenceTest(OperatorTestCase):
    def test_agent_waits_for_its_modelapi_and_is_woken_by_it(self):
        self.start_operator()
        self.cluster.apply(harness.agent("helper", "llm"))
        waiting = self.cluster.wait_phase("Agent", "helper", "Waiting", message="ModelAPI llm not found")
        self.assertIs(waiting["ready"], False)
        self.assertIsNone(self.cluster.get("Deployment", "agent-helper"))
        self.cluster.apply(harness.proxy_modelapi("llm"))
        self.cluster.wait_phase("Agent", "helper", "Waiting", message="ModelAPI llm is not ready")
        self.assertIsNone(self.cluster.get("Deployment", "agent-helper"))
        events = self.cluster.events_about("Agent", "helper")
        self.assertTrue(any(e["type"] == "Warning" for e in events), events)
        # The ModelAPI's readiness alone wakes the Agent: its Deployment appears, then its status
        # follows its own Deployment.
        self.cluster.mark_ready("modelapi-llm")
        self.cluster.wait_deployment("agent-helper")
        self.cluster.wait_phase("Agent", "helper", "Pending")
        self.cluster.mark_ready("agent-helper")
        self.cluster.wait_phase("Agent", "helper", "Ready")
        self.assert_ready_status("Agent", "helper", 8000)

    def settle(self, names):
        """ModelAPI llm and Agents `names`, all Ready (auto-ready plays the Deployment controller)."""
        self.cluster.control("POST", "auto-ready", {"enabled": True})
        self.cluster.apply(harness.proxy_modelapi("llm"), *[harness.agent(n, "llm") for n in names])
        for n in names:
            self.cluster.wait_phase("Agent", n, "Ready")

    def assert_quiet(self):
        """Nothing is written while the watches deliver a few bookmarks (a negative check held
        for five bookmark intervals, failing at the first write)."""
        start = self.cluster.counters()["resourceVersion"]
        harness.holds_for(lambda: self.cluster.counters()["totalWrites"] == 0, 5 * harness.BOOKMARK_SECONDS,
                          "no writes", on_fail=lambda: self.cluster.counters())
        self.assertEqual(self.cluster.counters()["resourceVersion"], start)

    def test_an_edit_rolls_only_its_deployment_and_a_settled_cluster_costs_no_writes(self):
        op = self.start_operator()
        names = ["a1", "a2", "a3"]
        self.settle(names)
        before = {d["metadata"]["name"]: d for d in agent_deployments(self.cluster)}
        self.assertEqual(sorted(before), [f"agent-{n}" for n in names])
        self.cluster.apply(harness.agent("a2", "llm", instructions="Be very brief."))
        eventually(lambda: harness.pod_spec_hash(self.cluster.get("Deployment", "agent-a2")) !=
                   harness.pod_spec_hash(before["agent-a2"]), 20, "agent-a2 rolled")
        rolled = self.cluster.get("Deployment", "agent-a2")
        env = {e["name"]: e.get("value") for e in rolled["spec"]["template"]["spec"]["containers"][0]["env"]}
        self.assertEqual(env.get("AGENT_INSTRUCTIONS"), "Be very brief.")
        self.cluster.wait_phase("Agent", "a2", "Ready")
        eventually(lambda: self.cluster.status("Agent", "a2").get("observedGeneration") == 2, 10, "generation 2")
        for other in ("agent-a1", "agent-a3", "modelapi-llm"):
            now = self.cluster.get("Deployment", other)
            if other in before:
                self.assertEqual(now["metadata"]["resourceVersion"], before[other]["metadata"]["resourceVersion"],
                                 f"{other} was written")
        # Settled: the operator writes nothing while bookmarks flow...
        reconciles = op.metric("kaos_operator_reconciles_total")
        self.cluster.wait_settled()
        self.cluster.reset_counters()
        self.assert_quiet()
        # ... nor after its watches are dropped and reopened (a resume from the last version).
        self.cluster.control("POST", "watches/drop")
        eventually(lambda: (op.metric("kaos_operator_watch_restarts_total", how="resume") or 0) >= 8, 10,
                   "every watch resumed")
        self.assert_quiet()
        self.assertTrue(op.alive())
        self.assertGreaterEqual(op.metric("kaos_operator_reconciles_total"), reconciles)
        # A new operator reconciles everything from its first list, and writes nothing.
        op.sigterm()
        fresh = self.start_operator()
        eventually(lambda: (fresh.metric("kaos_operator_reconciles_total") or 0) >= 4, 20,
                   "the new operator reconciled every resource")
        self.assert_quiet()
        self.assertIsNone(fresh.metric("kaos_operator_writes_total"), "the new operator wrote something")


    def test_deleting_a_resource_removes_its_finalizer_and_its_children(self):
        self.start_operator()
        self.settle(["doomed", "kept"])
        self.assertIsNotNone(self.cluster.get("ConfigMap", "litellm-config-llm"))
        for kind, name, label in (("Agent", "doomed", "agent=doomed"), ("ModelAPI", "llm", "modelapi=llm")):
            obj = self.cluster.get(kind, name)
            self.assertEqual(obj["metadata"]["finalizers"], [f"kaos.tools/{kind.lower()}-finalizer"])
            self.cluster.kubectl("delete", kind.lower(), name, "--wait=false")
            # Held by the finalizer until the operator removes it; then gone.
            eventually(lambda: self.cluster.get(kind, name) is None, 15, f"{kind} {name} deleted")
            for child_kind in ("Deployment", "Service", "ConfigMap"):
                self.assertEqual(self.cluster.list(child_kind, selector=label), [], f"{child_kind} {label} left")
        self.assertIsNone(self.cluster.get("ConfigMap", "litellm-config-llm"))
        self.assertIsNotNone(self.cluster.get("Deployment", "agent-kept"))
        # The surviving Agent notices its ModelAPI is gone.
        self.cluster.wait_phase("Agent", "kept", "Waiting", message="ModelAPI llm not found")

    def test_a_killed_operator_is_replaced_by_one_that_converges(self):
        names = [f"bulk-{i:02d}" for i in range(20)]
        first = self.start_operator("--workers", "1")
        self.cluster.control("POST", "auto-ready", {"enabled": True})
        applying = threading.Thread(target=self.cluster.apply,
                                    args=(harness.proxy_modelapi("llm"), *[harness.agent(n, "llm") for n in names]))
        applying.start()
        # Mid-reconcile: killed as soon as its first Agent Deployment exists, the apply going on.
        eventually(lambda: agent_deployments(self.cluster), 20, "a first Agent Deployment", interval=0.01)
        first.sigkill()
        done = len(agent_deployments(self.cluster))
        applying.join(60)
        self.assertLess(done, len(names), "the first operator had finished: nothing was left mid-way")
        second = self.start_operator()
        for n in names:
            self.cluster.wait_phase("Agent", n, "Ready", timeout=30)
        deployments = agent_deployments(self.cluster)
        self.assertEqual(sorted(d["metadata"]["name"] for d in deployments), [f"agent-{n}" for n in names])
        for d in deployments:
            self.assertEqual(len(d["metadata"]["ownerReferences"]), 1, d["metadata"])
        for n in names:
            self.assertEqual(len(self.cluster.list("Deployment", selector=f"agent={n}")), 1, n)
            self.assertEqual(self.cluster.get("Agent", n)["metadata"]["finalizers"], ["kaos.tools/agent-finalizer"])
        self.assertTrue(second.alive())


if __name__ == "__main__":
    harness.main()
