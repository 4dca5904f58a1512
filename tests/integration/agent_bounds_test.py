#!/usr/bin/env python3
"""Memory bounded by bytes (issue 12, item 4), against a real `kaos agent` over raw HTTP:
- a user message over AGENT_MAX_MESSAGE_BYTES gets 413 in each route's own shape (chat:
  {"detail"}, A2A and /mcp: a JSON-RPC error), names the limit and the variable, and runs nothing;
- many large chats keep the agent's resident memory under its documented bound (RSS from
  /proc/<pid>/status), and local memory holds at most MEMORY_MAX_TOTAL_BYTES.
The full-size run (100 chats of 8 MB) is scripts/bench-agent-memory.sh; this suite runs a
smaller honest version: BOUNDS_CHATS chats (default 30) of 8 MB.

Usage: agent_bounds_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import json
import os
import unittest

import agent_support as s

MB = 1024 * 1024
CHATS = int(os.environ.get("BOUNDS_CHATS", "30"))
MESSAGE = 8_000_000  # the 8 MB chats
TOTAL_LIMIT = 64 * MB
# Documented bound (docs/agent.md, "Memory bounds"): the idle RSS, plus MEMORY_MAX_TOTAL_BYTES
# for local memory, plus working room for the requests in flight (a body is held as text, as
# parsed JSON and as the prompt: about 4 × its size) and what the allocator keeps (64 MB).
def documented_bound(idle_rss, in_flight_body):
    return idle_rss + TOTAL_LIMIT + 4 * in_flight_body + 64 * MB


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def chat_body(text, session_id):
    return {"model": "agent", "messages": [{"role": "user", "content": text}], "session_id": session_id}


class MessageLimitTest(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = cls.cls_spawn(s.start_agent("bounded", {"DEBUG_MOCK_RESPONSES": json.dumps(["ok"]),
                                                            "AGENT_MAX_MESSAGE_BYTES": "1000"}))

    def events(self):
        return s.memory_events(self.agent.port)

    def test_chat_over_the_limit_is_413_and_runs_nothing(self):
        before = self.events()
        status, _, body = s.post_json(self.agent.port, "/v1/chat/completions", chat_body("x" * 1001, "big-1"))
        self.assertEqual(status, 413, body)
        self.assertIn("1000 bytes", body["detail"])
        self.assertIn("AGENT_MAX_MESSAGE_BYTES", body["detail"])
        self.assertEqual(self.events(), before)
        status, _, body = s.post_json(self.agent.port, "/v1/chat/completions", chat_body("x" * 1000, "fits-1"))
        self.assertEqual(status, 200, body)

    def test_a2a_message_over_the_limit_is_a_jsonrpc_error(self):
        before = self.events()
        params = {"message": {"role": "user", "parts": [{"kind": "text", "text": "y" * 5000}],
                              "messageId": "m-1"}}
        status, _, body = s.post_json(self.agent.port, "/", {"jsonrpc": "2.0", "id": 41, "method": "message/send",
                                                             "params": params})
        self.assertEqual(status, 413, body)
        self.assertEqual(body["id"], 41)
        self.assertEqual(body["error"]["code"], -32602)
        self.assertIn("AGENT_MAX_MESSAGE_BYTES", body["error"]["message"])
        self.assertEqual(self.events(), before)
        # No task was created for it.
        self.assertNotIn("y" * 100, json.dumps(s.rpc(self.agent.port, "tasks/list", {})))

    def test_mcp_send_message_over_the_limit_is_a_jsonrpc_error(self):
        before = self.events()
        call = {"jsonrpc": "2.0", "id": "c", "method": "tools/call",
                "params": {"name": "send_message", "arguments": {"message": "z" * 2000}}}
        status, _, body = s.post_json(self.agent.port, "/mcp", call,
                                      {"Accept": "application/json, text/event-stream"})
        self.assertEqual(status, 413, body)
        self.assertEqual(body["id"], "c")
        self.assertIn("AGENT_MAX_MESSAGE_BYTES", body["error"]["message"])
        self.assertEqual(self.events(), before)


class MockEmbeddingsBoundTest(s.ProcTestCase):
    def test_inputs_times_dimensions_is_bounded(self):
        gw = self.spawn(s.Proc([s.KAOS, "modelapi", "--models", "emb", "--provider", "mock",
                                "--host", "127.0.0.1", "--port", "0"], pattern=r":(\d+)\s*$"))
        s.wait_for(lambda: s.http(gw.port, "GET", "/health/readiness")[0] == 200, what="modelapi readiness")
        # The request: 1.5 KB asking 300 inputs x 65,536 dimensions (a 429 MB answer before).
        body = {"model": "emb", "input": ["x"] * 300, "dimensions": 65536}
        self.assertLess(len(json.dumps(body)), 2048)
        status, _, raw = s.http(gw.port, "POST", "/v1/embeddings", body)
        self.assertEqual(status, 400, raw[:300])
        err = json.loads(raw)["error"]
        self.assertEqual(err["code"], "embeddings_too_large")
        self.assertIn("300 inputs", err["message"])
        self.assertIn("1048576", err["message"])
        # At the limit it answers.
        status, _, raw = s.http(gw.port, "POST", "/v1/embeddings",
                                {"model": "emb", "input": ["x"] * 16, "dimensions": 65536}, timeout=60)
        self.assertEqual(status, 200, raw[:300])
        self.assertEqual(len(json.loads(raw)["data"]), 16)


class MemoryBoundTest(s.ProcTestCase):
    # Under `make test-asan` the RSS is mostly the sanitizer's: freed memory sits in its
    # quarantine (256 MB by default) and shadow memory is added. The bound is checked by
    # `make test`; the ASan run checks the same chats for memory errors only.
    @unittest.skipIf(os.environ.get("KAOS_SANITIZED"), "RSS under ASan is the sanitizer's, not the agent's")
    def test_large_chats_stay_under_the_documented_bound(self):
        agent = self.spawn(s.start_agent("big", {
            "DEBUG_MOCK_RESPONSES": json.dumps(["ok"]),
            "AGENT_MAX_MESSAGE_BYTES": str(9 * MB),
            "MEMORY_MAX_SESSION_BYTES": str(9 * MB),
            "MEMORY_MAX_TOTAL_BYTES": str(TOTAL_LIMIT)}))
        pid = agent.proc.pid
        s.chat(agent.port, "warm up", session_id="warm")
        idle = rss_bytes(pid)
        peak = idle
        text = "m" * MESSAGE
        for i in range(CHATS):
            status, _, body = s.post_json(agent.port, "/v1/chat/completions", chat_body(text, f"big-{i}"),
                                          timeout=120)
            self.assertEqual(status, 200, body)
            peak = max(peak, rss_bytes(pid))
        bound = documented_bound(idle, MESSAGE)
        print(f"\n  {CHATS} chats of {MESSAGE} bytes: idle RSS {idle / MB:.0f} MB, peak {peak / MB:.0f} MB, "
              f"bound {bound / MB:.0f} MB")
        self.assertLess(peak, bound)
        # Local memory kept only what fits: the newest sessions, whole, within the total.
        sessions = s.get_json(agent.port, "/memory/sessions")["sessions"]
        big = [x for x in sessions if x.startswith("big-")]
        self.assertLessEqual(len(big), TOTAL_LIMIT // MESSAGE)
        self.assertGreaterEqual(len(big), 1)
        self.assertEqual(s.http(agent.port, "GET", "/health")[0], 200)


if __name__ == "__main__":
    s.main()
