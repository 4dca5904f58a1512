#!/usr/bin/env python3
"""OpenAI-compatible upstream stand-in for the gateway's integration tests.

Speaks the OpenAI chat completions and embeddings wire format (written from the public API
reference, independently of the gateway). Binds 127.0.0.1 on a free port and prints
`PORT <n>` on stdout. Scenarios are selected by the last user message, so the gateway passes
them through untouched:

  "retry:<key>:<n>"      answer 503 to the first n requests carrying <key>, then succeed
  "retry429:<key>:<n>"   the same with 429
  "slow:<seconds>"       wait before answering
  "midstream-fail"       (stream) send two chunks, then drop the connection without ending the body
  "hang:<key>"           (stream) send one chunk, then a chunk every 50 ms until the peer goes away,
                          then record {"event": "disconnected", "key": key}
  "error400"             answer 400 with an OpenAI error body
  "echo-key"             answer 401 with an error body quoting the Authorization header it got
                          (as some providers do with a malformed key)
anything else: a normal answer "<name>: <text>" (name from --name) with usage.

Test hooks (not part of the OpenAI API): GET /_standin/log (every request: path, headers,
body, plus events), GET /_standin/last_stream (exact bytes of the last streamed body).
"""
import argparse
import json
import sys
import threading
import time

from standin_http import JsonHandler, serve

LOCK = threading.Lock()
LOG = []
COUNTS = {}
LAST_STREAM = {"bytes": b""}
NAME = "standin"


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def last_user_text(body):
    for m in reversed(body.get("messages", [])):
        if m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, str):
                return c
            if isinstance(c, list):
                return "".join(p.get("text", "") for p in c if isinstance(p, dict))
    return ""


class Handler(JsonHandler):
    def do_GET(self):
        if self.path == "/_standin/log":
            with LOCK:
                return self.send_json(200, LOG)
        if self.path == "/_standin/last_stream":
            data = LAST_STREAM["bytes"]
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            # Strict JSON, as the real API parses it: Infinity and NaN are not JSON.
            body = json.loads(raw, parse_constant=reject_constant)
        except ValueError:
            return self.send_json(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
        with LOCK:
            LOG.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if self.path.endswith("/embeddings"):
            inputs = body.get("input")
            inputs = inputs if isinstance(inputs, list) else [inputs]
            return self.send_json(200, {"object": "list", "model": body.get("model"),
                                        "data": [{"object": "embedding", "index": i, "embedding": [0.5, -0.5]}
                                                 for i, _ in enumerate(inputs)],
                                        "usage": {"prompt_tokens": 3, "total_tokens": 3}})
        if not self.path.endswith("/chat/completions"):
            return self.send_json(404, {"error": {"message": "unknown path " + self.path, "type": "invalid_request_error"}})
        text = last_user_text(body)
        if text.startswith("retry:") or text.startswith("retry429:"):
            kind, key, n = text.split(":")
            with LOCK:
                COUNTS[key] = COUNTS.get(key, 0) + 1
                count = COUNTS[key]
            if count <= int(n):
                status = 503 if kind == "retry" else 429
                return self.send_json(status, {"error": {"message": "try again", "type": "server_error"}})
        if text.startswith("slow:"):
            time.sleep(float(text.split(":")[1]))
        if text == "error400":
            return self.send_json(400, {"error": {"message": "upstream says no", "type": "invalid_request_error",
                                                  "param": "messages", "code": None}})
        if text == "echo-key":
            got = self.headers.get("Authorization", "")
            return self.send_json(401, {"error": {"message": f"Incorrect API key provided: {got}",
                                                  "type": "invalid_request_error", "code": "invalid_api_key"}})
        model = body.get("model")
        reply = f"{NAME}: {text}"
        usage = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
        if not body.get("stream"):
            return self.send_json(200, {
                "id": "chatcmpl-standin", "object": "chat.completion", "created": 1700000000, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": usage})
        self.stream(body, model, reply, usage, text)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def stream(self, body, model, reply, usage, text):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = bytearray()

        def event(obj_text):
            data = b"data: " + obj_text.encode() + b"\n\n"
            sent.extend(data)
            self.chunk(data)

        def chunk_json(delta, finish=None):
            # Deliberately unusual spacing: a pass-through must not re-serialize.
            return ('{"id":  "chatcmpl-standin", "object": "chat.completion.chunk", "created": 1700000000, '
                    f'"model": {json.dumps(model)}, "choices": [{{"index": 0, "delta": {json.dumps(delta)}, '
                    f'"finish_reason": {json.dumps(finish)}}}]}}')

        if text.startswith("hang:"):
            key = text.split(":", 1)[1]
            try:
                event(chunk_json({"role": "assistant", "content": ""}))
                for _ in range(400):  # at most 20 s
                    time.sleep(0.05)
                    event(chunk_json({"content": "."}))
            except OSError:
                with LOCK:
                    LOG.append({"event": "disconnected", "key": key})
            self.close_connection = True
            return
        event(chunk_json({"role": "assistant", "content": ""}))
        # A comment block, as some providers send while processing: forwarded like any bytes.
        sent.extend(b": PROCESSING\n\n")
        self.chunk(b": PROCESSING\n\n")
        if text == "midstream-fail":
            event(chunk_json({"content": "partial"}))
            LAST_STREAM["bytes"] = bytes(sent)
            # Half an event, then the connection drops without the terminating chunk.
            self.chunk(b'data: {"id": "chatcmpl-standin", "obj')
            self.close_connection = True
            self.connection.shutdown(2)
            return
        for word in reply.split(" "):
            event(chunk_json({"content": word + " "}))
            time.sleep(0.002)
        event(chunk_json({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            event('{"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": 1700000000, '
                  f'"model": {json.dumps(model)}, "choices": [], "usage": {json.dumps(usage)}}}')
        data = b"data: [DONE]\n\n"
        sent.extend(data)
        self.chunk(data)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        LAST_STREAM["bytes"] = bytes(sent)


def main():
    global NAME
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="standin")
    args = ap.parse_args()
    NAME = args.name
    serve(Handler)


if __name__ == "__main__":
    sys.exit(main())
