"""Two operators with --leader-elect on one stand-in: one leads and reconciles, the other waits
and writes nothing; SIGKILL of the leader hands the Lease over within a few seconds; SIGTERM of
a leader releases the Lease and exits 0."""
import time

import harness
from harness import OperatorTestCase, eventually

ELECTION = ("--leader-elect", "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms",
            "--leader-election-namespace", "default")


class LeaderElectionTest(OperatorTestCase):
    def holder(self):
        lease = self.cluster.get("Lease", harness.LEASE_NAME)
        return ((lease or {}).get("spec") or {}).get("holderIdentity")

    def start_candidate(self, identity):
        return self.start_operator(*ELECTION, "--identity", identity)

    def test_one_leader_a_standby_takeover_and_release(self):
        a = self.start_candidate("op-a")
        eventually(lambda: self.holder() == "op-a", 10, "op-a holds the Lease")
        b = self.start_candidate("op-b")  # ready as a standby: it reached the API server
        self.cluster.control("POST", "auto-ready", {"enabled": True})
        self.cluster.apply(harness.proxy_modelapi("llm"), harness.agent("first", "llm"))
        self.cluster.wait_phase("Agent", "first", "Ready")
        # Several renewals later op-a still leads, and op-b has done nothing but read the Lease.
        lease = self.cluster.get("Lease", harness.LEASE_NAME)
        renewed = lease["spec"]["renewTime"]
        eventually(lambda: self.cluster.get("Lease", harness.LEASE_NAME)["spec"]["renewTime"] != renewed, 10,
                   "op-a renews")
        self.assertEqual(self.holder(), "op-a")
        self.assertEqual(a.metric("kaos_operator_leader"), 1)
        self.assertIn(b.metric("kaos_operator_leader"), (None, 0))
        self.assertIsNone(b.metric("kaos_operator_writes_total"), "the standby wrote")
        self.assertIsNone(b.metric("kaos_operator_reconciles_total"), "the standby reconciled")
        b_requests = b.metrics()
        for verb in ("create", "update", "patch", "apply", "delete"):
            self.assertIsNone(harness.metric_sum(b_requests, "kaos_operator_api_requests_total", verb=verb),
                              f"the standby sent a {verb}:\n{b_requests}")

        # The leader dies without a word: op-b takes over once the Lease expires.
        a.sigkill()
        killed = time.monotonic()
        eventually(lambda: self.holder() == "op-b", 10, "op-b takes the Lease")
        self.assertLess(time.monotonic() - killed, 8.0, "takeover took too long")
        eventually(lambda: b.metric("kaos_operator_leader") == 1, 5, "op-b leads")
        self.cluster.apply(harness.agent("second", "llm"))
        self.cluster.wait_phase("Agent", "second", "Ready", timeout=15)

        # SIGTERM: the leader stops, gives the Lease up and exits 0.
        self.assertEqual(b.sigterm(), 0, b.log())
        lease = self.cluster.get("Lease", harness.LEASE_NAME)
        self.assertIn(lease["spec"].get("holderIdentity"), (None, ""), lease)

    def test_a_standby_does_not_reconcile(self):
        a = self.start_candidate("op-a")
        eventually(lambda: self.holder() == "op-a", 10, "op-a holds the Lease")
        # The leader stops reconciling without giving the Lease up (SIGSTOP): nothing reconciles
        # until the standby takes over, so a new Agent waits for the takeover.
        b = self.start_candidate("op-b")
        a.proc.send_signal(19)  # SIGSTOP
        self.addCleanup(lambda: a.alive() and a.proc.send_signal(18))  # SIGCONT before the kill
        self.cluster.apply(harness.proxy_modelapi("llm"))
        harness.holds_for(lambda: self.cluster.get("ModelAPI", "llm").get("status") is None or
                          self.holder() == "op-b", 1.0, "no reconcile before the takeover")
        eventually(lambda: self.holder() == "op-b", 10, "op-b takes the Lease")
        self.cluster.wait_phase("ModelAPI", "llm", "Pending", timeout=10)
        self.assertEqual(b.metric("kaos_operator_leader"), 1)


if __name__ == "__main__":
    harness.main()
