#!/usr/bin/env python3
"""Integration tests for `kaos modelapi`: the real binary on a free port, against separately
written upstream stand-ins (standins/*.py) over real sockets.

Usage: modelapi_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
KAOS = os.environ.get("KAOS_BIN", "")
MASTER_KEY = "sk-gateway-test"


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def start_standin(script, *args):
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "standins", script), *args],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.match(r"PORT (\d+)", line)
    if not m:
        p.kill()
        raise RuntimeError(f"{script} did not start: {line!r}")
    return p, int(m.group(1))


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None, headers=None, auth=True, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {"Content-Type": "application/json"}
    if auth:
        h["Authorization"] = "Bearer " + MASTER_KEY
    h.update(headers or {})
    data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
    conn.request(method, path, body=data, headers=h)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Type", ""), raw


def chat(port, model, text, **extra):
    body = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
    return request(port, "POST", "/v1/chat/completions", body)


def sse_data_lines(raw):
    return [line[len("data: "):] for line in raw.decode().split("\n") if line.startswith("data: ")]


def standin_log(port):
    return json.loads(request(port, "GET", "/_standin/log", auth=False)[2])


def metric(port, name, **labels):
    text = request(port, "GET", "/metrics", auth=False)[2].decode()
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(name + "{" + want + "}") or (not labels and line.startswith(name + " ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


class GatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.procs = []
        a, cls.a_port = start_standin("openai_standin.py", "--name", "A")
        b, cls.b_port = start_standin("openai_standin.py", "--name", "B")
        c, cls.claude_port = start_standin("anthropic_standin.py")
        cls.procs += [a, b, c]
        dead = cls.dead = closed_port()
        cls.dir = tempfile.TemporaryDirectory()
        config = f"""
model_list:
  - model_name: gpt-test
    litellm_params: {{model: openai/gpt-upstream, api_base: "http://127.0.0.1:{cls.a_port}/v1", api_key: os.environ/TEST_UPSTREAM_KEY}}
  - model_name: "openai/*"
    litellm_params: {{model: "openai/*", api_base: "http://127.0.0.1:{cls.a_port}/v1", api_key: sk-a}}
  - model_name: lb
    litellm_params: {{model: openai/lb-a, api_base: "http://127.0.0.1:{cls.a_port}/v1"}}
  - model_name: lb
    litellm_params: {{model: openai/lb-b, api_base: "http://127.0.0.1:{cls.b_port}/v1"}}
  - model_name: lb-cool
    litellm_params: {{model: openai/dead, api_base: "http://127.0.0.1:{dead}/v1"}}
  - model_name: lb-cool
    litellm_params: {{model: openai/alive, api_base: "http://127.0.0.1:{cls.b_port}/v1"}}
  - model_name: slow
    litellm_params: {{model: openai/slow, api_base: "http://127.0.0.1:{cls.a_port}/v1", timeout: 1}}
  - model_name: dead
    litellm_params: {{model: openai/dead, api_base: "http://127.0.0.1:{dead}/v1"}}
  - model_name: "gone/*"
    litellm_params: {{model: "openai/*", api_base: "http://127.0.0.1:{dead}/v1?tenant=t1"}}
  - model_name: claude
    litellm_params: {{model: anthropic/claude-3-5-sonnet, api_base: "http://127.0.0.1:{cls.claude_port}", api_key: ak-test}}
  - model_name: claude-overloaded
    litellm_params: {{model: anthropic/overloaded, api_base: "http://127.0.0.1:{cls.claude_port}", api_key: ak-test}}
  - model_name: "mock/*"
    litellm_params: {{model: "mock/*"}}
litellm_settings: {{drop_params: true, num_retries: 3}}
router_settings: {{allowed_fails: 1, cooldown_time: 60}}
general_settings: {{master_key: os.environ/TEST_MASTER_KEY}}
"""
        path = os.path.join(cls.dir.name, "config.yaml")
        with open(path, "w") as f:
            f.write(config)
        env = dict(os.environ, TEST_MASTER_KEY=MASTER_KEY, TEST_UPSTREAM_KEY="sk-upstream", LOG_LEVEL="WARNING")
        cls.gw = subprocess.Popen([KAOS, "modelapi", "--config", path, "--port", "0", "--host", "127.0.0.1",
                                   "--threads", "2", "--body-limit", "65536"],
                                  stdout=subprocess.PIPE, env=env, text=True)
        cls.procs.append(cls.gw)
        line = cls.gw.stdout.readline()
        m = re.search(r":(\d+)$", line.strip())
        if not m:
            cls.tearDownClass()
            raise RuntimeError(f"gateway did not start: {line!r}")
        cls.port = int(m.group(1))
        wait_for(lambda: request(cls.port, "GET", "/health/readiness", auth=False)[0] == 200, what="readiness")

    @classmethod
    def tearDownClass(cls):
        for p in cls.procs:
            p.terminate()
        for p in cls.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        cls.dir.cleanup()

    # --- OpenAI-compatible pass-through -------------------------------------------------
    def test_non_streaming_passthrough_rewrites_model_and_auth(self):
        status, ctype, raw = chat(self.port, "gpt-test", "hello there")
        self.assertEqual(status, 200, raw)
        self.assertIn("application/json", ctype)
        body = json.loads(raw)
        self.assertEqual(body["choices"][0]["message"]["content"], "A: hello there")
        entry = [e for e in standin_log(self.a_port) if e.get("body", {}).get("messages", [{}])[-1].get("content") == "hello there"][-1]
        self.assertEqual(entry["path"], "/v1/chat/completions")
        self.assertEqual(entry["body"]["model"], "gpt-upstream")
        self.assertEqual(entry["headers"]["authorization"], "Bearer sk-upstream")

    def test_non_finite_numbers_are_never_forwarded(self):
        # 1e400 parses to infinity; the gateway must not write it upstream as Infinity (not
        # JSON: the stand-in, like the real API, refuses it).
        raw_body = ('{"model": "gpt-test", "temperature": 1e400, '
                    '"messages": [{"role": "user", "content": "finite please"}]}')
        status, _, raw = request(self.port, "POST", "/v1/chat/completions", raw_body)
        self.assertEqual(status, 200, raw)
        self.assertNotIn(b"Infinity", raw)
        entry = [e for e in standin_log(self.a_port) if e.get("body", {}).get("messages", [{}])[-1].get("content") == "finite please"][-1]
        self.assertIsNone(entry["body"]["temperature"])

    def test_wildcard_strips_provider_prefix(self):
        status, _, raw = chat(self.port, "openai/gpt-4o", "wild")
        self.assertEqual(status, 200, raw)
        entry = [e for e in standin_log(self.a_port) if e.get("body", {}).get("messages", [{}])[-1].get("content") == "wild"][-1]
        self.assertEqual(entry["body"]["model"], "gpt-4o")

    def test_streaming_is_forwarded_verbatim(self):
        status, ctype, raw = chat(self.port, "gpt-test", "stream me please", stream=True,
                                  stream_options={"include_usage": True})
        self.assertEqual(status, 200, raw)
        self.assertIn("text/event-stream", ctype)
        upstream = request(self.a_port, "GET", "/_standin/last_stream", auth=False)[2]
        self.assertEqual(raw, upstream)
        self.assertTrue(raw.endswith(b"data: [DONE]\n\n"))

    def test_midstream_failure_becomes_error_event_then_done(self):
        status, _, raw = chat(self.port, "gpt-test", "midstream-fail", stream=True)
        self.assertEqual(status, 200)
        upstream = request(self.a_port, "GET", "/_standin/last_stream", auth=False)[2]
        self.assertTrue(raw.startswith(upstream), raw)
        data = sse_data_lines(raw[len(upstream):])
        self.assertEqual(len(data), 2, raw)
        self.assertIn("error", json.loads(data[0]))
        self.assertEqual(data[1], "[DONE]")

    def test_retries_on_503_and_429_then_success(self):
        status, _, raw = chat(self.port, "gpt-test", "retry:k503:2")
        self.assertEqual(status, 200, raw)
        hits = [e for e in standin_log(self.a_port) if e.get("body", {}).get("messages", [{}])[-1].get("content") == "retry:k503:2"]
        self.assertEqual(len(hits), 3)
        status, _, raw = chat(self.port, "gpt-test", "retry429:k429:1", stream=True)
        self.assertEqual(status, 200, raw)
        self.assertTrue(raw.endswith(b"data: [DONE]\n\n"))

    def test_upstream_error_status_passes_through(self):
        status, _, raw = chat(self.port, "gpt-test", "error400")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["error"]["message"], "upstream says no")

    def test_timeout_is_504(self):
        start = time.monotonic()
        status, _, raw = chat(self.port, "slow", "slow:3")
        self.assertEqual(status, 504, raw)
        self.assertLess(time.monotonic() - start, 2.8)
        self.assertEqual(json.loads(raw)["error"]["code"], "upstream_timeout")

    def test_unreachable_is_502(self):
        status, _, raw = chat(self.port, "dead", "anyone?")
        self.assertEqual(status, 502, raw)
        message = json.loads(raw)["error"]["message"]
        self.assertIn(f"upstream openai at http://127.0.0.1:{self.dead}/v1 (model dead) is unreachable", message)

    def test_unreachable_names_the_provider_and_base_not_the_pattern(self):
        # A wildcard route used to report "upstream openai/* is unreachable": the pattern, not
        # who was called. The query of the base URL (where a key may sit) is not repeated.
        status, _, raw = chat(self.port, "gone/some-model", "anyone?")
        self.assertEqual(status, 502, raw)
        message = json.loads(raw)["error"]["message"]
        self.assertIn(f"upstream openai at http://127.0.0.1:{self.dead}/v1 (model some-model) is unreachable", message)
        self.assertNotIn("openai/*", message)
        self.assertNotIn("tenant", message)

    def test_client_disconnect_cancels_upstream(self):
        body = json.dumps({"model": "gpt-test", "stream": True,
                           "messages": [{"role": "user", "content": "hang:cancel-1"}]}).encode()
        s = socket.create_connection(("127.0.0.1", self.port))
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer " + MASTER_KEY.encode() + b"\r\nContent-Length: " +
                  str(len(body)).encode() + b"\r\n\r\n" + body)
        got = b""
        while b"data:" not in got:
            got += s.recv(4096)
        s.close()
        wait_for(lambda: any(e.get("event") == "disconnected" and e.get("key") == "cancel-1"
                             for e in standin_log(self.a_port)), timeout=10, what="upstream to see the disconnect")

    # --- request validation and auth ---------------------------------------------------
    def test_unknown_model_404_names_patterns(self):
        status, _, raw = chat(self.port, "nope", "hi")
        self.assertEqual(status, 404)
        err = json.loads(raw)["error"]
        self.assertEqual(err["code"], "model_not_found")
        self.assertIn('"openai/*"', err["message"])

    def test_bad_json_and_missing_fields_400(self):
        status, _, raw = request(self.port, "POST", "/v1/chat/completions", b'{"model": "gpt-test", ')
        self.assertEqual(status, 400)
        self.assertIn("not valid JSON", json.loads(raw)["error"]["message"])
        status, _, raw = request(self.port, "POST", "/v1/chat/completions", {"model": "gpt-test"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["error"]["param"], "messages")
        status, _, raw = request(self.port, "POST", "/v1/chat/completions", {"messages": [], "model": 3})
        self.assertEqual(json.loads(raw)["error"]["param"], "model")

    def test_body_too_large_413(self):
        big = {"model": "gpt-test", "messages": [{"role": "user", "content": "x" * 100000}]}
        status, _, raw = request(self.port, "POST", "/v1/chat/completions", big)
        self.assertEqual(status, 413)
        self.assertIn("error", json.loads(raw))

    def test_master_key(self):
        status, _, raw = request(self.port, "GET", "/v1/models", auth=False)
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(raw)["error"]["type"], "authentication_error")
        status, _, _ = request(self.port, "GET", "/v1/models", auth=False, headers={"x-api-key": MASTER_KEY})
        self.assertEqual(status, 200)
        status, _, _ = request(self.port, "GET", "/v1/models", auth=False, headers={"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        self.assertEqual(request(self.port, "GET", "/health/liveliness", auth=False)[0], 200)

    def test_models_list(self):
        status, _, raw = request(self.port, "GET", "/v1/models")
        ids = [m["id"] for m in json.loads(raw)["data"]]
        self.assertEqual(ids[:3], ["gpt-test", "openai/*", "lb"])
        self.assertIn("mock/*", ids)

    # --- routing -----------------------------------------------------------------------
    def test_load_balancing_across_two_deployments(self):
        answers = set()
        for i in range(6):
            status, _, raw = chat(self.port, "lb", f"lb-{i}")
            self.assertEqual(status, 200, raw)
            answers.add(json.loads(raw)["choices"][0]["message"]["content"].split(":")[0])
        self.assertEqual(answers, {"A", "B"})

    def test_failing_deployment_cools_down(self):
        for i in range(6):
            status, _, raw = chat(self.port, "lb-cool", f"cool-{i}")
            self.assertEqual(status, 200, raw)
            self.assertTrue(json.loads(raw)["choices"][0]["message"]["content"].startswith("B:"))
        self.assertEqual(metric(self.port, "kaos_modelapi_deployment_cooldowns_total", deployment="lb-cool#4"), 1)
        self.assertEqual(metric(self.port, "kaos_modelapi_deployment_failures_total", deployment="lb-cool#4"), 1)

    # --- Anthropic ---------------------------------------------------------------------
    TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                               "parameters": {"type": "object",
                                                              "properties": {"city": {"type": "string"}}}}}]

    def test_anthropic_non_streaming_with_tools_round_trip(self):
        status, _, raw = chat(self.port, "claude", "use get_weather please", tools=self.TOOLS,
                              messages=[{"role": "system", "content": "Be brief."},
                                        {"role": "user", "content": "use get_weather please"}])
        self.assertEqual(status, 200, raw)
        body = json.loads(raw)
        choice = body["choices"][0]
        self.assertEqual(choice["finish_reason"], "tool_calls")
        call = choice["message"]["tool_calls"][0]
        self.assertEqual(call["function"]["name"], "get_weather")
        self.assertEqual(json.loads(call["function"]["arguments"]), {"city": "Paris"})
        self.assertEqual(body["usage"], {"prompt_tokens": 21, "completion_tokens": 9, "total_tokens": 30})
        sent = standin_log(self.claude_port)[-1]
        self.assertEqual(sent["headers"]["x-api-key"], "ak-test")
        self.assertEqual(sent["body"]["system"], "Be brief.")
        self.assertEqual(sent["body"]["model"], "claude-3-5-sonnet")
        self.assertEqual(sent["body"]["max_tokens"], 4096)
        # Second turn with the tool result.
        messages = [{"role": "user", "content": "use get_weather please"}, choice["message"],
                    {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]
        status, _, raw = chat(self.port, "claude", "", tools=self.TOOLS, messages=messages)
        self.assertEqual(status, 200, raw)
        self.assertEqual(json.loads(raw)["choices"][0]["message"]["content"], "Result was: sunny")

    def test_anthropic_streaming(self):
        status, _, raw = chat(self.port, "claude", "use get_weather now", tools=self.TOOLS, stream=True,
                              stream_options={"include_usage": True})
        self.assertEqual(status, 200, raw)
        data = sse_data_lines(raw)
        self.assertEqual(data[-1], "[DONE]")
        chunks = [json.loads(d) for d in data[:-1]]
        self.assertEqual(chunks[0]["choices"][0]["delta"]["role"], "assistant")
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        self.assertEqual(text, "Checking.")
        args = "".join(tc["function"].get("arguments", "") for c in chunks if c["choices"]
                       for tc in c["choices"][0]["delta"].get("tool_calls", []))
        self.assertEqual(json.loads(args), {"city": "Paris"})
        finishes = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
        self.assertEqual(finishes, ["tool_calls"])
        self.assertEqual(chunks[-1]["usage"]["completion_tokens"], 9)

    def test_anthropic_error_is_translated(self):
        status, _, raw = chat(self.port, "claude-overloaded", "hi")
        self.assertEqual(status, 529)
        self.assertEqual(json.loads(raw)["error"]["type"], "overloaded_error")

    # --- mock, embeddings, metrics -----------------------------------------------------
    def test_mock_and_embeddings(self):
        status, _, raw = chat(self.port, "mock/anything", "ping")
        self.assertEqual(json.loads(raw)["choices"][0]["message"]["content"], "Mock response to: ping")
        status, _, raw = request(self.port, "POST", "/v1/embeddings", {"model": "mock/emb", "input": ["a", "b"]})
        self.assertEqual(status, 200, raw)
        self.assertEqual(len(json.loads(raw)["data"]), 2)
        status, _, raw = request(self.port, "POST", "/v1/embeddings", {"model": "gpt-test", "input": "x"})
        self.assertEqual(status, 200, raw)
        self.assertEqual(json.loads(raw)["data"][0]["embedding"], [0.5, -0.5])

    def test_metrics_count_requests_and_tokens(self):
        before_req = metric(self.port, "kaos_modelapi_requests_total", model="openai/metrics-model", status="200")
        chat(self.port, "openai/metrics-model", "count me")
        chat(self.port, "openai/metrics-model", "count me too", stream=True, stream_options={"include_usage": True})
        self.assertEqual(metric(self.port, "kaos_modelapi_requests_total", model="openai/metrics-model", status="200"),
                         before_req + 2)
        self.assertEqual(metric(self.port, "kaos_modelapi_input_tokens_total", model="openai/metrics-model"), 22)
        self.assertEqual(metric(self.port, "kaos_modelapi_output_tokens_total", model="openai/metrics-model"), 14)
        self.assertGreaterEqual(metric(self.port, "kaos_modelapi_request_duration_seconds_count",
                                       model="openai/metrics-model"), 2)


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        KAOS = sys.argv.pop(1)
    if not KAOS:
        sys.exit("usage: modelapi_test.py KAOS_BINARY (or set KAOS_BIN)")
    unittest.main(verbosity=2)
