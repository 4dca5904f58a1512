#!/usr/bin/env python3
"""KAOS's own A2A clients against `kaos agent` (issue 13): the requests upstream KAOS's e2e
tests, kaos-cli and kaos-ui send — PascalCase methods with NO `A2A-Version` header, parts
`{"type":"text"}`, params `contextId`, `configuration.mode`/`budgets`/`blocking` — and the fields
and states they read (`result.id`, `result.sessionId`, `result.mode`, lowercase states,
`result.events`, `result.output`). Each test names the upstream test it follows; the shapes are
quoted from upstream's `operator/tests/e2e` (notes: i13-a2a-upstream.md). The same agents
answer the official SDK's shapes when the request says `A2A-Version: 1.0` (checked here on the
same agent, and by tests/conformance/agent with the SDK itself). docs/a2a.md, "Which dialect".

Also the `DEBUG_MOCK_RESPONSES` formats of KAOS's older e2e tests (test_mcp_tools_e2e.py,
test_multi_agent_e2e.py): ```tool_call / ```delegate blocks and bare {"tool","arguments"}, end
to end through a real `kaos mcp` and a real peer agent, and the card at /.well-known/agent.

Usage: agent_kaos_clients_test.py KAOS_BINARY
"""
import json

import agent_support as s
from agent_support import rpc, wait_for

V1 = {"A2A-Version": "1.0"}

# The tool upstream's e2e MCP server offers: echo(message).
ECHO_SOURCE = '''
def echo(message: str) -> str:
    """Echo the message back."""
    return message
'''


def kaos_params(text, **more):
    """SendMessage params exactly as upstream's e2e tests, kaos-cli and kaos-ui build them."""
    return {"message": {"role": "user", "parts": [{"type": "text", "text": text}]}, **more}


def mock_agent(name, responses, env=None):
    return s.start_agent(name, {"MODEL_API_URL": "http://127.0.0.1:9",
                                "DEBUG_MOCK_RESPONSES": json.dumps(responses), **(env or {})})


def poll_task(port, task_id, what, timeout=30):
    """Polls GetTask (no header, as upstream does) until the task is terminal; returns it."""
    return wait_for(lambda: (t := rpc(port, "GetTask", {"id": task_id})["result"])["status"]["state"]
                    in ("completed", "failed", "canceled") and t, timeout, what)


def texts(history, role):
    return [m["parts"][0]["text"] for m in history if m["role"] == role]


class A2aE2eShapesTest(s.ProcTestCase):
    """operator/tests/e2e/test_a2a_e2e.py, both generations (17b3fba: non-blocking `submitted`
    first; the newer one: a synchronous send answers `completed`)."""

    @classmethod
    def setUpClass(cls):
        cls.agent = cls.cls_spawn(mock_agent("a2a-e2e", ["Task processed successfully"]))
        cls.port = cls.agent.port

    def test_card_at_agent_json(self):
        # test_a2a_e2e.py: GET /.well-known/agent.json
        card = s.get_json(self.port, "/.well-known/agent.json")
        self.assertIs(card["capabilities"]["stateTransitionHistory"], True)
        self.assertIn("supportedProtocols", card)
        self.assertIn("jsonrpc", card["supportedProtocols"])
        self.assertEqual(card["protocolVersion"], "0.3.0")

    def test_send_message_synchronous(self):
        # Newer test_a2a_e2e.py: "SendMessage creates and executes a task synchronously".
        data = rpc(self.port, "SendMessage", kaos_params("Process this task"))
        result = data["result"]
        self.assertEqual(result["status"]["state"], "completed")
        task_id, session_id = result["id"], result["sessionId"]
        self.assertRegex(task_id, r"^task_[0-9a-f]{12}$")
        self.assertEqual(result["mode"], "interactive")
        self.assertIs(result["autonomous"], False)
        self.assertEqual(result["status"]["message"], "Done")
        self.assertEqual(result["output"], "Task processed successfully")
        got = rpc(self.port, "GetTask", {"id": task_id})["result"]
        self.assertEqual(got["status"]["state"], "completed")
        self.assertIn("Process this task", texts(got["history"], "user")[0])
        self.assertIn("Task processed successfully", texts(got["history"], "agent")[-1])
        # GET {agent_url}/memory/events?session_id=<sessionId> → at least one event
        self.assertGreaterEqual(len(s.memory_events(self.port, session_id)), 1)

    def test_send_message_non_blocking_answers_submitted_first(self):
        # 17b3fba test_a2a_e2e.py: "SendMessage (non-blocking)" → submitted, then poll GetTask.
        # The mock answers at once: only an answer taken before the run starts says submitted.
        for _ in range(5):
            data = rpc(self.port, "SendMessage", kaos_params("Process this task",
                                                             configuration={"blocking": False}))
            result = data["result"]
            self.assertEqual(result["status"]["state"], "submitted")
            self.assertEqual([e["type"] for e in result["events"]], ["task.submitted"])
            final = poll_task(self.port, result["id"], "the non-blocking task to finish")
            self.assertEqual(final["status"]["state"], "completed")
            self.assertEqual(final["sessionId"], result["sessionId"])
            history = final["history"]
            self.assertGreaterEqual(len(history), 2)
            self.assertTrue(texts(history, "user"))
            self.assertTrue(texts(history, "agent"))

    def test_send_message_blocking(self):
        # test_a2a_send_message_blocking: "configuration": {"blocking": True}
        result = rpc(self.port, "SendMessage", kaos_params("Blocking task", configuration={"blocking": True}))["result"]
        self.assertEqual(result["status"]["state"], "completed")
        self.assertTrue(result.get("output", "") or len(result.get("artifacts", [])) > 0
                        or len(result.get("history", [])) >= 2)

    def test_send_message_with_session(self):
        # test_a2a_send_message_with_session: params "contextId": "test-session-123"
        agent = self.spawn(mock_agent("a2a-session", ["Session response complete"]))
        session_id = "test-session-123"
        result = rpc(agent.port, "SendMessage", kaos_params("Remember me", contextId=session_id))["result"]
        self.assertEqual(result["status"]["state"], "completed")
        self.assertEqual(result["sessionId"], session_id)
        self.assertIn("Session response complete", texts(result["history"], "agent")[-1])

    def test_jsonrpc_error_handling(self):
        # test_a2a_jsonrpc_error_handling
        self.assertEqual(rpc(self.port, "tasks/unknown", {})["error"]["code"], -32601)
        self.assertEqual(rpc(self.port, "GetTask", {})["error"]["code"], -32602)
        missing = rpc(self.port, "GetTask", {"id": "nonexistent-task-id"})["error"]
        self.assertEqual(missing["code"], -32001)
        self.assertEqual(missing["message"], "Task not found: nonexistent-task-id")

    def test_list_and_cancel_in_kaos_shapes(self):
        # kaos-ui and kaos-cli: ListTasks → {"tasks","count"}; CancelTask {id} of a finished task
        # returns it unchanged (KAOS), not 1.0's TaskNotCancelable.
        sent = rpc(self.port, "SendMessage", kaos_params("List me", contextId="list-session"))["result"]
        listed = rpc(self.port, "ListTasks", {"contextId": "list-session"})["result"]
        self.assertEqual(listed["count"], 1)
        self.assertEqual(listed["tasks"][0]["id"], sent["id"])
        self.assertEqual(listed["tasks"][0]["status"]["state"], "completed")
        self.assertIn(sent["id"], [t["id"] for t in rpc(self.port, "ListTasks")["result"]["tasks"]])
        canceled = rpc(self.port, "CancelTask", {"id": sent["id"]})["result"]
        self.assertEqual(canceled["id"], sent["id"])
        self.assertEqual(canceled["status"]["state"], "completed")

    def test_same_agent_answers_one_dot_zero_with_the_header(self):
        # The official SDK's requests (A2A-Version: 1.0) on this very agent get 1.0 shapes.
        v1_params = {"message": {"role": "ROLE_USER", "parts": [{"text": "hi"}], "messageId": "m-1"}}
        task = rpc(self.port, "SendMessage", v1_params, headers=V1)["result"]["task"]
        self.assertEqual(task["status"]["state"], "TASK_STATE_COMPLETED")
        self.assertNotIn("sessionId", task)
        self.assertEqual(rpc(self.port, "GetTask", {"id": task["id"]}, headers=V1)["result"]["status"]["state"],
                         "TASK_STATE_COMPLETED")
        # ... and the same task without the header in KAOS's.
        kaos = rpc(self.port, "GetTask", {"id": task["id"]})["result"]
        self.assertEqual(kaos["status"]["state"], "completed")
        self.assertEqual(kaos["sessionId"], task["contextId"])
        # A2A-Version 0.3 means what no header means (spec §3.6.2): the KAOS task.
        old = rpc(self.port, "GetTask", {"id": task["id"]}, headers={"A2A-Version": "0.3"})["result"]
        self.assertEqual(old["status"]["state"], "completed")
        self.assertEqual(old["kind"], "task")
        # 1.0 with returnImmediately: the task as created.
        quick = rpc(self.port, "SendMessage", {**v1_params, "configuration": {"returnImmediately": True}},
                    headers=V1)["result"]["task"]
        self.assertEqual(quick["status"]["state"], "TASK_STATE_SUBMITTED")
        err = rpc(self.port, "SendMessage", v1_params, headers={"A2A-Version": "2.0"})["error"]
        self.assertEqual(err["code"], -32009)


class AutonomousE2eShapesTest(s.ProcTestCase):
    """operator/tests/e2e/test_autonomous_e2e.py (26dc78b and its later version), with a real
    `kaos mcp` serving the echo tool the mocks call."""

    @classmethod
    def setUpClass(cls):
        cls.mcp = cls.cls_spawn(s.start_mcp(ECHO_SOURCE))

    def agent(self, name, responses):
        return self.spawn(mock_agent(name, responses, s.mcp_env(self.mcp.port, "echo-mcp")))

    def test_autonomous_task_completes_with_iteration_events(self):
        mock_responses = [
            json.dumps({"tool_calls": [{"id": "call_1", "name": "echo",
                                        "arguments": {"message": "autonomous iteration 1"}}]}),
            "Still working on the goal. Need another iteration.",
            "Goal fully achieved. Final report complete.",
        ]
        agent = self.agent("auto-e2e", mock_responses)
        params = kaos_params("Run the system health check", configuration={
            "mode": "autonomous", "budgets": {"maxIterations": 5, "maxRuntimeSeconds": 60, "maxToolCalls": 10}})
        task = rpc(agent.port, "SendMessage", params)["result"]
        self.assertEqual(task.get("mode"), "autonomous")
        self.assertIs(task["autonomous"], True)
        # KAOS answers an autonomous send `working`, with its first two events.
        self.assertEqual(task["status"]["state"], "working")
        self.assertEqual(task["status"]["message"], "Autonomous execution started")
        self.assertEqual([e["type"] for e in task["events"]], ["task.submitted", "task.working"])
        final = poll_task(agent.port, task["id"], "the autonomous task to finish")
        self.assertEqual(final["status"]["state"], "completed")
        events = final["events"]
        event_types = [e["type"] for e in events]
        for t in ("task.submitted", "task.working", "autonomous.iteration.started", "task.completed"):
            self.assertIn(t, event_types)
        iteration_starts = [e for e in events if e["type"] == "autonomous.iteration.started"]
        self.assertEqual([e["data"]["iteration"] for e in iteration_starts], [0, 1])
        completed = [e for e in events if e["type"] == "autonomous.iteration.completed"]
        self.assertEqual(completed[0]["data"]["response_preview"],
                         "Still working on the goal. Need another iteration.")
        self.assertIn("Goal fully achieved", texts(final["history"], "agent")[-1])
        self.assertEqual(final["output"], "Goal fully achieved. Final report complete.")
        memory = s.memory_events(agent.port, final["sessionId"])
        self.assertGreaterEqual(len(memory), 2)
        results = [(e["content"]["tool"], e["content"]["result"].strip()) for e in memory
                   if e["event_type"] == "tool_result"]
        self.assertEqual(results, [("echo", "autonomous iteration 1")])  # the real tool ran

    def test_autonomous_budget_enforcement(self):
        call = json.dumps({"tool_calls": [{"id": "call_1", "name": "echo", "arguments": {"message": "again"}}]})
        agent = self.agent("auto-budget", [call, "Not done yet.", call, "Still not done."])
        params = kaos_params("Work forever", configuration={"mode": "autonomous", "budgets": {"maxIterations": 1}})
        task = rpc(agent.port, "SendMessage", params)["result"]
        final = poll_task(agent.port, task["id"], "the budgeted task to finish")
        self.assertEqual(final["status"]["state"], "completed")
        events = final["events"]
        event_types = [e["type"] for e in events]
        self.assertIn("autonomous.budget.exhausted", event_types)
        budget_event = next(e for e in events if e["type"] == "autonomous.budget.exhausted")
        self.assertIn("max_iterations", budget_event.get("reason", ""))  # 26dc78b reads the top level
        self.assertIn("max_iterations", budget_event.get("data", {}).get("reason", ""))  # the later version
        iteration_starts = [e for e in events if e["type"] == "autonomous.iteration.started"]
        self.assertEqual(len(iteration_starts), 1)
        self.assertEqual(final["output"], "Budget exhausted: max_iterations (1) reached")

    def test_cancel_a_running_autonomous_task(self):
        # kaos-cli `kaos agent a2a cancel`: CancelTask {"id"} → canceled, the message a string.
        call = json.dumps({"tool_calls": [{"name": "echo", "arguments": {"message": "tick"}}]})
        agent = self.agent("auto-cancel", [call] * 50)
        params = kaos_params("Tick forever", configuration={"mode": "autonomous", "budgets": {
            "maxIterations": 1000, "maxRuntimeSeconds": 300, "maxToolCalls": 100000, "intervalSeconds": 5}})
        task = rpc(agent.port, "SendMessage", params)["result"]
        canceled = rpc(agent.port, "CancelTask", {"id": task["id"]})["result"]
        self.assertEqual(canceled["status"]["state"], "canceled")
        self.assertEqual(canceled["status"]["message"], "Canceled by request")
        self.assertIn("task.canceled", [e["type"] for e in canceled["events"]])
        self.assertEqual(rpc(agent.port, "GetTask", {"id": task["id"]})["result"]["status"]["state"], "canceled")


class OlderMockFormatsTest(s.ProcTestCase):
    """The DEBUG_MOCK_RESPONSES formats of KAOS's older e2e tests: test_mcp_tools_e2e.py (da441bb,
    ```tool_call blocks; card at /.well-known/agent with "tool_execution") and
    test_multi_agent_e2e.py (44f0665, ```delegate blocks; "task_delegation")."""

    @classmethod
    def setUpClass(cls):
        cls.mcp = cls.cls_spawn(s.start_mcp(ECHO_SOURCE))

    def test_tool_call_block_and_bare_tool_object_call_the_tool(self):
        task_id = "42"
        agent = self.spawn(mock_agent("mcp-e2e", [
            json.dumps({"tool": "echo", "arguments": {"message": f"bare call {task_id}"}}),
            f"""I'll use the echo tool to help you.
```tool_call
{{"tool": "echo", "arguments": {{"message": "Task {task_id} processed"}}}}
```""",
            f"The echo tool returned the result for task {task_id}.",
        ], s.mcp_env(self.mcp.port, "echo-mcp")))
        card = s.get_json(agent.port, "/.well-known/agent")
        self.assertIn("tool_execution", card["capabilities"])
        self.assertIn("echo", [sk.get("name") for sk in card.get("skills", [])])
        self.assertNotIn("task_delegation", card["capabilities"])
        result = rpc(agent.port, "SendMessage", kaos_params(f"Process task {task_id}", contextId="mock-formats"))
        self.assertEqual(result["result"]["output"], f"The echo tool returned the result for task {task_id}.")
        memory = s.memory_events(agent.port, "mock-formats")
        self.assertEqual([e["event_type"] for e in memory],
                         ["user_message", "tool_call", "tool_result", "tool_call", "tool_result", "agent_response"])
        self.assertEqual([(e["content"]["tool"], e["content"]["result"].strip()) for e in memory
                          if e["event_type"] == "tool_result"],
                         [("echo", f"bare call {task_id}"), ("echo", f"Task {task_id} processed")])

    def test_delegate_block_delegates_to_the_peer(self):
        worker = self.spawn(mock_agent("multi-w1", ["Worker processed the task"]))
        coordinator = self.spawn(mock_agent("multi-coord", [
            """I'll delegate this task to the worker.
```delegate
{"agent": "multi-w1", "task": "Process task 7"}
```""",
            "The worker finished task 7.",
        ], {"PEER_AGENTS": "multi-w1", "PEER_AGENT_MULTI_W1_CARD_URL": f"http://127.0.0.1:{worker.port}"}))
        for agent, name in ((coordinator, "multi-coord"), (worker, "multi-w1")):
            card = s.get_json(agent.port, "/.well-known/agent")
            self.assertEqual(card["name"], name)
            self.assertIn("message_processing", card["capabilities"])
        self.assertIn("task_delegation", s.get_json(coordinator.port, "/.well-known/agent")["capabilities"])
        result = rpc(coordinator.port, "SendMessage", kaos_params("Coordinate task 7", contextId="coord"))["result"]
        self.assertEqual(result["output"], "The worker finished task 7.")
        received = [e for e in s.memory_events(worker.port) if e["event_type"] == "task_delegation_received"]
        self.assertEqual([e["content"] for e in received], ["Process task 7"])
        responses = [e["content"] for e in s.memory_events(coordinator.port, "coord")
                     if e["event_type"] == "delegation_response"]
        self.assertEqual(len(responses), 1)
        self.assertEqual(responses[0]["response"], "Worker processed the task")


if __name__ == "__main__":
    s.main()
