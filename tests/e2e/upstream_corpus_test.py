#!/usr/bin/env python3
"""The upstream corpus (tests/fixtures/upstream/runnable: our fixtures in the shape of every
upstream KAOS sample and e2e resource) under `kaos validate` and `kaos up`, in one runtime:

1. As written: every Hosted ModelAPI and every MCPServer that only names an image is Failed with
   a message saying what to do; agents that need them wait, naming them; everything else is
   Ready; every document, MemoryStore, AccessGrant and ThirdPartyService included, is listed.
2. Given a mock (`kaos up` again with each Hosted ModelAPI turned into a Proxy on the mock
   provider, as upstream's `kaos samples deploy --mode Proxy`): the samples' agents come up and
   answer, their tool calls reach the MCP servers and their delegations reach the peers, two
   levels deep and in parallel.

Usage: upstream_corpus_test.py KAOS_BINARY
"""
import os
import shutil
import tempfile

import e2e_support as e
import upstream_corpus as c

HOSTED = [("ModelAPI", "kaos-simple", "simple-modelapi"), ("ModelAPI", "kaos-multi", "multi-modelapi"),
          ("ModelAPI", "kaos-autonomous", "monitor-modelapi"), ("ModelAPI", "e2e-base-func", "base-ollama-hosted"),
          ("ModelAPI", "e2e-modelapi", "proxy-backend")]
IMAGE_ONLY = [("MCPServer", "kaos-autonomous", "monitor-k8s-mcp"), ("MCPServer", "docs-reference", "image-tools"),
              ("MCPServer", "e2e-pctx", "pctx-unified"), ("MCPServer", "e2e-examples", "k8s-tools")]
# Agents waiting for a Failed dependency: {agent: (the dependency named as written, the one
# named given a mock, or None when the mock lets it start)}
WAITING = {
    ("Agent", "kaos-simple", "simple-agent"): ("simple-modelapi", None),
    ("Agent", "kaos-multi", "coordinator"): ("multi-modelapi", None),
    ("Agent", "kaos-multi", "worker-1"): ("multi-modelapi", None),
    ("Agent", "kaos-multi", "worker-2"): ("multi-modelapi", None),
    ("Agent", "e2e-base-func", "base-test-agent"): ("base-ollama-hosted", None),
    ("Agent", "kaos-autonomous", "cluster-monitor"): ("monitor-modelapi", "monitor-k8s-mcp"),
    ("Agent", "e2e-pctx", "pctx-agent"): ("pctx-unified", "pctx-unified"),
}
# Resources whose phase follows rules not about Hosted or images (checked in their own tests).
MEMORY_SET = "e2e-memory-store"


def workload_keys():
    keys = []
    for path in c.fixture_files(c.RUNNABLE):
        keys += [k for k in c.kaos_documents(path) if k[0] in c.WORKLOAD_KINDS]
    return keys


class ValidateCorpusTest(e.RuntimeTestCase):
    """`kaos validate` of every fixture set, one file at a time."""

    def validate(self, path):
        return self.rt.run("validate", "-f", path)

    def test_runnable_sets_are_valid(self):
        for path in c.fixture_files(c.RUNNABLE):
            with self.subTest(os.path.basename(path)):
                p = self.validate(path)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertIn(" 0 invalid", p.stdout + p.stderr)

    def test_newest_schema_sets_are_valid(self):
        for path in c.fixture_files(c.NEWEST_SCHEMA):
            with self.subTest(os.path.basename(path)):
                p = self.validate(path)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_fields_the_crds_dropped_are_errors_naming_the_replacement(self):
        for path in c.fixture_files(c.CRD_DISAGREEMENTS):
            with self.subTest(os.path.basename(path)):
                p = self.validate(path)
                self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
                lines = (p.stdout + p.stderr).splitlines()
                expected = c.expected_errors(path)
                self.assertTrue(expected, "a fixture of crd-disagreements/ lists its errors in # expect: lines")
                for fragments in expected:
                    self.assertTrue(any(c.line_matches(line, fragments) for line in lines),
                                    f"no error line with {fragments}:\n" + "\n".join(lines))


class RunnableCorpusTest(e.RuntimeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c.hide_ollama(cls.rt)
        cls.up = cls.rt.run("up", "-f", c.RUNNABLE, "-d", "--timeout", "45", timeout=240)
        cls.as_written = c.status_by_key(cls.rt)
        cls.listed_by_get = cls.rt.run("get", "all", "-A", "-o", "json").stdout
        cls.mock_dir = tempfile.mkdtemp(prefix="kaos-e2e-corpus-")
        cls.addClassCleanup(shutil.rmtree, cls.mock_dir, True)
        cls.turned = c.mock_pass_copy(c.RUNNABLE, cls.mock_dir)
        cls.mock_up = cls.rt.run("up", "-f", cls.mock_dir, "-d", "--timeout", "45", timeout=240)
        cls.given_mock = c.status_by_key(cls.rt)

    # --- 1. as written -----------------------------------------------------------------------

    def test_10_up_starts_the_set(self):
        self.assertTrue(self.rt.supervisor_pid(), self.up.stdout + self.up.stderr)
        self.assertEqual(self.up.returncode, 1, "Failed resources make `kaos up` exit 1")
        for key in workload_keys():
            self.assertIn(key, self.as_written, f"{key} missing from kaos status")
        # Every workload has a port of its own (a shared one makes one of them fail to listen).
        ports = {}
        for key, r in self.as_written.items():
            if key[0] in c.WORKLOAD_KINDS:
                ports.setdefault(r["endpoint"], []).append(key)
        self.assertEqual({p: ks for p, ks in ports.items() if len(ks) > 1}, {}, "workloads sharing a port")

    def test_11_hosted_modelapis_fail_pointing_at_proxy_mode(self):
        for key in HOSTED:
            r = self.as_written[key]
            self.assertEqual(r["phase"], "Failed", r)
            self.assertIn("ollama", r["message"])
            self.assertIn("mode: Proxy", r["message"])

    def test_12_image_only_mcpservers_fail_asking_for_a_local_command(self):
        for key in IMAGE_ONLY:
            r = self.as_written[key]
            self.assertEqual(r["phase"], "Failed", r)
            if key[2] == "pctx-unified":  # not in our runtime registry: KAOS's unknown-runtime message
                self.assertTrue("spec.container.command" in r["message"] or "pctx (not found" in r["message"], r)
            else:
                self.assertIn("spec.container.command", r["message"])

    def test_13_agents_wait_naming_what_failed(self):
        for key, (dependency, _) in WAITING.items():
            r = self.as_written[key]
            self.assertEqual(r["phase"], "Waiting", r)
            self.assertIn(dependency, r["message"])
            self.assertEqual(r["pid"], 0)

    def test_14_everything_else_is_ready(self):
        special = set(HOSTED) | set(IMAGE_ONLY) | set(WAITING)
        for key in workload_keys():
            if key in special or key[1] == MEMORY_SET:
                continue
            r = self.as_written[key]
            self.assertEqual((r["phase"], r["ready"]), ("Ready", True), r)

    def test_15_kinds_without_a_local_process_are_listed(self):
        others = [k for p in c.fixture_files(c.RUNNABLE) for k in c.kaos_documents(p) if k[0] not in c.WORKLOAD_KINDS]
        self.assertEqual(sorted({k[0] for k in others}), ["AccessGrant", "MemoryStore", "ThirdPartyService"])
        for kind, ns, name in others:
            with self.subTest(f"{kind}/{ns}/{name}"):
                r = self.as_written.get((kind, ns, name))
                self.assertIsNotNone(r, f"{kind}/{ns}/{name} missing from kaos status")
                self.assertIn(r["phase"], c.PHASES, r)
                self.assertTrue(r.get("message"), r)
                self.assertIn(f"{kind.lower()}/{ns}/{name}", self.up.stdout)
                self.assertIn(f'"{name}"', self.listed_by_get)

    def test_16_agents_bound_to_a_store_that_is_not_ready_are_not_ready_as_if_bound(self):
        store = self.as_written.get(("MemoryStore", MEMORY_SET, "recover-store"))
        self.assertIsNotNone(store, "the MemoryStore is not listed")
        gated = self.as_written[("Agent", MEMORY_SET, "gated-agent")]
        recovering = self.as_written[("Agent", MEMORY_SET, "recover-agent")]
        if store["phase"] == "Ready":
            self.assertEqual(gated["phase"], "Ready", gated)
            return
        # waitForDependencies (default true): Waiting, naming the store (KAOS's first-creation gate).
        self.assertEqual(gated["phase"], "Waiting", gated)
        self.assertIn("recover-store", gated["message"])
        # waitForDependencies: false: it serves, with the MemoryDegraded condition (or waits).
        self.assertTrue(recovering["phase"] == "Waiting" or c.degraded(recovering), recovering)

    # --- 2. given a mock ---------------------------------------------------------------------

    def test_20_the_mock_pass_turns_every_hosted_modelapi(self):
        self.assertEqual(self.turned, len(HOSTED))
        for key in HOSTED:
            r = self.given_mock[key]
            self.assertEqual((r["phase"], r["ready"]), ("Ready", True), r)
        for key, (_, dependency) in WAITING.items():
            r = self.given_mock[key]
            if dependency:
                self.assertEqual(r["phase"], "Waiting", r)
                self.assertIn(dependency, r["message"])
            else:
                self.assertEqual((r["phase"], r["ready"]), ("Ready", True), r)

    def chat(self, agent, ns, message="Go ahead"):
        return self.rt.run("chat", agent, "-n", ns, message, check=0).stdout.strip()

    def test_21_sample_1_calls_the_echo_tool(self):
        self.assertEqual(self.chat("simple-agent", "kaos-simple"), "simple-agent: the echo tool answered")
        self.assertIn("Echo: corpus-simple", c.tool_results(self.rt, "simple-agent", "kaos-simple")["echo"])

    def test_22_sample_2_delegates_to_both_workers_in_one_step(self):
        self.assertEqual(self.chat("coordinator", "kaos-multi"), "coordinator: both workers reported back")
        requests = c.events_of(c.memory_events(self.rt, "coordinator", "kaos-multi"), "delegation_request")
        self.assertEqual(len(requests), 2, requests)
        for worker, task in (("worker-1", "general part"), ("worker-2", "special part")):
            self.assertEqual(c.delegations_received(self.rt, worker, "kaos-multi"), [task])
            self.assertIn(f"Echo: from {worker}", c.tool_results(self.rt, worker, "kaos-multi")["echo"])

    def test_23_sample_3_delegates_two_levels_deep(self):
        ns = "kaos-hierarchy"
        self.assertEqual(self.chat("supervisor", ns), "supervisor: research and analysis are in")
        self.assertEqual(c.delegations_received(self.rt, "research-lead", ns), ["research the topic"])
        self.assertEqual(c.delegations_received(self.rt, "analysis-lead", ns), ["compute the figure"])
        self.assertEqual(c.delegations_received(self.rt, "researcher-1", ns), ["gather sources"])
        self.assertIn("Echo: source list", c.tool_results(self.rt, "researcher-1", ns)["echo"])
        self.assertIn("42", c.tool_results(self.rt, "analysis-lead", ns)["calculate"])

    def test_24_samples_4_and_5_call_their_tools(self):
        self.assertEqual(self.chat("dev-agent", "kaos-dev"), "dev-agent: echoed")
        self.assertIn("Echo: corpus-dev", c.tool_results(self.rt, "dev-agent", "kaos-dev")["echo"])
        self.assertEqual(self.chat("external-agent", "sample-external"), "external-agent: 144")
        self.assertIn("144", c.tool_results(self.rt, "external-agent", "sample-external")["calculate"])

    def test_25_sample_6_report_tools_run_with_their_imports(self):
        r = self.given_mock[("MCPServer", "kaos-autonomous", "monitor-report-mcp")]
        p = self.rt.run("mcp-call", r["endpoint"], "summarise_pods", "--args",
                        '{"pod_data": "[{\\"name\\": \\"a\\", \\"phase\\": \\"Running\\"}, '
                        '{\\"name\\": \\"b\\", \\"phase\\": \\"Pending\\"}]"}', check=0)
        self.assertEqual(p.stdout.strip(), "report: 2 pods, unhealthy: b")

    def test_26_authorization_walkthroughs_answer_and_call_tools(self):
        self.assertEqual(self.chat("researcher", "authz-walkthrough"), "researcher: the note was echoed")
        self.assertIn("Echo: authorization note", c.tool_results(self.rt, "researcher", "authz-walkthrough")["echo"])
        self.assertEqual(self.chat("researcher", "authz-walkthrough-2"), "researcher: notes checked")
        self.assertIn("Notes echo: walkthrough note",
                      c.tool_results(self.rt, "researcher", "authz-walkthrough-2")["echo"])
        for agent, ns, answer in (("autobot", "authz-walkthrough", "autobot: report written"),
                                  ("nightly-reporter", "authz-walkthrough-2", "nightly-reporter: report written")):
            e.wait_for(lambda: any(ev["content"] == answer for ev in c.events_of(
                c.memory_events(self.rt, agent, ns), "agent_response")), 30, f"{agent}'s first autonomous answer")

    def test_27_docs_reference_answers_through_its_configyamls(self):
        ns = "docs-reference"
        # No scripts here: the mock model behind each configYaml calls the tool the message names.
        self.assertEqual(self.chat("my-agent", ns, 'Please greet {"name": "corpus"}'), "Hello, corpus!")
        self.assertEqual(self.chat("traced-agent", ns, 'Please add {"a": 40, "b": 2}'), "42.0")
        self.assertEqual(self.chat("secret-config-agent", ns, "hello"), "Mock response to: hello")
        self.assertEqual(self.chat("traced-agent", ns, 'Please delegate_to_my-agent {"task": "Please greet '
                                   '{\\"name\\": \\"peer\\"}"}'), "Hello, peer!")
        self.assertIn('Please greet {"name": "peer"}', c.delegations_received(self.rt, "my-agent", ns))

    def test_28_e2e_base_func_agents_answer(self):
        self.assertEqual(self.chat("base-test-agent", "e2e-base-func", "hello"), "Mock response to: hello")
        self.assertEqual(self.chat("echo-agent", "e2e-base-func"), "echo-agent: hello from the base set")

    def test_29_e2e_mcp_tools(self):
        ns = "e2e-mcp-tools"
        self.assertEqual(self.chat("mcp-tool-agent", ns), "The echo tool returned the result for task CORPUS_7.")
        calls = c.events_of(c.memory_events(self.rt, "mcp-tool-agent", ns), "tool_call")
        self.assertTrue(any("CORPUS_7" in str(ev["content"]) for ev in calls), calls)
        self.assertIn("Echo: Task CORPUS_7 processed", c.tool_results(self.rt, "mcp-tool-agent", ns)["echo"])
        self.assertEqual(self.chat("multi-mcp-agent", ns), "multi-mcp-agent: both tools answered")
        results = c.tool_results(self.rt, "multi-mcp-agent", ns)
        self.assertEqual((results["uppercase"], results["reverse"]), (["CORPUS"], ["suproc"]))

    def test_30_e2e_multi_agent_and_agentic_loop_delegate(self):
        self.assertEqual(self.chat("multi-coord", "e2e-multi-agent"), "multi-coord: both workers completed their tasks")
        for worker, n in (("multi-w1", 1), ("multi-w2", 2)):
            self.assertEqual(c.delegations_received(self.rt, worker, "e2e-multi-agent"), [f"Process task MULTI_{n}"])
        ns = "e2e-agentic-loop"
        self.assertEqual(self.chat("loop-coord-del", ns), "loop-coord-del: the worker has completed task LOOP_1")
        self.assertEqual(c.delegations_received(self.rt, "loop-worker-del", ns), ["Process task LOOP_1"])
        self.assertEqual(self.chat("nowait-agent", ns), "nowait-agent: up without waiting")

    def test_31_e2e_autonomous_startup_agent_runs_its_goal(self):
        def answered():
            events = c.memory_events(self.rt, "auto-startup-agent", "e2e-autonomous")
            return any("System health check complete" in str(ev["content"]) for ev in events)
        e.wait_for(answered, 30, "the startup-autonomous agent's first iteration")

    def test_32_e2e_a2a_upstream_request_shape(self):
        endpoint = self.given_mock[("Agent", "e2e-a2a", "a2a-lifecycle-agent")]["endpoint"]
        card = e.http_json(endpoint + "/.well-known/agent.json")
        self.assertEqual(card["protocolVersion"], "0.3.0")
        self.assertIs(card["capabilities"]["stateTransitionHistory"], True)
        self.assertIn("jsonrpc", card["supportedProtocols"])
        task = c.kaos_send_message(endpoint, "Process this task").get("result", {})
        self.assertEqual(task.get("status", {}).get("state"), "completed", task)
        self.assertTrue(task.get("sessionId"), task)
        agent_texts = [m["parts"][0]["text"] for m in task.get("history", []) if m["role"] == "agent"]
        self.assertIn("Task processed successfully.", agent_texts)
        got = c.kaos_get_task(endpoint, task["id"])["result"]
        self.assertEqual(got["status"]["state"], "completed")
        # contextId at the params level names the session, as upstream's clients send it.
        again = c.kaos_send_message(endpoint, "Test with session", context_id="test-session-123")["result"]
        self.assertEqual(again["sessionId"], "test-session-123")
        self.assertTrue(e.http_json(endpoint + "/memory/events?session_id=test-session-123")["events"])

    def test_40_e2e_a2a_errors_as_upstream_asserts_them(self):
        endpoint = self.given_mock[("Agent", "e2e-a2a", "a2a-lifecycle-agent")]["endpoint"]
        for body, code in (({"method": "tasks/unknown"}, -32601), ({"method": "GetTask", "params": {}}, -32602),
                           ({"method": "GetTask", "params": {"id": "nonexistent-task-id"}}, -32001)):
            answer = c.post_json(endpoint + "/", {"jsonrpc": "2.0", "id": 1, **body})
            self.assertEqual(answer.get("error", {}).get("code"), code, answer)

    def test_33_e2e_mcp_tools_card_at_the_older_path(self):
        endpoint = self.given_mock[("Agent", "e2e-mcp-tools", "mcp-tool-agent")]["endpoint"]
        card = e.http_json(endpoint + "/.well-known/agent")
        self.assertIn("tool_execution", card["capabilities"])
        self.assertTrue({"echo", "reverse"} <= {s.get("name") for s in card.get("skills", [])}, card)

    def test_34_legacy_fenced_tool_call_block(self):
        ns = "e2e-legacy-mocks"
        self.assertEqual(self.chat("fenced-tool-agent", ns), "fenced-tool-agent: the echo tool answered")
        self.assertIn("Echo: fenced LEGACY_1", c.tool_results(self.rt, "fenced-tool-agent", ns).get("echo", []))

    def test_35_legacy_bare_tool_object(self):
        ns = "e2e-legacy-mocks"
        self.assertEqual(self.chat("bare-tool-agent", ns), "bare-tool-agent: the echo tool answered")
        self.assertIn("Echo: bare LEGACY_2", c.tool_results(self.rt, "bare-tool-agent", ns).get("echo", []))

    def test_36_legacy_fenced_delegate_block(self):
        ns = "e2e-legacy-mocks"
        self.assertEqual(self.chat("fenced-coordinator", ns),
                         "fenced-coordinator: the worker has completed task LEGACY_3")
        self.assertEqual(c.delegations_received(self.rt, "legacy-worker", ns), ["Process task LEGACY_3"])

    def test_37_e2e_examples_mock_agent_and_tools(self):
        ns = "e2e-examples"
        self.assertEqual(self.chat("mock-agent", ns, "Hello!"),
                         "This is a mocked response from the agent. No LLM was called!")
        kinds = [ev["event_type"] for ev in c.memory_events(self.rt, "mock-agent", ns)]
        self.assertIn("user_message", kinds)
        self.assertIn("agent_response", kinds)
        url = self.given_mock[("MCPServer", ns, "weather-mcp")]["endpoint"]
        p = self.rt.run("mcp-call", url, "convert_temperature", "--args",
                        '{"value": 100, "from_unit": "C", "to_unit": "F"}', check=0)
        self.assertEqual(p.stdout.strip(), "212.0 F")

    def test_38_e2e_examples_fenced_delegate_block(self):
        ns = "e2e-examples"
        self.assertEqual(self.chat("coordinator", ns, "What are the trends?"),
                         "Based on the research: adoption is growing 40% a year.")
        self.assertEqual(c.delegations_received(self.rt, "researcher", ns), ["Research the trends"])

    def test_39_e2e_autonomous_task_through_a2a(self):
        endpoint = self.given_mock[("Agent", "e2e-autonomous", "auto-a2a-agent")]["endpoint"]
        budgets = {"maxIterations": 5, "maxRuntimeSeconds": 60, "maxToolCalls": 10}
        task = c.kaos_send_message(endpoint, "Analyze the system and report findings",
                                   {"mode": "autonomous", "budgets": budgets}).get("result", {})
        self.assertIn("id", task, task)

        def finished():
            t = c.kaos_get_task(endpoint, task["id"])["result"]
            return t if t["status"]["state"] in ("completed", "failed") else None
        done = e.wait_for(finished, 30, "the autonomous task to finish")
        self.assertEqual(done["status"]["state"], "completed", done)
        kinds = [ev["type"] for ev in done.get("events", [])]
        self.assertIn("task.submitted", kinds)
        self.assertIn("task.completed", kinds)
        self.assertIn("Echo: autonomous iteration 1",
                      c.tool_results(self.rt, "auto-a2a-agent", "e2e-autonomous").get("echo", []))

    def test_99_down(self):
        self.assertDownLeavesNothing()


if __name__ == "__main__":
    e.main()
