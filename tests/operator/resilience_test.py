"""The operator against an unreliable API server: dropped watches, a 410 relist, injected
409/500/429 answers on its writes. Each time a change made afterwards is reconciled and the
operator keeps running."""
import harness
from harness import OperatorTestCase, eventually

AGENTS_WATCH = "/apis/kaos.tools/v1alpha1/agents"  # the all-namespaces list+watch of Agents


class ResilienceTest(OperatorTestCase):
    def setUp(self):
        super().setUp()
        self.op = self.start_operator()
        self.cluster.control("POST", "auto-ready", {"enabled": True})
        self.cluster.apply(harness.proxy_modelapi("llm"), harness.agent("helper", "llm"))
        self.cluster.wait_phase("Agent", "helper", "Ready")

    def edit_and_expect_roll(self, instructions, timeout=20):
        before = harness.pod_spec_hash(self.cluster.get("Deployment", "agent-helper"))
        self.cluster.apply(harness.agent("helper", "llm", instructions=instructions))
        eventually(lambda: harness.pod_spec_hash(self.cluster.get("Deployment", "agent-helper")) != before, timeout,
                   f"agent-helper rolled for {instructions!r}")

    def restarts(self, how):
        return self.op.metric("kaos_operator_watch_restarts_total", how=how) or 0

    def test_dropped_watches_and_a_410_recover(self):
        # A drop: every watch resumes from its last version; a later edit is reconciled.
        self.cluster.control("POST", "watches/drop")
        eventually(lambda: self.restarts("resume") >= 8, 10, "every watch resumed")
        self.edit_and_expect_roll("after a drop")
        # A compaction, then a drop (the brief's 410 recipe); a later edit is reconciled.
        self.cluster.control("POST", "compact")
        self.cluster.control("POST", "watches/drop")
        self.edit_and_expect_roll("after a compaction and a drop")
        # A 410 for certain: the Agents' watch cannot reconnect for a while (injected 503s),
        # meanwhile an Agent changes and the history is compacted, so the reconnect from the
        # old version gets 410 Expired, and the relist sees the change.
        relists = self.restarts("relist")
        self.cluster.control("POST", "inject", {"method": "GET", "pathPrefix": AGENTS_WATCH, "code": 503,
                                                "count": 3})
        self.cluster.control("POST", "watches/drop")
        eventually(lambda: any(r[1].startswith(AGENTS_WATCH) and r[2] == 503 for r in self.cluster.requests()),
                   10, "the Agents' reconnect refused")
        before = harness.pod_spec_hash(self.cluster.get("Deployment", "agent-helper"))
        status, _ = self.cluster.standin.request(
            "PATCH", self.cluster.path("Agent", "helper"),
            {"spec": {"config": {"instructions": "changed while the watch was down"}}},
            content_type="application/merge-patch+json")
        self.assertEqual(status, 200)
        self.cluster.control("POST", "compact")
        eventually(lambda: self.restarts("relist") > relists, 20, "a relist after 410")
        eventually(lambda: harness.pod_spec_hash(self.cluster.get("Deployment", "agent-helper")) != before, 20,
                   "the change made during the outage reconciled")
        self.assertTrue(self.op.alive())

    def test_injected_conflicts_and_server_errors_are_retried(self):
        injections = [
            # The finalizer patch of a new Agent: a conflict, as when someone else wrote first.
            {"method": "PATCH", "pathPrefix": self.cluster.path("Agent", "second"), "code": 409,
             "reason": "Conflict", "count": 2},
            # Its Deployment's apply: a 500 and a 429 with Retry-After.
            {"method": "PATCH", "pathPrefix": self.cluster.path("Deployment", "agent-second"), "code": 500,
             "count": 1},
            {"method": "PATCH", "pathPrefix": self.cluster.path("Deployment", "agent-second"), "code": 429,
             "count": 1, "retryAfterSeconds": 1},
            # Its status: a conflict, then 500 twice.
            {"method": "PATCH", "pathPrefix": self.cluster.path("Agent", "second") + "/status", "code": 409,
             "reason": "Conflict", "count": 1},
            {"method": "PATCH", "pathPrefix": self.cluster.path("Agent", "second") + "/status", "code": 500,
             "count": 2},
        ]
        for inj in injections:
            self.cluster.control("POST", "inject", inj)
        self.cluster.apply(harness.agent("second", "llm"))
        self.cluster.wait_phase("Agent", "second", "Ready", timeout=30)
        self.assert_ready_status("Agent", "second", 8000)
        refused = [(r[0], r[1], r[2]) for r in self.cluster.requests() if r[2] in (409, 429, 500)]
        for inj in injections:
            hits = [r for r in refused if r[1].startswith(inj["pathPrefix"]) and r[2] == inj["code"]]
            self.assertGreaterEqual(len(hits), 1, f"injection never hit: {inj} (refused: {refused})")
        self.assertEqual(len(self.cluster.list("Deployment", selector="agent=second")), 1)
        self.assertEqual(self.cluster.get("Agent", "second")["metadata"]["finalizers"],
                         ["kaos.tools/agent-finalizer"])
        self.assertTrue(self.op.alive())
        self.assertGreaterEqual(self.op.metric("kaos_operator_reconciles_total", controller="Agent", result="error"),
                                len(injections))


if __name__ == "__main__":
    harness.main()
