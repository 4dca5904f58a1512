#!/usr/bin/env python3
"""Correct JSON out (issue 12, item 7), over raw HTTP against the real servers:
- JSON-RPC ids come back byte for byte as sent: strings, and integers of any size;
- a fractional or non-finite id is an Invalid Request (-32600, id null), and no answer ever
  holds Infinity or NaN;
- a python-string tool parameter typed `int` refuses 2**100, 1.0 and out-of-range values and
  receives exact ints (the tool echoes type(n) and n).
Speakers: kaos mcp (everything and python-string), the agent's /mcp endpoint and its A2A
JSON-RPC endpoint.

Usage: json_correctness_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import json
import re

import agent_support as s

TOOLS = '''
def kind_of(n: int) -> str:
    """Says what it received."""
    return f"{type(n).__name__} {n}"
'''
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}
BIG = "123456789012345678901234567890"


def raw_id(raw):
    """The id's text exactly as written in an answer body."""
    m = re.search(rb'"id":\s*(-?[0-9]+|"(?:[^"\\]|\\.)*"|null)', raw)
    assert m, raw
    return m.group(1).decode()


def refusal_text(answer):
    """An invalid-arguments refusal: a JSON-RPC -32602 error, or (sessions on 2025-11-25) a tool
    result with isError (docs/mcp.md); the text of either."""
    if "error" in answer:
        assert answer["error"]["code"] == -32602, answer
        return answer["error"]["message"]
    assert answer["result"].get("isError") is True, answer
    return answer["result"]["content"][0]["text"]


def no_non_finite(test, raw):
    test.assertNotIn(b"Infinity", raw)
    test.assertNotIn(b"NaN", raw)
    json.loads(raw)  # strict: Python's json accepts Infinity, so check the text above too


class McpServerIds(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.mcp = cls.cls_spawn(s.Proc([s.KAOS, "mcp", "--runtime", "everything", "--host", "127.0.0.1",
                                        "--port", "0"]))
        status, hdrs, raw = cls.post(None, b'{"jsonrpc":"2.0","id":' + BIG.encode() + b',"method":"initialize",'
                                     b'"params":{"protocolVersion":"2025-11-25","capabilities":{},'
                                     b'"clientInfo":{"name":"t","version":"1"}}}')
        assert status == 200, raw
        cls.init_raw = raw
        cls.sid = hdrs["mcp-session-id"]
        cls.post(cls.sid, b'{"jsonrpc":"2.0","method":"notifications/initialized"}')

    @classmethod
    def post(cls, sid, body):
        h = dict(MCP_HEADERS)
        if sid:
            h["Mcp-Session-Id"] = sid
        return s.http(cls.mcp.port, "POST", "/mcp", body, h)

    def test_initialize_answers_a_big_integer_id_exactly(self):
        self.assertEqual(raw_id(self.init_raw), BIG)

    def test_ids_round_trip_exactly(self):
        for rid in [BIG, "-" + BIG, "9223372036854775807", "18446744073709551615", "0", '"abc"', '"1"']:
            status, _, raw = self.post(self.sid, f'{{"jsonrpc":"2.0","id":{rid},"method":"ping"}}'.encode())
            self.assertEqual(status, 200, raw)
            self.assertEqual(raw_id(raw), rid)

    def test_fractional_and_non_finite_ids_are_invalid_requests(self):
        for rid in ["1e400", "-1e400", "1.5", "2.0", "1e3"]:
            status, _, raw = self.post(self.sid, f'{{"jsonrpc":"2.0","id":{rid},"method":"ping"}}'.encode())
            self.assertEqual(status, 400, raw)
            no_non_finite(self, raw)
            body = json.loads(raw)
            self.assertEqual(body["error"]["code"], -32600, raw)
            self.assertIsNone(body["id"])

    def test_a_big_integer_id_in_a_batch(self):
        body = f'[{{"jsonrpc":"2.0","id":{BIG}1,"method":"ping"}},{{"jsonrpc":"2.0","id":"x","method":"ping"}}]'
        status, _, raw = self.post(self.sid, body.encode())
        self.assertEqual(status, 200, raw)
        self.assertIn(f'"id":{BIG}1,'.encode(), raw)
        self.assertIn(b'"id":"x",', raw)

    def test_non_finite_arguments_are_refused_not_echoed(self):
        call = b'{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"message":1e400}}}'
        status, _, raw = self.post(self.sid, call)
        no_non_finite(self, raw)
        self.assertIn("expected string, got a number beyond the range of a double", refusal_text(json.loads(raw)))


# A minimal stdio MCP server for the bridge test: Python's json keeps integers of any size, so
# the ids it answers with are exactly those the bridge forwarded.
STDIO_SERVER = r"""
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if "id" not in m or "method" not in m:
        continue
    if m["method"] == "initialize":
        result = {"protocolVersion": m["params"]["protocolVersion"], "capabilities": {},
                  "serverInfo": {"name": "ids", "version": "1"}}
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": result}) + "\n")
    sys.stdout.flush()
"""


class StdioBridgeIds(s.ProcTestCase):
    def test_big_integer_ids_cross_the_bridge_exactly(self):
        import os
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(STDIO_SERVER)
        self.addCleanup(os.unlink, f.name)
        bridge = self.spawn(s.Proc([s.KAOS, "mcp", "--runtime", "stdio", "--host", "127.0.0.1", "--port", "0",
                                    "--", "python3", f.name]))
        init = ('{"jsonrpc":"2.0","id":' + BIG + ',"method":"initialize","params":{"protocolVersion":"2025-11-25",'
                '"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}')
        status, hdrs, raw = s.http(bridge.port, "POST", "/mcp", init.encode(), MCP_HEADERS)
        self.assertEqual(status, 200, raw)
        self.assertEqual(raw_id(raw), BIG)
        sid = hdrs["mcp-session-id"]
        for rid in [BIG + "7", "-" + BIG, '"big"']:
            status, _, raw = s.http(bridge.port, "POST", "/mcp", f'{{"jsonrpc":"2.0","id":{rid},"method":"ping"}}'.encode(),
                                    {**MCP_HEADERS, "Mcp-Session-Id": sid})
            self.assertEqual(status, 200, raw)
            self.assertEqual(raw_id(raw), rid)


class PythonIntParameters(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.mcp = cls.cls_spawn(s.Proc([s.KAOS, "mcp", "--runtime", "python-string", "--host", "127.0.0.1",
                                        "--port", "0", "--params", TOOLS]))
        status, hdrs, raw = s.http(cls.mcp.port, "POST", "/mcp", {
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
            MCP_HEADERS)
        assert status == 200, raw
        cls.sid = hdrs["mcp-session-id"]

    def call(self, n_text):
        body = ('{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"kind_of","arguments":{"n":'
                + n_text + '}}}')
        status, _, raw = s.http(self.mcp.port, "POST", "/mcp", body.encode(),
                                {**MCP_HEADERS, "Mcp-Session-Id": self.sid}, timeout=60)
        self.assertEqual(status, 200, raw)
        return json.loads(raw)

    def test_exact_ints_arrive_as_ints(self):
        for n in ["7", "-9223372036854775808", "9223372036854775807"]:
            answer = self.call(n)
            self.assertNotIn("error", answer)
            self.assertEqual(answer["result"]["content"][0]["text"], f"int {n}")

    def test_non_integers_and_out_of_range_values_are_refused(self):
        for n in [str(2 ** 100), "9223372036854775808", "-9223372036854775809", "1.0", "1e3", "2.5", "1e400"]:
            self.assertIn("n: expected integer", refusal_text(self.call(n)), n)


class AgentJsonRpcIds(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = cls.cls_spawn(s.start_agent("ids", {"DEBUG_MOCK_RESPONSES": json.dumps(["ok"])}))

    def post(self, path, body):
        return s.http(self.agent.port, "POST", path, body.encode(), MCP_HEADERS)

    def test_mcp_endpoint_ids(self):
        for rid in [BIG, "-" + BIG, '"s"']:
            status, _, raw = self.post("/mcp", f'{{"jsonrpc":"2.0","id":{rid},"method":"ping"}}')
            self.assertEqual(status, 200, raw)
            self.assertEqual(raw_id(raw), rid)
        for rid in ["1e400", "0.5"]:
            status, _, raw = self.post("/mcp", f'{{"jsonrpc":"2.0","id":{rid},"method":"ping"}}')
            no_non_finite(self, raw)
            self.assertEqual(json.loads(raw)["error"]["code"], -32600)

    def test_a2a_ids(self):
        status, _, raw = self.post("/", f'{{"jsonrpc":"2.0","id":{BIG},"method":"tasks/get","params":{{"id":"none"}}}}')
        self.assertEqual(raw_id(raw), BIG, raw)
        status, _, raw = self.post("/", '{"jsonrpc":"2.0","id":1e400,"method":"tasks/get","params":{"id":"none"}}')
        no_non_finite(self, raw)
        self.assertEqual(json.loads(raw)["error"]["code"], -32600)


if __name__ == "__main__":
    s.main()
