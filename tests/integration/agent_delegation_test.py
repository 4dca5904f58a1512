#!/usr/bin/env python3
"""Integration tests for delegation between real `kaos agent` processes on loopback (KAOS
§2.6): a chain A → B → C scripted with DEBUG_MOCK_RESPONSES (C answers through the scripted
model stand-in, which shows the trace context that reached it), streaming progress for a
delegation, a dead peer, and a delegation cycle stopped by KAOS_MAX_DELEGATION_DEPTH.

Usage: agent_delegation_test.py KAOS_BINARY
"""
import json
import os
import socket
import sys

import agent_support as s
from agent_support import answer, chat, http, memory_events, wait_for


def delegate(peer, task):
    return json.dumps({"tool_calls": [{"name": f"delegate_to_{peer}", "arguments": {"task": task}}]})


def peer_env(name, port):
    return {"PEER_AGENTS": name, f"PEER_AGENT_{name.upper()}_CARD_URL": f"http://127.0.0.1:{port}"}


def types(events):
    return [e["event_type"] for e in events]


class ChainTest(s.ProcTestCase):
    TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"

    @classmethod
    def setUpClass(cls):
        cls.model = cls.cls_spawn(s.ScriptedModel())
        cls.c = cls.cls_spawn(s.start_agent("c", s.model_env(cls.model, AGENT_DESCRIPTION="the last agent")))
        cls.b = cls.cls_spawn(s.start_agent("b", {
            "DEBUG_MOCK_RESPONSES": json.dumps([delegate("c", "K-chain: task for c"), "B final"]),
            "AGENT_DESCRIPTION": "the middle agent", **peer_env("c", cls.c.port)}))
        cls.a = cls.cls_spawn(s.start_agent("a", {
            "DEBUG_MOCK_RESPONSES": json.dumps([delegate("b", "task for b"), "A final"]),
            **peer_env("b", cls.b.port)}))

    def test_two_levels_deep(self):
        traceparent = f"00-{self.TRACE}-00f067aa0ba902b7-01"
        # Other tests use the chain too: look only at what this request adds.
        b_before, c_before = len(memory_events(self.b.port)), len(memory_events(self.c.port))
        model_before = len(self.model.requests(None))
        reply = chat(self.a.port, "start the chain", headers={"X-Session-ID": "chain-1", "traceparent": traceparent})
        self.assertEqual(answer(reply), "A final")

        a_events = memory_events(self.a.port, "chain-1")
        self.assertEqual(types(a_events), ["user_message", "delegation_request", "delegation_response",
                                           "agent_response"])
        self.assertEqual(a_events[1]["content"], {"agent": "b", "task": "task for b"})
        self.assertEqual(a_events[2]["content"], {"agent": "b", "response": "B final"})

        b_events = memory_events(self.b.port)[b_before:]
        self.assertEqual(types(b_events), ["task_delegation_received", "delegation_request", "delegation_response",
                                           "agent_response"])
        self.assertEqual(b_events[0]["content"], "task for b")
        self.assertEqual(b_events[2]["content"]["response"], "echo: K-chain: task for c")

        c_events = memory_events(self.c.port)[c_before:]
        self.assertEqual(types(c_events), ["task_delegation_received", "agent_response"])
        self.assertEqual(c_events[0]["content"], "K-chain: task for c")

        # C's model call continues the trace A received.
        reqs = self.model.requests(None)[model_before:]
        self.assertEqual(len(reqs), 1)
        tp = reqs[0]["headers"].get("traceparent", "")
        self.assertRegex(tp, r"^00-[0-9a-f]{32}-[0-9a-f]{16}-01$")
        self.assertEqual(tp.split("-")[1], self.TRACE)
        self.assertNotEqual(tp.split("-")[2], "00f067aa0ba902b7")  # a span of its own
        # The delegated context reached C: A's prompt is among its model's messages.
        contents = [m.get("content") for m in reqs[0]["body"]["messages"]]
        self.assertEqual(contents[-1], "K-chain: task for c")

        self.assertGreaterEqual(s.metric_value(self.a.port, "kaos_agent_delegations_total", target="b",
                                               success="true"), 1)
        self.assertGreaterEqual(s.metric_value(self.b.port, "kaos_agent_delegations_total", target="c",
                                               success="true"), 1)

    def test_delegation_tool_and_streaming_progress(self):
        tools = s.get_json(self.a.port, "/tools")["tools"]
        self.assertEqual([t["name"] for t in tools], ["delegate_to_b"])
        self.assertEqual(tools[0]["parameters"]["required"], ["task"])
        s.wait_for(lambda: "the middle agent" in s.get_json(self.a.port, "/tools")["tools"][0]["description"], 15,
                   "the peer's card description in the delegation tool")
        body = {"stream": True, "messages": [{"role": "user", "content": "stream the chain"}]}
        status, _, raw = http(self.a.port, "POST", "/v1/chat/completions", body)
        self.assertEqual(status, 200)
        data = s.sse_data(raw)
        self.assertEqual(data[-1], "[DONE]")
        chunks = [json.loads(d) for d in data[:-1]]
        progress = json.loads(chunks[0]["choices"][0]["delta"]["content"])
        self.assertEqual(progress, {"type": "progress", "step": 1, "max_steps": 5, "action": "delegate",
                                    "target": "b"})
        self.assertEqual(chunks[1]["choices"][0]["delta"]["content"], "A final")


class TracePropagationTest(s.ProcTestCase):
    def test_tool_calls_carry_the_trace_and_authorization(self):
        model = self.spawn(s.ScriptedModel())
        mcp = self.spawn(s.Proc([sys.executable, os.path.join(s.STANDINS, "recording_mcp.py")], pattern=r"PORT (\d+)"))
        agent = self.spawn(s.start_agent("tracer", {**s.model_env(model), **s.mcp_env(mcp.port, "rec")}))
        model.script("K-trace", [{"tool_calls": [{"name": "whoami", "arguments": {}}]}])
        trace = "0af7651916cd43dd8448eb211c80319c"
        reply = chat(agent.port, "K-trace", headers={"traceparent": f"00-{trace}-b7ad6b7169203331-01",
                                                   "Authorization": "Bearer user-token"})
        self.assertEqual(answer(reply), "tool said: ok")
        calls = [e["headers"] for e in s.get_json(mcp.port, "/_standin/log") if e["method"] == "tools/call"]
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0].get("traceparent", "").split("-")[1:2], [trace])
        self.assertEqual(calls[0].get("authorization"), "Bearer user-token")
        model_call = model.requests("K-trace")[0]["headers"]
        self.assertEqual(model_call["traceparent"].split("-")[1], trace)


class FailureTest(s.ProcTestCase):
    def test_dead_peer(self):
        model = self.spawn(s.ScriptedModel())
        dead = s.free_port()
        agent = self.spawn(s.start_agent("lonely", {**s.model_env(model), **peer_env("ghost", dead),
                                                    "DELEGATION_TIMEOUT_SECONDS": "5"}))
        model.script("K-dead", [{"tool_calls": [{"name": "delegate_to_ghost", "arguments": {"task": "boo"}}]}])
        reply = answer(chat(agent.port, "K-dead", headers={"X-Session-ID": "dead-1"}, timeout=30))
        self.assertTrue(reply.startswith("tool said: [Delegation failed:"), reply)
        tool_msg = model.requests("K-dead")[-1]["body"]["messages"][-1]
        self.assertEqual(tool_msg["role"], "tool")
        self.assertIn("[Delegation failed:", tool_msg["content"])
        events = memory_events(agent.port, "dead-1")
        self.assertEqual(types(events), ["user_message", "delegation_request", "delegation_response",
                                         "agent_response"])
        self.assertGreaterEqual(s.metric_value(agent.port, "kaos_agent_delegations_total", target="ghost",
                                               success="false"), 1)

    def test_peer_without_a2a_gets_the_chat_fallback(self):
        # The scripted model has no agent card: delegation falls back to its
        # /v1/chat/completions with a task-delegation turn (KAOS's RemoteAgent fallback).
        model = self.spawn(s.ScriptedModel())
        agent = self.spawn(s.start_agent("fallback", {**s.model_env(model), **peer_env("plain", model.port)}))
        model.script("K-fb", [{"tool_calls": [{"name": "delegate_to_plain", "arguments": {"task": "K-fbtask now"}}]}])
        model.script("K-fbtask", ["fallback peer answer"])
        self.assertEqual(answer(chat(agent.port, "K-fb go")), "tool said: fallback peer answer")
        sent = model.requests("K-fbtask")[0]["body"]
        self.assertEqual(sent["messages"][-1], {"role": "task-delegation", "content": "K-fbtask now"})
        self.assertEqual(sent.get("stream"), False)

    def test_timeout_and_leaving_client_stop_the_peer_work(self):
        model = self.spawn(s.ScriptedModel())
        b = self.spawn(s.start_agent("slowpeer", s.model_env(model)))
        a = self.spawn(s.start_agent("impatient", {**s.model_env(model), **peer_env("slowpeer", b.port),
                                                   "DELEGATION_TIMEOUT_SECONDS": "1"}))
        # DELEGATION_TIMEOUT_SECONDS: the delegation fails, and the peer's run is abandoned.
        model.script("K-dt", [{"tool_calls": [{"name": "delegate_to_slowpeer", "arguments": {"task": "K-hang0"}}]}])
        model.script("K-hang0", [{"hang": True}])
        reply = answer(chat(a.port, "K-dt"))
        self.assertTrue(reply.startswith("tool said: [Delegation failed: Agent slowpeer:"), reply)
        wait_for(lambda: model.disconnected("K-hang0"), 10, "the peer's model call to be abandoned")

        # Two delegations at once; the client leaves: both peer runs stop (tasks canceled).
        model.script("K-pd", [{"tool_calls": [
            {"name": "delegate_to_slowpeer", "arguments": {"task": "K-hang1"}},
            {"name": "delegate_to_slowpeer", "arguments": {"task": "K-hang2"}}]}])
        model.script("K-hang1", [{"hang": True}])
        model.script("K-hang2", [{"hang": True}])
        body = json.dumps({"stream": True, "messages": [{"role": "user", "content": "K-pd"}]}).encode()
        sock = socket.create_connection(("127.0.0.1", a.port), timeout=30)
        sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        wait_for(lambda: model.requests("K-hang1") and model.requests("K-hang2"), 10, "both peer model calls")
        sock.close()
        wait_for(lambda: model.disconnected("K-hang1") and model.disconnected("K-hang2"), 10,
                 "both peer model calls to be abandoned")
        wait_for(lambda: [t["status"]["state"] for t in s.rpc(b.port, "tasks/list", {})["result"]["tasks"]]
                 == ["canceled"] * 3, 10, "the peer's three tasks to be canceled")

    def test_cycle_stops_at_the_depth_limit(self):
        pa, pb = s.free_port(), s.free_port()
        limit = {"KAOS_MAX_DELEGATION_DEPTH": "3"}
        a = self.spawn(s.start_agent("ping", {"DEBUG_MOCK_RESPONSES": json.dumps([delegate("pong", "bounce"),
                                                                                 "ping done"]),
                                              **peer_env("pong", pb), **limit}, port=pa))
        b = self.spawn(s.start_agent("pong", {"DEBUG_MOCK_RESPONSES": json.dumps([delegate("ping", "bounce"),
                                                                                 "pong done"]),
                                              **peer_env("ping", pa), **limit}, port=pb))
        self.assertEqual(answer(chat(a.port, "go", timeout=60)), "ping done")
        received = (types(memory_events(a.port)) + types(memory_events(b.port))).count("task_delegation_received")
        self.assertEqual(received, 3)  # depths 1, 2 and 3; the agent at depth 3 may not delegate
        responses = [e["content"]["response"] for p in (a, b) for e in memory_events(p.port)
                     if e["event_type"] == "delegation_response"]
        refused = [r for r in responses if "depth limit" in r]
        self.assertEqual(len(refused), 1, responses)
        self.assertTrue(refused[0].startswith("[Delegation failed:"), refused[0])


if __name__ == "__main__":
    s.main()
