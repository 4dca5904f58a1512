#!/usr/bin/env python3
"""Integration tests for `kaos agent` with real parts on loopback: the agent binary, a real
`kaos mcp --runtime python-string` tool server and the scripted OpenAI-compatible model
stand-in (standins/scripted_model.py). Covers the agentic loop (multi-step, parallel, failing,
malformed and unknown tool calls, the step limit), DEBUG_MOCK_RESPONSES with real tools, an MCP
server that starts after the agent, streaming progress, sessions, the /mcp self tool, bad input,
a broken model, configuration errors and /metrics.

Usage: agent_test.py KAOS_BINARY
"""
import json
import subprocess
import time

import agent_support as s
from agent_support import answer, chat, http, memory_events, post_json, wait_for


class ToolLoopTest(s.ProcTestCase):
    """One model, one MCP server and two agents (default steps, and AGENTIC_LOOP_MAX_STEPS=2)
    shared by the tests; each test owns its script key, so they do not interfere."""

    @classmethod
    def setUpClass(cls):
        cls.model = cls.cls_spawn(s.ScriptedModel())
        # Two Python workers so two calls of the same server can really run at once.
        cls.mcp = cls.cls_spawn(s.start_mcp(env={"MCP_PYTHON_WORKERS": "2"}))
        env = {**s.model_env(cls.model), **s.mcp_env(cls.mcp.port)}
        cls.agent = cls.cls_spawn(s.start_agent("looper", env))
        cls.short = cls.cls_spawn(s.start_agent("shortloop", {**env, "AGENTIC_LOOP_MAX_STEPS": "2"}))

    def tearDown(self):
        # Whatever a test sent, both agents still serve.
        for a in (self.agent, self.short):
            self.assertEqual(http(a.port, "GET", "/health")[0], 200)
        super().tearDown()

    def test_multi_step_tool_use(self):
        self.model.script("K-multi", [
            {"tool_calls": [{"name": "add", "arguments": {"a": 2, "b": 3}}]},
            {"tool_calls": [{"name": "echo", "arguments": {"text": "five"}}]},
            "final answer for K-multi",
        ])
        reply = chat(self.agent.port, "K-multi: add then echo", headers={"X-Session-ID": "sess-multi"})
        self.assertEqual(answer(reply), "final answer for K-multi")
        self.assertEqual(reply["id"], "sess-multi")

        reqs = self.model.requests("K-multi")
        self.assertEqual(len(reqs), 3)
        tool_names = [t["function"]["name"] for t in reqs[0]["body"]["tools"]]
        self.assertIn("add", tool_names)
        self.assertIn("echo", tool_names)
        # The model saw each result, answering its own call id.
        second = reqs[1]["body"]["messages"]
        call = second[-2]["tool_calls"][0]
        self.assertEqual(call["function"]["name"], "add")
        self.assertEqual(json.loads(call["function"]["arguments"]), {"a": 2, "b": 3})
        self.assertEqual(second[-1]["role"], "tool")
        self.assertEqual(second[-1]["tool_call_id"], call["id"])
        self.assertEqual(second[-1]["content"].strip(), "5")
        third = reqs[2]["body"]["messages"]
        self.assertEqual(third[-1]["role"], "tool")
        self.assertEqual(third[-1]["content"], "echoed five")

        events = memory_events(self.agent.port, "sess-multi")
        self.assertEqual([e["event_type"] for e in events],
                         ["user_message", "tool_call", "tool_result", "tool_call", "tool_result", "agent_response"])
        self.assertEqual(events[1]["content"], {"tool": "add", "arguments": {"a": 2, "b": 3}})
        self.assertEqual(events[2]["content"]["tool"], "add")
        self.assertEqual(events[2]["content"]["result"].strip(), "5")
        self.assertEqual(events[5]["content"], "final answer for K-multi")

    def test_parallel_tool_calls(self):
        # Each call reports when it ran; run concurrently, the two intervals overlap.
        src = s.TOOLS_SOURCE + '''
def timed(label: str) -> str:
    """Sleep 0.5 s and report the interval."""
    start = time.time()
    time.sleep(0.5)
    return "%s %.4f %.4f" % (label, start, time.time())
'''
        mcp = self.spawn(s.start_mcp(src, env={"MCP_PYTHON_WORKERS": "2"}))
        agent = self.spawn(s.start_agent("parallel", {**s.model_env(self.model), **s.mcp_env(mcp.port)}))
        calls = {"tool_calls": [{"name": "timed", "arguments": {"label": "one"}},
                                {"name": "timed", "arguments": {"label": "two"}}]}
        self.model.script("K-warmup-par", [calls, "warm"])  # starts both Python workers
        self.assertEqual(answer(chat(agent.port, "K-warmup-par")), "warm")
        self.model.script("K-par", [calls, "both done"])
        started = time.monotonic()
        self.assertEqual(answer(chat(agent.port, "K-par")), "both done")
        wall = time.monotonic() - started
        msgs = self.model.requests("K-par")[1]["body"]["messages"]
        results = [m["content"].split() for m in msgs if m["role"] == "tool"]
        self.assertEqual(sorted(r[0] for r in results), ["one", "two"])
        (_, s1, e1), (_, s2, e2) = [(r[0], float(r[1]), float(r[2])) for r in results]
        self.assertLess(max(s1, s2), min(e1, e2), f"tool calls ran one after the other: {results}")
        self.assertLess(wall, 2.5, "two 0.5 s calls took far too long")

    def test_tool_error_goes_back_to_the_model(self):
        self.model.script("K-boom", [{"tool_calls": [{"name": "boom", "arguments": {"text": "bad"}}]}])
        reply = answer(chat(self.agent.port, "K-boom: try the failing tool"))
        # The default reply after a tool result quotes it: the model got the error text.
        self.assertTrue(reply.startswith("tool said: "), reply)
        self.assertIn("boom went bad", reply)

    def test_invalid_arguments_and_unknown_tool(self):
        self.model.script("K-invalid", [
            {"tool_calls": [{"name": "add", "arguments": "{not json"}]},
            {"tool_calls": [{"name": "no_such_tool", "arguments": {}}]},
            "recovered",
        ])
        self.assertEqual(answer(chat(self.agent.port, "K-invalid")), "recovered")
        reqs = self.model.requests("K-invalid")
        self.assertEqual(len(reqs), 3)
        first_result = reqs[1]["body"]["messages"][-1]
        self.assertEqual(first_result["role"], "tool")
        self.assertIn("Invalid arguments", first_result["content"])
        second_result = reqs[2]["body"]["messages"][-1]
        self.assertIn("Unknown tool 'no_such_tool'", second_result["content"])
        self.assertIn("add", second_result["content"])  # the available tools are named

    def test_step_limit(self):
        self.model.script("K-steps", [{"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 1}}],
                                       "repeat": True}])
        reply = answer(chat(self.short.port, "K-steps: loop forever"))
        self.assertEqual(reply, "Reached maximum reasoning steps (2)")
        self.assertEqual(len(self.model.requests("K-steps")), 2)

    def test_streaming_progress(self):
        self.model.script("K-stream", [
            {"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 2}},
                            {"name": "echo", "arguments": {"text": "x"}}]},
            {"tool_calls": [{"name": "add", "arguments": {"a": 3, "b": 4}}]},
            "streamed answer",
        ])
        body = {"model": "m1", "stream": True, "messages": [{"role": "user", "content": "K-stream go"}]}
        status, hdrs, raw = http(self.agent.port, "POST", "/v1/chat/completions", body,
                                 {"X-Session-ID": "sess-stream"})
        self.assertEqual(status, 200)
        self.assertIn("text/event-stream", hdrs["content-type"])
        data = s.sse_data(raw)
        self.assertEqual(data[-1], "[DONE]")
        chunks = [json.loads(d) for d in data[:-1]]
        for c in chunks:
            self.assertEqual(c["object"], "chat.completion.chunk")
            self.assertEqual(c["id"], "sess-stream")
            self.assertEqual(c["model"], "m1")
        progress = [json.loads(c["choices"][0]["delta"]["content"]) for c in chunks[:3]]
        self.assertEqual([(p["type"], p["step"], p["max_steps"], p["action"], p["target"]) for p in progress],
                         [("progress", 1, 5, "tool_call", "add"), ("progress", 1, 5, "tool_call", "echo"),
                          ("progress", 2, 5, "tool_call", "add")])
        self.assertEqual(chunks[3]["choices"][0]["delta"]["content"], "streamed answer")
        self.assertEqual(chunks[4]["choices"][0]["delta"], {})
        self.assertEqual(chunks[4]["choices"][0]["finish_reason"], "stop")
        self.assertEqual(len(chunks), 5)

    def test_sessions(self):
        port = self.agent.port
        self.assertEqual(answer(chat(port, "K-sess first", headers={"X-Session-ID": "sess-a"})), "echo: K-sess first")
        self.model.script("K-sess second", [])
        self.assertEqual(answer(chat(port, "K-sess second", headers={"X-Session-ID": "sess-a"})),
                         "echo: K-sess second")
        msgs = self.model.requests("K-sess second")[-1]["body"]["messages"]
        convo = [(m["role"], m["content"]) for m in msgs if m["role"] != "system"]
        self.assertEqual(convo, [("user", "K-sess first"), ("assistant", "echo: K-sess first"),
                                 ("user", "K-sess second")])
        # body session_id; the header wins over it.
        self.assertEqual(chat(port, "K-sess body", session_id="sess-b")["id"], "sess-b")
        self.assertEqual(chat(port, "K-sess both", headers={"X-Session-ID": "sess-c"}, session_id="sess-b")["id"],
                         "sess-c")
        self.assertEqual([e["content"] for e in memory_events(port, "sess-b") if e["event_type"] == "user_message"],
                         ["K-sess body"])
        # Neither: a fresh session each time.
        a, b = chat(port, "K-sess none")["id"], chat(port, "K-sess none")["id"]
        self.assertRegex(a, r"^session_[0-9a-f]{12}$")
        self.assertNotEqual(a, b)
        self.assertIn("sess-a", s.get_json(port, "/memory/sessions")["sessions"])

    def test_broken_model(self):
        # A failed run is a 502 in the route's {"detail": ...} shape (docs/agent.md), counted in
        # /metrics; KAOS would answer 200 "Sorry, I encountered an error: ...".
        failed_before = s.metric_value(self.agent.port, "kaos_agent_runs_total", outcome="failed")
        self.model.script("K-garbage", [{"garbage": "this is not json at all"}])
        status, hdrs, data = post_json(self.agent.port, "/v1/chat/completions",
                                       {"messages": [{"role": "user", "content": "K-garbage"}]},
                                       {"X-Session-ID": "sess-garbage"})
        self.assertEqual(status, 502, data)
        self.assertTrue(data["detail"].startswith("the agent run failed: "), data)
        self.assertEqual(hdrs.get("x-session-id"), "sess-garbage")
        self.model.script("K-500", [{"status": 500}])
        status, _, data = post_json(self.agent.port, "/v1/chat/completions",
                                    {"messages": [{"role": "user", "content": "K-500"}]})
        self.assertEqual(status, 502, data)
        self.assertIn("500", data["detail"])
        types = [e["event_type"] for e in memory_events(self.agent.port, "sess-garbage")]
        self.assertEqual(types, ["user_message", "error"])
        self.assertEqual(s.metric_value(self.agent.port, "kaos_agent_runs_total", outcome="failed"), failed_before + 2)
        # Streaming: the 200 head is already out, so the failure is KAOS's error event, then [DONE].
        self.model.script("K-500s", [{"status": 500}])
        status, _, raw = s.http(self.agent.port, "POST", "/v1/chat/completions",
                                {"stream": True, "messages": [{"role": "user", "content": "K-500s"}]})
        self.assertEqual(status, 200)
        events = [line[len("data: "):] for line in raw.decode().split("\n") if line.startswith("data: ")]
        self.assertEqual(events[-1], "[DONE]", events)
        error = json.loads(events[-2])["error"]
        self.assertEqual(error["type"], "server_error")
        self.assertTrue(error["message"].startswith("the agent run failed: "), error)
        self.assertNotIn("Sorry", raw.decode())
        self.assertEqual(s.metric_value(self.agent.port, "kaos_agent_runs_total", outcome="failed"), failed_before + 3)

    def test_bad_input(self):
        port = self.agent.port

        def post(body, **kw):
            status, _, raw = http(port, "POST", "/v1/chat/completions", body, **kw)
            return status, raw.decode()

        self.assertEqual(post({"model": "x"}), (400, '{"detail":"messages are required"}'))
        self.assertEqual(post({"messages": []}), (400, '{"detail":"messages are required"}'))
        self.assertEqual(post({"messages": [{"role": "system", "content": "hi"}]}),
                         (400, '{"detail":"No user or task-delegation message found"}'))
        for bad in ({"messages": [{"role": "user", "content": "x"}], "stream": "yes"},
                    {"messages": "hello"}, {"messages": [{"role": "user", "content": 5}]}, [1, 2]):
            status, text = post(bad)
            self.assertEqual(status, 400, bad)
            self.assertIn("detail", json.loads(text))
        status, text = post(b'{"messages": [')
        self.assertEqual(status, 400)
        self.assertEqual(s.oversized_post(port, "/v1/chat/completions", 10 * 1024 * 1024 + 100), 413)

    def test_session_ids_cannot_split_the_response(self):
        port = self.agent.port
        msgs = [{"role": "user", "content": "K-split"}]
        sessions_before = s.get_json(port, "/memory/sessions")["sessions"]
        for body, headers, field in (
                ({"messages": msgs, "session_id": "abc\r\nSet-Cookie: a=b"}, {}, "session_id"),
                ({"messages": msgs, "session_id": "abc\r\nSet-Cookie: a=b", "stream": True}, {}, "session_id"),
                ({"messages": msgs, "session_id": "x" * 129}, {}, "session_id"),
                ({"messages": msgs, "session_id": "x" * 70000}, {}, "session_id"),
                ({"messages": msgs}, {"X-Session-ID": "has space"}, "X-Session-ID")):
            status, hdrs, raw = s.http(port, "POST", "/v1/chat/completions", body, headers=headers)
            self.assertEqual(status, 400, raw)
            self.assertTrue(json.loads(raw)["detail"].startswith(field + ": a session id is 1-128 characters"), raw)
            self.assertNotIn("set-cookie", hdrs)
            self.assertNotIn("x-session-id", hdrs)
        self.assertEqual(s.get_json(port, "/memory/sessions")["sessions"], sessions_before, "a refused chat ran")
        # The documented charset passes, exactly 128 characters included.
        ok = "user@example.com:thread-1_a." + "x" * 100
        self.assertEqual(len(ok), 128)
        self.model.script("K-split", [])
        self.assertEqual(chat(port, "K-split", session_id=ok)["id"], ok)

    def test_mcp_self_tool(self):
        port = self.agent.port
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "it", "version": "1"}}}
        hdrs = {"Accept": "application/json, text/event-stream"}
        status, _, res = post_json(port, "/mcp", init, hdrs)
        self.assertEqual(status, 200)
        self.assertEqual(res["result"]["protocolVersion"], "2025-06-18")
        self.assertIn("tools", res["result"]["capabilities"])
        status, _, _ = http(port, "POST", "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, hdrs)
        self.assertIn(status, (200, 202, 204))
        _, _, res = post_json(port, "/mcp", {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, hdrs)
        self.assertEqual([t["name"] for t in res["result"]["tools"]], ["send_message"])
        call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                "params": {"name": "send_message", "arguments": {"message": "K-mcpself hi", "session_id": "sess-mcp"}}}
        _, _, res = post_json(port, "/mcp", call, hdrs)
        self.assertEqual(res["id"], 3)
        self.assertFalse(res["result"].get("isError", False))
        self.assertEqual(res["result"]["content"][0]["text"], "echo: K-mcpself hi")
        self.assertEqual(res["result"]["structuredContent"]["session_id"], "sess-mcp")
        _, _, res = post_json(port, "/mcp", {"jsonrpc": "2.0", "id": 4, "method": "nope"}, hdrs)
        self.assertEqual(res["error"]["code"], -32601)

    def test_metrics(self):
        port = self.agent.port
        self.model.script("K-metrics", [{"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 2}}]}, "ok"])
        before_tools = s.metric_value(port, "kaos_agent_tool_calls_total", tool="add", outcome="ok")
        before_tokens = s.metric_value(port, "kaos_agent_tokens_total", model="scripted-model", direction="input")
        before_calls = s.metric_value(port, "kaos_agent_model_calls_total", model="scripted-model", outcome="ok")
        self.assertEqual(answer(chat(port, "K-metrics")), "ok")
        self.assertEqual(s.metric_value(port, "kaos_agent_tool_calls_total", tool="add", outcome="ok"),
                         before_tools + 1)
        self.assertEqual(s.metric_value(port, "kaos_agent_model_calls_total", model="scripted-model", outcome="ok"),
                         before_calls + 2)
        # The scripted model reports prompt_tokens >= 10 per call.
        self.assertGreaterEqual(
            s.metric_value(port, "kaos_agent_tokens_total", model="scripted-model", direction="input"),
            before_tokens + 20)


class MockResponsesTest(s.ProcTestCase):
    def test_mock_tool_calls_use_real_tools_and_reset_per_request(self):
        mcp = self.spawn(s.start_mcp())
        mocks = [json.dumps({"tool_calls": [{"name": "add", "arguments": {"a": 40, "b": 2}}]}), "mock done"]
        agent = self.spawn(s.start_agent("mocker", {"DEBUG_MOCK_RESPONSES": json.dumps(mocks),
                                                    **s.mcp_env(mcp.port)}))
        for session in ("mock-1", "mock-2"):  # the list restarts with every request
            self.assertEqual(answer(chat(agent.port, "anything", headers={"X-Session-ID": session})), "mock done")
            events = memory_events(agent.port, session)
            self.assertEqual([e["event_type"] for e in events],
                             ["user_message", "tool_call", "tool_result", "agent_response"])
            self.assertEqual(events[1]["content"], {"tool": "add", "arguments": {"a": 40, "b": 2}})
            self.assertEqual(events[2]["content"]["result"].strip(), "42")

        one = self.spawn(s.start_agent("mock-one", {"DEBUG_MOCK_RESPONSES": '["only once"]'}))
        self.assertEqual(answer(chat(one.port, "a")), "only once")
        self.assertEqual(answer(chat(one.port, "b")), "only once")


class LateMcpServerTest(s.ProcTestCase):
    def test_mcp_server_starting_after_the_agent(self):
        model = self.spawn(s.ScriptedModel())
        port = s.free_port()
        agent = self.spawn(s.start_agent("late", {**s.model_env(model), **s.mcp_env(port)}))
        # Without its MCP server the agent still answers, with no tools offered.
        self.assertEqual(answer(chat(agent.port, "K-late before")), "echo: K-late before")
        first = model.requests(None)[-1]["body"]
        self.assertFalse(first.get("tools"), first.get("tools"))

        self.spawn(s.start_mcp(port=port))
        wait_for(lambda: "add" in [t["name"] for t in s.get_json(agent.port, "/tools")["tools"]], 20,
                 "the late MCP server's tools on /tools")
        model.script("K-late after", [{"tool_calls": [{"name": "add", "arguments": {"a": 20, "b": 22}}]}])
        self.assertEqual(answer(chat(agent.port, "K-late after")).strip(), "tool said: 42")


class ModelAndToolFailureTest(s.ProcTestCase):
    def test_string_tool_call_mode(self):
        model = self.spawn(s.ScriptedModel())
        mcp = self.spawn(s.start_mcp())
        agent = self.spawn(s.start_agent("stringy", {**s.model_env(model), **s.mcp_env(mcp.port),
                                                     "TOOL_CALL_MODE": "string"}))
        model.script("K-str", ['```json\n{"tool_calls": [{"name": "add", "arguments": {"a": 4, "b": 5}}]}\n```',
                               "string final"])
        self.assertEqual(answer(chat(agent.port, "K-str go")), "string final")
        first, second = [r["body"] for r in model.requests("K-str")]
        self.assertNotIn("tools", first)  # no native function calling
        self.assertIn("- add: Add two integers.", first["messages"][0]["content"])
        convo = [(m["role"], m["content"]) for m in second["messages"][1:]]
        self.assertEqual(convo, [("user", "K-str go"),
                                 ("assistant", '{"tool_calls":[{"name":"add","arguments":{"a":4,"b":5}}]}'),
                                 ("user", "Tool result: 9")])

    def test_mcp_server_restart_and_model_timeout(self):
        model = self.spawn(s.ScriptedModel())
        port = s.free_port()
        mcp = self.spawn(s.start_mcp(port=port))
        agent = self.spawn(s.start_agent("resilient", {**s.model_env(model), **s.mcp_env(port),
                                                       "MODEL_TIMEOUT_SECONDS": "1"}))
        add = {"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 2}}]}
        model.script("K-r1", [add])
        self.assertEqual(answer(chat(agent.port, "K-r1")), "tool said: 3")
        # The MCP server restarts (its sessions are gone): the agent reconnects.
        mcp.kill()
        self.spawn(s.start_mcp(port=port))
        attempt = {"n": 0}

        def works():
            attempt["n"] += 1
            key = f"K-r2-{attempt['n']}"
            model.script(key, [add])
            return answer(chat(agent.port, key)) == "tool said: 3"
        wait_for(works, 20, "tool calls to work after the MCP server restarted", interval=0.2)

        # A model slower than MODEL_TIMEOUT_SECONDS: an error answer, the request abandoned.
        model.script("K-slow", [{"delay": 5, "text": "too late"}])
        started = time.monotonic()
        status, _, data = post_json(agent.port, "/v1/chat/completions",
                                    {"messages": [{"role": "user", "content": "K-slow"}]})
        self.assertEqual(status, 502, data)
        self.assertLess(time.monotonic() - started, 4)
        wait_for(lambda: model.disconnected("K-slow"), 10, "the timed-out model call to be abandoned")


class ConfigErrorTest(s.ProcTestCase):
    def run_agent(self, env):
        full = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env}
        try:
            p = subprocess.run([s.KAOS, "agent", "--host", "127.0.0.1", "--port", "0"], env=full,
                               capture_output=True, text=True, timeout=15)
        except subprocess.TimeoutExpired:
            self.fail(f"the agent started despite a bad configuration: {env}")
        return p.returncode, p.stderr

    def test_bad_values_stop_the_agent(self):
        base = {"AGENT_NAME": "cfg", "MODEL_API_URL": "http://127.0.0.1:9", "MODEL_NAME": "m"}
        cases = [
            ({"TOOL_CALL_MODE": "fast"}, ["TOOL_CALL_MODE"]),
            ({"AGENTIC_LOOP_MAX_STEPS": "0"}, ["AGENTIC_LOOP_MAX_STEPS"]),
            ({"AGENTIC_LOOP_MAX_STEPS": "five"}, ["AGENTIC_LOOP_MAX_STEPS"]),
            ({"MEMORY_TYPE": "redis"}, ["MEMORY_REDIS_URL"]),
            ({"MCP_SERVERS": "x"}, ["MCP_SERVER_x_URL"]),
            ({"AGENT_NAME": ""}, ["AGENT_NAME"]),
            ({"MODEL_API_URL": "", "MODEL_NAME": ""}, ["MODEL_API_URL"]),
            ({"TOOL_CALL_MODE": "fast", "AGENTIC_LOOP_MAX_STEPS": "0", "MCP_SERVERS": "x,y",
              "MEMORY_TYPE": "redis", "AGENT_NAME": ""},
             ["TOOL_CALL_MODE", "AGENTIC_LOOP_MAX_STEPS", "MCP_SERVER_x_URL", "MCP_SERVER_y_URL", "MEMORY_REDIS_URL",
              "AGENT_NAME"]),
        ]
        for extra, names in cases:
            env = {k: v for k, v in {**base, **extra}.items() if v != ""}
            code, err = self.run_agent(env)
            self.assertEqual(code, 2, f"{extra}: exit {code}, stderr {err!r}")
            for n in names:
                self.assertIn(n, err, f"{extra}: stderr does not name {n}: {err!r}")


if __name__ == "__main__":
    s.main()
