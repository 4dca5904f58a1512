#!/usr/bin/env python3
"""Anthropic Messages API stand-in (POST /v1/messages), written from Anthropic's public API
reference independently of the gateway's translation code.

Checks what the real API checks: x-api-key and anthropic-version headers, model, max_tokens
and messages required, roles alternate user/assistant... (only user/assistant allowed), tool_result
blocks only in user turns. Prints `PORT <n>`.

Behaviour: when `tools` are given and the last user turn's text names one of them, answers
with a tool_use block whose input is {"city": "Paris"}; when the last user turn carries
tool_result blocks, answers "Result was: <content>"; otherwise "Hello from claude: <text>".
Model "overloaded" answers 529 overloaded_error. Streaming follows the documented event
sequence (message_start, content_block_start/delta/stop, message_delta, message_stop, pings).
GET /_standin/log returns the received requests.
"""
import json
import sys
import threading

from standin_http import JsonHandler, serve

LOCK = threading.Lock()
LOG = []


def error(kind, message):
    return {"type": "error", "error": {"type": kind, "message": message}}


class Handler(JsonHandler):
    def do_GET(self):
        if self.path == "/_standin/log":
            with LOCK:
                return self.send_json(200, LOG)
        self.send_json(404, error("not_found_error", "not found"))

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/messages":
            return self.send_json(404, error("not_found_error", "unknown path " + self.path))
        if not self.headers.get("x-api-key"):
            return self.send_json(401, error("authentication_error", "x-api-key header is required"))
        if self.headers.get("anthropic-version") != "2023-06-01":
            return self.send_json(400, error("invalid_request_error", "anthropic-version header is required"))
        try:
            body = json.loads(raw)
        except ValueError:
            return self.send_json(400, error("invalid_request_error", "invalid JSON"))
        with LOCK:
            LOG.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        for field in ("model", "max_tokens", "messages"):
            if field not in body:
                return self.send_json(400, error("invalid_request_error", f"{field}: Field required"))
        allowed = {"model", "max_tokens", "messages", "system", "stop_sequences", "stream", "temperature", "top_p",
                   "top_k", "tools", "tool_choice", "metadata"}
        extra = set(body) - allowed
        if extra:
            return self.send_json(400, error("invalid_request_error", f"{sorted(extra)[0]}: Extra inputs are not permitted"))
        for m in body["messages"]:
            if m.get("role") not in ("user", "assistant"):
                return self.send_json(400, error("invalid_request_error", "messages: roles must be user or assistant"))
            if m["role"] == "assistant" and isinstance(m.get("content"), list):
                if any(b.get("type") == "tool_result" for b in m["content"]):
                    return self.send_json(400, error("invalid_request_error", "tool_result only in user turns"))
        if body["model"] == "overloaded":
            return self.send_json(529, error("overloaded_error", "Overloaded"))

        last = body["messages"][-1]
        content = last.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else (content or [])
        text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
        results = [b for b in blocks if b.get("type") == "tool_result"]
        tool = None
        for t in body.get("tools", []):
            if t["name"] in text:
                tool = t
                break
        if results:
            out_blocks = [{"type": "text", "text": "Result was: " + str(results[0].get("content"))}]
            stop = "end_turn"
        elif tool:
            out_blocks = [{"type": "text", "text": "Checking."},
                          {"type": "tool_use", "id": "toolu_01", "name": tool["name"], "input": {"city": "Paris"}}]
            stop = "tool_use"
        else:
            out_blocks = [{"type": "text", "text": "Hello from claude: " + text}]
            stop = "end_turn"
        usage = {"input_tokens": 21, "output_tokens": 9}
        message = {"id": "msg_01", "type": "message", "role": "assistant", "model": body["model"],
                   "content": out_blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage}
        if not body.get("stream"):
            return self.send_json(200, message)

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def ev(name, obj):
            data = f"event: {name}\ndata: {json.dumps(obj)}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        start = dict(message, content=[], stop_reason=None, usage={"input_tokens": 21, "output_tokens": 1})
        ev("message_start", {"type": "message_start", "message": start})
        ev("ping", {"type": "ping"})
        for i, b in enumerate(out_blocks):
            if b["type"] == "text":
                ev("content_block_start", {"type": "content_block_start", "index": i,
                                           "content_block": {"type": "text", "text": ""}})
                words = b["text"].split(" ")
                for j, w in enumerate(words):
                    piece = w if j == len(words) - 1 else w + " "
                    ev("content_block_delta", {"type": "content_block_delta", "index": i,
                                               "delta": {"type": "text_delta", "text": piece}})
            else:
                ev("content_block_start", {"type": "content_block_start", "index": i,
                                           "content_block": {"type": "tool_use", "id": b["id"], "name": b["name"],
                                                             "input": {}}})
                js = json.dumps(b["input"])
                for part in (js[:5], js[5:]):
                    ev("content_block_delta", {"type": "content_block_delta", "index": i,
                                               "delta": {"type": "input_json_delta", "partial_json": part}})
            ev("content_block_stop", {"type": "content_block_stop", "index": i})
        ev("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                             "usage": {"output_tokens": 9}})
        ev("message_stop", {"type": "message_stop"})
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    serve(Handler)


if __name__ == "__main__":
    sys.exit(main())
