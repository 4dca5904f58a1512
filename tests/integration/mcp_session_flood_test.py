#!/usr/bin/env python3
"""Session flood against `kaos mcp` (issue 12, item 5): one client's `initialize` calls must
never end another client's session. Two clients are told apart by their peer address
(127.0.0.1 and 127.0.0.2, both loopback), spoken to with raw HTTP.

Usage: mcp_session_flood_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import http.client
import json
import os
import socket
import sys
import time
import unittest

from mcp_support import McpServer

KAOS = os.environ.get("KAOS_BIN", "")
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INIT = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                   "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                              "clientInfo": {"name": "flood", "version": "1"}}})


def Server(*extra):
    return McpServer(KAOS, *extra)  # KAOS is read at call time: main() sets it from argv


class Client:
    """A keep-alive connection from one loopback source address."""

    def __init__(self, port, source):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))

    def post(self, body, sid=None):
        h = dict(HEADERS)
        if sid:
            h["Mcp-Session-Id"] = sid
        self.conn.request("POST", "/mcp", body=body, headers=h)
        resp = self.conn.getresponse()
        return resp, resp.read()

    def initialize(self):
        resp, raw = self.post(INIT)
        sid = resp.getheader("Mcp-Session-Id")
        if resp.status == 200 and sid:
            self.post(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}), sid)
        return resp, raw, sid

    def ping(self, sid):
        return self.post(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}), sid)

    def close(self):
        self.conn.close()


def open_get_stream(port, source, sid):
    """Holds a GET stream open (the session is then busy, not idle); returns the socket."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    s.sendall((f"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
               f"Mcp-Session-Id: {sid}\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise AssertionError("GET stream closed before its headers")
        head += chunk
    assert head.startswith(b"HTTP/1.1 200"), head
    return s


class SessionFloodTest(unittest.TestCase):
    def test_flood_at_the_defaults_leaves_other_clients_sessions(self):
        # The figure: 10,050 initialize calls used to end every idle session.
        server = Server()
        try:
            victim = Client(server.port, "127.0.0.2")
            _, _, kept = victim.initialize()
            self.assertTrue(kept)
            flooder = Client(server.port, "127.0.0.1")
            last = None
            for _ in range(10_050):
                resp, raw, last = flooder.initialize()
                self.assertEqual(resp.status, 200, raw)
            resp, raw = victim.ping(kept)
            self.assertEqual(resp.status, 200, raw)
            self.assertEqual(json.loads(raw)["result"], {})
            # The flooder keeps working: its newest session answers.
            resp, raw = flooder.ping(last)
            self.assertEqual(resp.status, 200, raw)
            flooder.close()
            victim.close()
        finally:
            server.stop()

    def test_a_full_server_ends_the_flooders_sessions_not_others(self):
        # Below the per-client limit, the server-wide limit decides: the biggest holder pays.
        server = Server("--max-sessions", "100")
        try:
            victims = [Client(server.port, f"127.0.0.{n}") for n in (2, 3, 4)]
            kept = [v.initialize()[2] for v in victims]
            flooder = Client(server.port, "127.0.0.1")
            for _ in range(300):
                resp, raw, _ = flooder.initialize()
                self.assertEqual(resp.status, 200, raw)
            for v, sid in zip(victims, kept):
                self.assertEqual(v.ping(sid)[0].status, 200)
                v.close()
            flooder.close()
        finally:
            server.stop()

    def test_a_client_at_its_limit_ends_its_own_oldest_idle_session(self):
        server = Server("--max-sessions", "10", "--max-sessions-per-client", "3")
        try:
            other = Client(server.port, "127.0.0.2")
            _, _, theirs = other.initialize()
            me = Client(server.port, "127.0.0.1")
            mine = [me.initialize()[2] for _ in range(5)]
            # Only my three newest remain; the two oldest were mine to lose.
            self.assertEqual([me.ping(s)[0].status for s in mine], [404, 404, 200, 200, 200])
            self.assertEqual(other.ping(theirs)[0].status, 200)
            me.close()
            other.close()
        finally:
            server.stop()

    def test_a_client_whose_sessions_are_all_busy_gets_429(self):
        server = Server("--max-sessions-per-client", "2")
        streams = []
        try:
            me = Client(server.port, "127.0.0.1")
            mine = [me.initialize()[2] for _ in range(2)]
            streams = [open_get_stream(server.port, "127.0.0.1", s) for s in mine]
            resp, raw, sid = me.initialize()
            self.assertEqual(resp.status, 429, raw)
            self.assertIsNone(sid)
            err = json.loads(raw)["error"]
            self.assertIn("MCP_MAX_SESSIONS_PER_CLIENT", err["message"])
            # Busy sessions were not ended, and another client is unaffected.
            self.assertEqual(me.ping(mine[0])[0].status, 200)
            other = Client(server.port, "127.0.0.2")
            self.assertEqual(other.initialize()[0].status, 200)
            other.close()
            me.close()
        finally:
            for s in streams:
                s.close()
            server.stop()

    def test_the_environment_sets_the_limit(self):
        os.environ["MCP_MAX_SESSIONS_PER_CLIENT"] = "1"
        try:
            server = Server()
        finally:
            del os.environ["MCP_MAX_SESSIONS_PER_CLIENT"]
        try:
            me = Client(server.port, "127.0.0.1")
            first, second = me.initialize()[2], me.initialize()[2]
            self.assertEqual(me.ping(first)[0].status, 404)
            self.assertEqual(me.ping(second)[0].status, 200)
            me.close()
        finally:
            server.stop()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        KAOS = sys.argv.pop(1)
    if not KAOS:
        sys.exit("usage: mcp_session_flood_test.py KAOS_BINARY")
    unittest.main(verbosity=2)
