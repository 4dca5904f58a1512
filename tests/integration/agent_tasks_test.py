#!/usr/bin/env python3
"""Integration tests for `kaos agent`'s A2A JSON-RPC endpoint and tasks with real parts on
loopback (KAOS §2.5, §2.10): raw JSON-RPC in the three dialects (1.0 SendMessage with
A2A-Version 1.0, 0.3 message/send, KAOS tasks/*), the error codes, autonomous tasks with budgets, cancellation that
abandons the model request in flight, a streaming chat whose client leaves, and the continuous
AUTONOMOUS_GOAL loop.

Usage: agent_tasks_test.py KAOS_BINARY
"""
import json
import socket

import agent_support as s
from agent_support import rpc, wait_for


# The official SDKs' header: PascalCase methods answer 1.0 shapes only with it (docs/a2a.md).
V1 = {"A2A-Version": "1.0"}


def v1_message(text, mid="m-1"):
    return {"message": {"role": "ROLE_USER", "parts": [{"text": text}], "messageId": mid}}


def kaos_message(text):
    return {"message": {"role": "user", "parts": [{"type": "text", "text": text}]}}


class A2aTest(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = cls.cls_spawn(s.ScriptedModel())
        cls.mcp = cls.cls_spawn(s.start_mcp())
        cls.agent = cls.cls_spawn(s.start_agent("tasker", {**s.model_env(cls.model), **s.mcp_env(cls.mcp.port)}))
        cls.port = cls.agent.port

    def tearDown(self):
        self.assertEqual(s.http(self.port, "GET", "/health")[0], 200)
        super().tearDown()

    def test_send_message_v1(self):
        res = rpc(self.port, "SendMessage", {**v1_message("K-v1 hello"), "contextId": "ctx-v1"}, rid="a", headers=V1)
        self.assertEqual(res["id"], "a")
        task = res["result"]["task"]
        self.assertEqual(task["status"]["state"], "TASK_STATE_COMPLETED")
        self.assertEqual(task["contextId"], "ctx-v1")
        texts = [p["text"] for a in task["artifacts"] for p in a["parts"]]
        self.assertEqual(texts, ["echo: K-v1 hello"])
        got = rpc(self.port, "GetTask", {"id": task["id"]}, headers=V1)["result"]
        self.assertEqual(got["id"], task["id"])
        self.assertEqual(got["status"]["state"], "TASK_STATE_COMPLETED")

    def test_message_send_v03(self):
        msg = {"message": {"kind": "message", "role": "user", "messageId": "m-03",
                           "parts": [{"kind": "text", "text": "K-v03 hi"}]}}
        res = rpc(self.port, "message/send", msg)["result"]
        self.assertEqual(res["kind"], "task")
        self.assertEqual(res["status"]["state"], "completed")
        texts = [p["text"] for a in res["artifacts"] for p in a["parts"]]
        self.assertEqual(texts, ["echo: K-v03 hi"])

    def test_kaos_task_methods(self):
        res = rpc(self.port, "tasks/send", {**kaos_message("K-kaos one"), "sessionId": "s-kaos"})["result"]
        self.assertRegex(res["id"], r"^task_[0-9a-f]{12}$")
        self.assertEqual(res["sessionId"], "s-kaos")
        self.assertEqual(res["status"]["state"], "completed")
        self.assertEqual(res["output"], "echo: K-kaos one")
        self.assertFalse(res["autonomous"])
        self.assertEqual([e["type"] for e in res["events"]], ["task.submitted", "task.working", "task.completed"])
        self.assertEqual([m["role"] for m in res["history"]], ["user", "agent"])
        got = rpc(self.port, "tasks/get", {"id": res["id"]})["result"]
        self.assertEqual(got["output"], "echo: K-kaos one")
        listed = rpc(self.port, "tasks/list", {"sessionId": "s-kaos"})["result"]
        self.assertEqual(listed["count"], 1)
        self.assertEqual(listed["tasks"][0]["id"], res["id"])
        self.assertIn(res["id"], [t["id"] for t in rpc(self.port, "tasks/list")["result"]["tasks"]])
        # Canceling a finished task leaves it as it is.
        canceled = rpc(self.port, "tasks/cancel", {"id": res["id"]})["result"]
        self.assertEqual(canceled["status"]["state"], "completed")
        # The session is the agent's memory session.
        self.assertEqual([e["event_type"] for e in s.memory_events(self.port, "s-kaos")],
                         ["user_message", "agent_response"])

    def test_errors(self):
        res = rpc(self.port, "GetTask", {"id": "nope"})
        self.assertEqual(res["error"]["code"], -32001)
        self.assertIn("Task not found: nope", res["error"]["message"])
        res = rpc(self.port, "tasks/get", {"id": "nope"})
        self.assertEqual(res["error"]["code"], -32001)
        res = rpc(self.port, "x", {}, rid=9)
        self.assertEqual(res["id"], 9)
        self.assertEqual(res["error"], {"code": -32601, "message": "Method not found: x"})
        for method in ("SendMessage", "message/send", "tasks/send"):
            res = rpc(self.port, method, {})
            self.assertEqual(res["error"]["code"], -32602, method)
            self.assertIn("message", res["error"]["message"])
        res = rpc(self.port, "tasks/get", {})
        self.assertEqual(res["error"]["code"], -32602)
        status, _, raw = s.http(self.port, "POST", "/", b'{"jsonrpc": "2.0", "id": 1, "method": ')
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(raw)["error"]["code"], -32700)
        status, _, raw = s.http(self.port, "POST", "/", {"id": 1, "method": "tasks/get"})  # no "jsonrpc"
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(raw)["error"]["code"], -32600)

    def test_autonomous_budget_exhausted(self):
        self.model.script("K-budget", [{"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 1}}],
                                        "repeat": True}])
        params = {**kaos_message("K-budget work forever"),
                  "configuration": {"mode": "autonomous", "budgets": {"maxIterations": 2}}}
        res = rpc(self.port, "tasks/send", params)["result"]
        self.assertTrue(res["autonomous"])
        self.assertIn(res["status"]["state"], ("submitted", "working"))
        done = wait_for(lambda: (t := rpc(self.port, "tasks/get", {"id": res["id"]})["result"])["status"]["state"]
                        in ("completed", "failed", "canceled") and t, 30, "the autonomous task to finish")
        self.assertEqual(done["status"]["state"], "completed")
        self.assertEqual(done["output"], "Budget exhausted: max_iterations (2) reached")
        exhausted = [e for e in done["events"] if e["type"] == "autonomous.budget.exhausted"]
        self.assertEqual(len(exhausted), 1)
        self.assertEqual(exhausted[0]["data"]["reason"], "max_iterations")
        self.assertEqual(exhausted[0]["data"]["iterations"], 2)
        self.assertEqual(len(self.model.requests("K-budget")), 10)  # 2 iterations x AGENTIC_LOOP_MAX_STEPS

    def test_autonomous_completes_without_tool_calls(self):
        self.model.script("K-auto-done", [{"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 1}}]},
                                          "first iteration text"])
        params = {**kaos_message("K-auto-done goal"), "configuration": {"mode": "autonomous"}}
        res = rpc(self.port, "tasks/send", params)["result"]
        done = wait_for(lambda: (t := rpc(self.port, "tasks/get", {"id": res["id"]})["result"])["status"]["state"]
                        in ("completed", "failed", "canceled") and t, 30, "the autonomous task to finish")
        self.assertEqual(done["status"]["state"], "completed")
        # Iteration 1 made no tool call: the task is done, with that iteration's answer.
        self.assertTrue(done["output"].startswith("echo: Continue working toward the goal. This is iteration 1."),
                        done["output"])
        self.assertEqual(done["history"][-1]["role"], "agent")

    def test_cancel_abandons_the_model_request(self):
        self.model.script("K-cancel", [{"hang": True}])
        params = {**v1_message("K-cancel wait"), "configuration": {"mode": "autonomous"}}
        task = rpc(self.port, "SendMessage", params, headers=V1)["result"]["task"]
        wait_for(lambda: self.model.requests("K-cancel"), 15, "the model request")
        res = rpc(self.port, "CancelTask", {"id": task["id"]}, headers=V1)["result"]
        self.assertEqual(res["status"]["state"], "TASK_STATE_CANCELED")
        wait_for(lambda: self.model.disconnected("K-cancel"), 15, "the model request to be abandoned")
        got = rpc(self.port, "tasks/get", {"id": task["id"]})["result"]
        self.assertEqual(got["status"]["state"], "canceled")
        self.assertIn("task.canceled", [e["type"] for e in got["events"]])
        # Canceling again: 1.0 returns an already-canceled task unchanged.
        again = rpc(self.port, "CancelTask", {"id": task["id"]}, headers=V1)["result"]
        self.assertEqual(again["status"]["state"], "TASK_STATE_CANCELED")

    def test_caller_leaving_a_blocking_send_cancels_its_task(self):
        self.model.script("K-leave-a2a", [{"hang": True}])
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tasks/send",
                           "params": {**kaos_message("K-leave-a2a"), "sessionId": "s-leave"}}).encode()
        sock = raw_post(self.port, "/", body)
        wait_for(lambda: self.model.requests("K-leave-a2a"), 15, "the model request")
        sock.close()
        wait_for(lambda: self.model.disconnected("K-leave-a2a"), 15, "the model request to be abandoned")
        tasks = rpc(self.port, "tasks/list", {"sessionId": "s-leave"})["result"]["tasks"]
        self.assertEqual([t["status"]["state"] for t in tasks], ["canceled"])

    def test_streaming_client_leaving_stops_the_run(self):
        self.model.script("K-leave-stream", [{"hang": True}])
        body = json.dumps({"stream": True, "messages": [{"role": "user", "content": "K-leave-stream"}]}).encode()
        sock = raw_post(self.port, "/v1/chat/completions", body)
        wait_for(lambda: self.model.requests("K-leave-stream"), 15, "the model request")
        sock.close()
        wait_for(lambda: self.model.disconnected("K-leave-stream"), 15, "the model request to be abandoned")
        wait_for(lambda: s.metric_value(self.port, "kaos_agent_active_runs") == 0, 15, "no run left active")


def raw_post(port, path, body):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return sock


class AutonomousGoalTest(s.ProcTestCase):
    def test_goal_starts_a_working_task(self):
        model = self.spawn(s.ScriptedModel())
        model.script("K-goal", [])  # default replies; the key groups the loop's requests in the log
        agent = self.spawn(s.start_agent("autonomo", {**s.model_env(model),
                                                      "AUTONOMOUS_GOAL": "K-goal keep the lights on"}))
        tasks = rpc(agent.port, "ListTasks", {}, headers=V1)["result"]["tasks"]
        self.assertEqual(len(tasks), 1)
        task = tasks[0]
        self.assertEqual(task["status"]["state"], "TASK_STATE_WORKING")
        kaos_view = rpc(agent.port, "tasks/get", {"id": task["id"]})["result"]
        self.assertTrue(kaos_view["autonomous"])
        # The loop iterates: the goal first, then "Continue working toward the goal ...".
        wait_for(lambda: len(model.requests("K-goal")) >= 2, 15, "two autonomous iterations")
        reqs = model.requests("K-goal")
        self.assertEqual(reqs[0]["body"]["messages"][-1]["content"], "K-goal keep the lights on")
        self.assertTrue(reqs[1]["body"]["messages"][-1]["content"].startswith(
            "Continue working toward the goal. This is iteration 1."))
        # Interactive requests still work while it runs.
        self.assertEqual(s.answer(s.chat(agent.port, "hello there")), "echo: hello there")
        res = rpc(agent.port, "CancelTask", {"id": task["id"]}, headers=V1)["result"]
        self.assertEqual(res["status"]["state"], "TASK_STATE_CANCELED")
        n = len(model.requests("K-goal"))
        # Stopped: no new iteration over several of its 100 ms pauses (one in flight may land).
        s.holds_for(lambda: len(model.requests("K-goal")) <= n + 1, 0.6, "the canceled loop staying stopped")

    def test_timed_out_first_iteration_keeps_the_goal(self):
        model = self.spawn(s.ScriptedModel())
        model.script("K-goal2", [{"hang": True}])
        agent = self.spawn(s.start_agent("autonomo2", {**s.model_env(model), "AUTONOMOUS_GOAL": "K-goal2 do it",
                                                       "AUTONOMOUS_MAX_ITER_RUNTIME_SECONDS": "1"}))
        wait_for(lambda: model.disconnected("K-goal2"), 10, "the timed-out iteration's model call to be abandoned")
        wait_for(lambda: len(model.requests("K-goal2")) >= 3, 10, "two more iterations")
        reqs = model.requests("K-goal2")
        # Iteration 0 left nothing in memory: iteration 1 still has to be told the goal ...
        self.assertEqual(reqs[1]["body"]["messages"][-1]["content"], "K-goal2 do it")
        # ... and once it is recorded, later iterations continue from memory.
        later = [(m["role"], m["content"]) for m in reqs[2]["body"]["messages"] if m["role"] != "system"]
        self.assertEqual(later[:2], [("user", "K-goal2 do it"), ("assistant", "echo: K-goal2 do it")])
        self.assertTrue(later[-1][1].startswith("Continue working toward the goal. This is iteration 2."), later)
        task = rpc(agent.port, "tasks/list", {})["result"]["tasks"][0]
        self.assertEqual(task["status"]["state"], "working")


if __name__ == "__main__":
    s.main()
