#!/usr/bin/env python3
"""A hostile HTTP peer: answers every request with one scenario's garbage, to check that the
CLI turns any reply into a clean error exit (never an abort, never a hang past its deadline).

It plays both the local runtime's control API (the CLI finds it through supervisor.json; the
CLI only trusts a pid whose command line holds `__supervisor`, so run this script with
`__supervisor` among its arguments) and an agent, MCP server or model API (the CLI's --url).

Usage: hostile_peer.py SCENARIO __supervisor
Prints `PORT <n>` on its first stdout line. Scenarios:

  html         200 text/html that is not JSON
  empty        200 with an empty body
  truncated    200 application/json cut off mid-document
  scalar       200 with the JSON number 7 (every route expects an object or array)
  wrongtypes   200 where each field has the wrong type: arrays for objects, numbers for strings
  nulls        200 where every field is null
  bignums      200 with numbers that overflow: 1e400, 2**70, -0, 1.5 where integers belong
  deep         200 with 100,000 nested arrays
  huge         200 with a 64 MiB string field
  badsse       200 text/event-stream with broken events (no data, bad JSON, wrong types)
  status500    500 with {"detail": 5} (the detail has the wrong type)
  status422    422 with {"errors": "not a list"}
  status404    404 with a non-JSON body
  close        the connection is closed without an answer
  hang         the request is read and never answered (the client's deadline must end it)
"""
import json
import sys
import time

from standin_http import JsonHandler, serve

SCENARIO = sys.argv[1] if len(sys.argv) > 1 else "html"


def wrong_types():
    # One shape for every route: each field the CLI reads, with a type it does not expect.
    return {
        "supervisor": [], "resources": {"a": 1}, "pid": "12", "state_dir": 5,
        "id": [], "kind": 3, "name": {}, "namespace": True, "phase": 42, "ready": "yes",
        "endpoint": 1, "restarts": "many", "events": "none", "env": 9, "spec": 1,
        "actions": {"id": 1}, "deleted": [1, 2], "errors": "e",
        "choices": {"0": 1}, "data": "x", "tools": {"name": 1}, "tasks": 7, "task": [1],
        "result": "r", "error": 5, "sessions": {"a": 1}, "session_id": 5, "content": [1],
        "status": "x", "history": 3, "jsonrpc": 2, "object": [],
    }


def nulls():
    return {k: None for k in wrong_types()}


BIG = '{"supervisor": {"pid": 1e400, "state_dir": "/x"}, "resources": [' \
      '{"id": "agent/default/a", "kind": "Agent", "namespace": "default", "name": "a",' \
      ' "role": "agent", "phase": "Ready", "ready": true, "endpoint": "http://127.0.0.1:1",' \
      ' "pid": 1180591620717411303424, "restarts": 1.5, "message": "", "log": "/x"}],' \
      ' "pid": -0, "restarts": 1e400, "data": [{"id": 18446744073709551617}],' \
      ' "choices": [{"index": 1e400, "message": {"role": "assistant", "content": 1e400}}],' \
      ' "result": {"id": 1.5, "status": {"state": 1e400}}, "id": 1e400}'


class Handler(JsonHandler):
    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer(self):
        self.body()
        s = SCENARIO
        if s == "hang":
            time.sleep(3600)
        elif s == "close":
            self.close_connection = True
            self.connection.shutdown(2)
        elif s == "html":
            self.reply(200, "text/html", b"<html><body>It works!</body></html>")
        elif s == "empty":
            self.reply(200, "application/json", b"")
        elif s == "truncated":
            self.reply(200, "application/json", b'{"resources": [{"id": "agent/default/a", "kind": "Ag')
        elif s == "scalar":
            self.reply(200, "application/json", b"7")
        elif s == "wrongtypes":
            self.send_json(200, wrong_types())
        elif s == "nulls":
            self.send_json(200, nulls())
        elif s == "bignums":
            self.reply(200, "application/json", BIG.encode())
        elif s == "deep":
            self.reply(200, "application/json", b"[" * 100_000 + b"]" * 100_000)
        elif s == "huge":
            self.reply(200, "application/json", b'{"detail": "' + b"x" * (64 << 20) + b'"}')
        elif s == "badsse":
            events = [b": comment only\n\n", b"data: {not json\n\n", b"data: 7\n\n",
                      b'data: {"choices": 5}\n\n', b'data: {"choices": [{"delta": 3}]}\n\n',
                      b"event: x\n\n", b'data: {"result": [1]}\n\n', b"data: [DONE]\n\n"]
            self.reply(200, "text/event-stream", b"".join(events))
        elif s == "status500":
            self.send_json(500, {"detail": 5})
        elif s == "status422":
            self.send_json(422, {"errors": "not a list"})
        elif s == "status404":
            self.reply(404, "text/plain", b"no such thing")
        else:
            self.send_json(400, {"detail": f"unknown scenario {s}"})

    do_GET = do_POST = do_DELETE = do_PUT = answer


if __name__ == "__main__":
    serve(Handler)
