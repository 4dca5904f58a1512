#!/usr/bin/env python3
"""Scripted OpenAI-compatible chat-completions stand-in for the agent's integration tests.

Speaks the OpenAI chat completions wire format (non-streaming; written from the public API
reference): `POST /v1/chat/completions` (or any path ending in /chat/completions) answers a
`chat.completion` object whose assistant message is text (finish_reason "stop") or tool calls
(`tool_calls: [{"id": "call_...", "type": "function", "function": {"name", "arguments": <JSON
text>}}]`, content null, finish_reason "tool_calls"), with `usage`. Binds 127.0.0.1 on a free
port and prints `PORT <n>` on stdout.

Scripts (test hooks, not part of the OpenAI API):
  POST /_script {"key": K, "replies": [R, ...]}   replaces K's script. A request belongs to the
      key found in its user (or task-delegation) messages, newest message first (so the
      current prompt wins over replayed history; of several keys in one message, the longest); the replies of a key are consumed in order, one per request.
  A reply R is one of:
      "text"                                      a text answer
      {"text": "..."}                             the same
      {"tool_calls": [{"name", "arguments", "id"?}]}   arguments: an object (sent as its JSON
                                                  text) or a string (sent verbatim, so a test
                                                  can send invalid JSON); id default call_<n>
      {"status": 500, "body": "..."}              an HTTP error with that body (default: an
                                                  OpenAI error object)
      {"garbage": "..."}                          200 with a non-JSON body
      {"hang": true}                              never answer; wait (up to 120 s) until the
                                                  client disconnects and record
                                                  {"event": "disconnected", "key": K}
    and may add {"delay": seconds} (wait before answering; a client leaving meanwhile is
    recorded as "disconnected" too) and {"repeat": true} (not consumed: every later request of
    the key gets it again).
  When a key's script is exhausted, or a request matches no key, the default applies: if the
  last message is a tool result, answer "tool said: <result>"; else "echo: <last user text>".

  GET /_standin/log          every chat request: {"path", "headers" (lower-case names),
                             "body", "key"} in arrival order, plus {"event": ...} entries.
"""
import json
import select
import socket
import threading
import time

from standin_http import JsonHandler, serve

LOCK = threading.Lock()
LOG = []
SCRIPTS = {}  # key -> list of replies (consumed from the front)
COUNTER = {"n": 0}


def text_of(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def find_key(messages):
    with LOCK:
        keys = list(SCRIPTS)
    for m in reversed(messages):
        if m.get("role") not in ("user", "system", "task-delegation"):
            continue
        text = text_of(m.get("content"))
        found = [k for k in keys if k in text]
        if found:
            return max(found, key=len)  # "K-a" and "K-ab" both in a text: the longer one
    return None


def next_id(prefix):
    with LOCK:
        COUNTER["n"] += 1
        return f"{prefix}{COUNTER['n']}"


def default_reply(messages):
    last = messages[-1] if messages else {}
    if last.get("role") == "tool":
        return {"text": "tool said: " + text_of(last.get("content"))}
    for m in reversed(messages):
        if m.get("role") in ("user", "task-delegation"):
            return {"text": "echo: " + text_of(m.get("content"))}
    return {"text": "echo:"}


class Handler(JsonHandler):
    def do_GET(self):
        if self.path == "/_standin/log":
            with LOCK:
                return self.send_json(200, LOG)
        self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def client_gone(self):
        """True when the peer closed its side (the request was read fully, so any readable
        state with no data is EOF)."""
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if not r:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def wait(self, seconds, key):
        """Waits `seconds` (None: until the client leaves, at most 120 s); False when the
        client went away meanwhile (recorded)."""
        deadline = time.monotonic() + (120 if seconds is None else seconds)
        while time.monotonic() < deadline:
            if self.client_gone():
                with LOCK:
                    LOG.append({"event": "disconnected", "key": key})
                return False
            time.sleep(0.02)
        return True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
        if self.path == "/_script":
            with LOCK:
                SCRIPTS[body["key"]] = list(body.get("replies", []))
            return self.send_json(200, {"ok": True})
        if not self.path.endswith("/chat/completions"):
            return self.send_json(404, {"error": {"message": "unknown path " + self.path,
                                                  "type": "invalid_request_error"}})
        messages = body.get("messages") or []
        key = find_key(messages)
        with LOCK:
            LOG.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body, "key": key})
            reply = None
            script = SCRIPTS.get(key) if key is not None else None
            if script:
                reply = script[0]
                if not (isinstance(reply, dict) and reply.get("repeat")):
                    script.pop(0)
        if reply is None:
            reply = default_reply(messages)
        if isinstance(reply, str):
            reply = {"text": reply}

        if reply.get("hang"):
            self.wait(None, key)
            self.close_connection = True
            return
        if reply.get("delay") and not self.wait(float(reply["delay"]), key):
            self.close_connection = True
            return
        if "status" in reply:
            if "body" in reply:
                data = reply["body"].encode()
                self.send_response(reply["status"])
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            return self.send_json(reply["status"], {"error": {"message": "scripted failure",
                                                              "type": "server_error", "code": None}})
        if "garbage" in reply:
            data = reply["garbage"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return

        message = {"role": "assistant", "content": None, "refusal": None}
        finish = "stop"
        if reply.get("tool_calls"):
            calls = []
            for c in reply["tool_calls"]:
                args = c.get("arguments", {})
                calls.append({"id": c.get("id") or next_id("call_"), "type": "function",
                              "function": {"name": c["name"],
                                           "arguments": args if isinstance(args, str) else json.dumps(args)}})
            message["tool_calls"] = calls
            finish = "tool_calls"
        else:
            message["content"] = reply.get("text", "")
        prompt_tokens = 10 + len(json.dumps(messages)) // 100
        self.send_json(200, {
            "id": next_id("chatcmpl-scripted"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "scripted"),
            "system_fingerprint": "fp_scripted",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 5,
                      "total_tokens": prompt_tokens + 5},
        })


if __name__ == "__main__":
    serve(Handler)
