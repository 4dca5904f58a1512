#!/usr/bin/env python3
"""A minimal MCP server (Streamable HTTP, JSON answers) that records the HTTP headers of every
request, so tests can check what an MCP client propagates (traceparent, Authorization).
Written from the MCP specification (2025-06-18 transport): POST /mcp with one JSON-RPC message;
`initialize` issues an Mcp-Session-Id; notifications get 202. One tool: `whoami` (no
arguments) answering "ok". Binds 127.0.0.1 on a free port and prints `PORT <n>`.

Test hook: GET /_standin/log → [{"method", "headers" (lower-case names)}] in arrival order.
"""
import json
import threading
import uuid

from standin_http import JsonHandler, serve

LOCK = threading.Lock()
LOG = []
TOOL = {"name": "whoami", "description": "Answers ok.", "inputSchema": {"type": "object", "properties": {}}}


class Handler(JsonHandler):
    def do_GET(self):
        if self.path == "/_standin/log":
            with LOCK:
                return self.send_json(200, LOG)
        self.send_response(405)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            msg = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"jsonrpc": "2.0", "id": None,
                                        "error": {"code": -32700, "message": "Parse error"}})
        with LOCK:
            LOG.append({"method": msg.get("method"), "headers": {k.lower(): v for k, v in self.headers.items()}})
        if "id" not in msg:  # a notification
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        method, rid = msg.get("method"), msg["id"]
        if method == "initialize":
            result = {"protocolVersion": msg.get("params", {}).get("protocolVersion", "2025-06-18"),
                      "capabilities": {"tools": {"listChanged": False}},
                      "serverInfo": {"name": "recording-mcp", "version": "1"}}
            data = json.dumps({"jsonrpc": "2.0", "id": rid, "result": result}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Mcp-Session-Id", uuid.uuid4().hex)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if method == "tools/list":
            return self.send_json(200, {"jsonrpc": "2.0", "id": rid, "result": {"tools": [TOOL]}})
        if method == "tools/call":
            return self.send_json(200, {"jsonrpc": "2.0", "id": rid,
                                        "result": {"content": [{"type": "text", "text": "ok"}], "isError": False}})
        if method == "ping":
            return self.send_json(200, {"jsonrpc": "2.0", "id": rid, "result": {}})
        self.send_json(200, {"jsonrpc": "2.0", "id": rid,
                             "error": {"code": -32601, "message": f"Method not found: {method}"}})


if __name__ == "__main__":
    serve(Handler)
