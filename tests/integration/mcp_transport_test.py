#!/usr/bin/env python3
"""Integration tests for `kaos mcp`'s Streamable HTTP transport and native server: the real
binary (`--runtime everything`) on a free port, spoken to with raw HTTP so every status code,
header and JSON-RPC error shape is checked as a client sees it. Bad input must get the
specification's answer and leave the server serving.

Usage: mcp_transport_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import http.client
import json
import os
import re
import sys
import time
import unittest

from mcp_support import McpServer

KAOS = os.environ.get("KAOS_BIN", "")
ACCEPT_BOTH = "application/json, text/event-stream"


class Server(McpServer):
    def __init__(self, *extra):
        super().__init__(KAOS, *extra)  # KAOS is read at call time: main() sets it from argv

    def raw(self, method, body=None, headers=None, path="/mcp", timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Content-Type": "application/json", "Accept": ACCEPT_BOTH}
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        return resp, raw

    def initialize(self, version="2025-11-25", capabilities=None):
        resp, raw = self.raw("POST", {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                                      "params": {"protocolVersion": version, "capabilities": capabilities or {},
                                                 "clientInfo": {"name": "it", "version": "1"}}})
        assert resp.status == 200, raw
        sid = resp.getheader("Mcp-Session-Id")
        assert sid, "no Mcp-Session-Id on the initialize answer"
        self.raw("POST", {"jsonrpc": "2.0", "method": "notifications/initialized"}, {"Mcp-Session-Id": sid})
        return sid, json.loads(raw)

    def call(self, sid, body, headers=None):
        h = {"Mcp-Session-Id": sid}
        h.update(headers or {})
        return self.raw("POST", body, h)


def sse_messages(raw):
    return [json.loads(line[6:]) for line in raw.decode().split("\n") if line.startswith("data: ") and line[6:].strip()]


class TransportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--max-sessions", "50", "--body-limit", "65536")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def tearDown(self):
        # Whatever a test sent, the server still serves.
        resp, _ = self.server.raw("GET", path="/health")
        self.assertEqual(resp.status, 200)

    def test_version_negotiation(self):
        for asked, expected in [("2025-11-25", "2025-11-25"), ("2025-06-18", "2025-06-18"),
                                ("2025-03-26", "2025-03-26"), ("1999-01-01", "2025-11-25")]:
            _, init = self.server.initialize(asked)
            self.assertEqual(init["result"]["protocolVersion"], expected)

    def test_plain_call_is_answered_with_json(self):
        sid, _ = self.server.initialize()
        resp, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                                           "params": {"name": "echo", "arguments": {"message": "hi"}}})
        self.assertEqual(resp.status, 200)
        self.assertIn("application/json", resp.getheader("Content-Type"))
        body = json.loads(raw)
        self.assertEqual(body["id"], 7)
        self.assertEqual(body["result"]["content"][0]["text"], "Echo: hi")

    def test_progress_switches_the_answer_to_sse(self):
        sid, _ = self.server.initialize()
        resp, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": "p", "method": "tools/call",
                                           "params": {"name": "test_tool_with_progress", "arguments": {},
                                                      "_meta": {"progressToken": "tok"}}})
        self.assertIn("text/event-stream", resp.getheader("Content-Type"))
        msgs = sse_messages(raw)
        progress = [m["params"]["progress"] for m in msgs if m.get("method") == "notifications/progress"]
        self.assertEqual(progress, [0, 50, 100])
        self.assertEqual(msgs[-1]["id"], "p")
        self.assertIn("result", msgs[-1])

    def test_malformed_json_is_a_parse_error(self):
        sid, _ = self.server.initialize()
        resp, raw = self.server.call(sid, b'{"jsonrpc": "2.0", "id": 1, "method": ')
        self.assertEqual(resp.status, 400)
        self.assertEqual(json.loads(raw)["error"]["code"], -32700)

    def test_invalid_request_shapes(self):
        sid, _ = self.server.initialize()
        resp, raw = self.server.call(sid, {"id": 1, "method": "ping"})  # no "jsonrpc"
        self.assertEqual(resp.status, 400)
        self.assertEqual(json.loads(raw)["error"]["code"], -32600)
        resp, raw = self.server.call(sid, [])
        self.assertEqual(resp.status, 400)
        self.assertEqual(json.loads(raw)["error"]["code"], -32600)

    def test_unknown_method(self):
        sid, _ = self.server.initialize()
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 3, "method": "tools/explode"})
        err = json.loads(raw)["error"]
        self.assertEqual(err["code"], -32601)
        self.assertIn("tools/explode", err["message"])

    def test_unknown_tool_and_bad_params(self):
        sid, _ = self.server.initialize()
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "nope"}})
        self.assertEqual(json.loads(raw)["error"]["code"], -32602)
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                                        "params": {"name": "echo", "arguments": [1]}})
        self.assertEqual(json.loads(raw)["error"]["code"], -32602)
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 6, "method": "resources/read",
                                        "params": {"uri": "test://missing"}})
        self.assertEqual(json.loads(raw)["error"]["code"], -32002)

    def test_invalid_tool_arguments_follow_the_session_version(self):
        args = {"name": "add", "arguments": {"a": "one"}}
        sid, _ = self.server.initialize("2025-11-25")
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": args})
        result = json.loads(raw)["result"]
        self.assertTrue(result["isError"])
        text = result["content"][0]["text"]
        self.assertIn("a: expected number, got string", text)
        self.assertIn("missing required property 'b'", text)
        sid, _ = self.server.initialize("2025-06-18")
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": args},
                                  {"MCP-Protocol-Version": "2025-06-18"})
        err = json.loads(raw)["error"]
        self.assertEqual(err["code"], -32602)
        self.assertIn("expected number", err["message"])

    def test_session_rules(self):
        resp, raw = self.server.raw("POST", {"jsonrpc": "2.0", "id": 1, "method": "ping"})
        self.assertEqual(resp.status, 400)
        self.assertIn("Mcp-Session-Id", json.loads(raw)["error"]["message"])
        resp, _ = self.server.raw("POST", {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"Mcp-Session-Id": "0" * 32})
        self.assertEqual(resp.status, 404)
        sid, _ = self.server.initialize()
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"MCP-Protocol-Version": "2000-01-01"})
        self.assertEqual(resp.status, 400)
        resp, _ = self.server.raw("DELETE", None, {"Mcp-Session-Id": sid})
        self.assertEqual(resp.status // 100, 2)
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 2, "method": "ping"})
        self.assertEqual(resp.status, 404)

    def test_headers_are_checked(self):
        sid, _ = self.server.initialize()
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"Content-Type": "text/plain"})
        self.assertEqual(resp.status, 415)
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"Accept": "text/html"})
        self.assertEqual(resp.status, 406)
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"Origin": "http://evil.example"})
        self.assertEqual(resp.status, 403)
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"Host": "evil.example"})
        self.assertEqual(resp.status, 403)
        resp, _ = self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                   {"Origin": f"http://localhost:{self.server.port}"})
        self.assertEqual(resp.status, 200)

    def test_notifications_get_202_and_batches_get_arrays(self):
        sid, _ = self.server.initialize()
        resp, raw = self.server.call(sid, {"jsonrpc": "2.0", "method": "notifications/roots/list_changed"})
        self.assertEqual(resp.status, 202)
        self.assertEqual(raw, b"")
        resp, raw = self.server.call(sid, [{"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                           {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                            "params": {"name": "echo", "arguments": {"message": "b"}}}],
                                     {"Accept": "application/json"})
        self.assertEqual(resp.status, 200)
        answers = {m["id"]: m for m in json.loads(raw)}
        self.assertEqual(answers[1]["result"], {})
        self.assertEqual(answers[2]["result"]["content"][0]["text"], "Echo: b")

    def test_pagination_walks_every_tool_once(self):
        sid, _ = self.server.initialize()
        _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {"cursor": "x"}})
        self.assertEqual(json.loads(raw)["error"]["code"], -32602)
        paged = Server("--page-size", "4")
        try:
            psid, _ = paged.initialize()
            names, cursor, pages = [], None, 0
            while True:
                params = {"cursor": cursor} if cursor else {}
                _, raw = paged.call(psid, {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": params})
                result = json.loads(raw)["result"]
                self.assertLessEqual(len(result["tools"]), 4)
                names += [t["name"] for t in result["tools"]]
                pages += 1
                cursor = result.get("nextCursor")
                if not cursor:
                    break
            self.assertGreater(pages, 2)
            self.assertEqual(len(names), len(set(names)), "a tool was listed twice")
            _, raw = self.server.call(sid, {"jsonrpc": "2.0", "id": 3, "method": "tools/list"})
            self.assertEqual(sorted(names), sorted(t["name"] for t in json.loads(raw)["result"]["tools"]))
        finally:
            paged.stop()

    def test_cancellation_stops_the_call_without_an_answer(self):
        sid, _ = self.server.initialize()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.request("POST", "/mcp", body=json.dumps({"jsonrpc": "2.0", "id": 99, "method": "tools/call",
                                                      "params": {"name": "sleep", "arguments": {"ms": 20000},
                                                                 "_meta": {"progressToken": 1}}}),
                     headers={"Content-Type": "application/json", "Accept": ACCEPT_BOTH, "Mcp-Session-Id": sid})
        resp = conn.getresponse()
        self.assertIn("text/event-stream", resp.getheader("Content-Type"))
        self.assertTrue(resp.read(1))  # the stream is live (priming event, then progress)
        started = time.monotonic()
        cancel, _ = self.server.call(sid, {"jsonrpc": "2.0", "method": "notifications/cancelled",
                                           "params": {"requestId": 99, "reason": "test"}})
        self.assertEqual(cancel.status, 202)
        rest = resp.read()  # the stream ends once the cancelled request needs no answer
        conn.close()
        self.assertLess(time.monotonic() - started, 10)
        self.assertFalse([m for m in sse_messages(rest) if m.get("id") == 99], "a cancelled request was answered")

    def test_metrics_count_calls_per_tool(self):
        sid, _ = self.server.initialize()
        for _ in range(3):
            self.server.call(sid, {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                   "params": {"name": "test_error_handling"}})
        _, raw = self.server.raw("GET", path="/metrics")
        text = raw.decode()
        m = re.search(r'^mcp_tool_errors_total\{tool="test_error_handling",reason="tool_error"\} (\d+)', text, re.M)
        self.assertTrue(m and int(m.group(1)) >= 3, text)
        self.assertRegex(text, r'mcp_tool_call_duration_seconds_count\{tool="test_error_handling"\} \d+')

    def test_oversized_body_is_refused(self):
        sid, _ = self.server.initialize()
        big = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "echo", "arguments": {"message": "x" * 100000}}}
        resp, _ = self.server.call(sid, big)
        self.assertEqual(resp.status, 413)


class ExpiryTest(unittest.TestCase):
    def test_idle_sessions_expire(self):
        server = Server("--session-idle-timeout", "300ms")
        try:
            sid, _ = server.initialize()
            # Each probe is itself activity, so wait well past the timeout between probes.
            deadline = time.monotonic() + 10
            status = 200
            while time.monotonic() < deadline and status == 200:
                time.sleep(0.6)
                probe, _ = server.raw("POST", {"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"Mcp-Session-Id": sid})
                status = probe.status
            self.assertEqual(status, 404)
        finally:
            server.stop()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        KAOS = sys.argv.pop(1)
    if not KAOS:
        sys.exit("usage: mcp_transport_test.py KAOS_BINARY")
    unittest.main(verbosity=2)
