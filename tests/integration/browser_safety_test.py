#!/usr/bin/env python3
"""Browser safety and keys on every server, over raw HTTP (issue 12, items 1 and 8).

Real binaries on their DEFAULT listening address (0.0.0.0), reached over loopback: `kaos agent`
(its model: the OpenAI stand-in, which logs every request it gets), `kaos modelapi` (in front of
the same stand-in) and `kaos mcp --runtime everything`. Each refusal is checked to have run
nothing: the agent's memory is unchanged and the stand-in (the model) saw no request.

Usage: browser_safety_test.py KAOS_BINARY   (or KAOS_BIN in the environment)
"""
import http.client
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agent_support as s  # noqa: E402

UPSTREAM_KEY = "sk-upstream-secret-0123456789"
AGENT_KEY = "agent-key-4f1c9b"
MCP_KEY = "mcp-key-77aa01"
UI_ORIGIN = "http://ui.example:5173"


def raw(port, method, path, headers=None, body=None, host=None, address="127.0.0.1", timeout=30):
    """One request with exactly these headers (Host included: `host`, default 127.0.0.1:port).
    Returns (status, headers with lower-case names, body bytes)."""
    conn = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        data = body.encode() if isinstance(body, str) else body
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        r = conn.getresponse()
        payload = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, payload
    finally:
        conn.close()


def chat_body(text="hello"):
    return json.dumps({"model": "agent", "messages": [{"role": "user", "content": text}]})


def standin_log(port):
    _, _, body = raw(port, "GET", "/_standin/log")
    return [e for e in json.loads(body) if "path" in e]


def non_loopback_address():
    """An address of this machine that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        try:
            u.connect(("10.255.255.255", 9))  # no packet is sent: this only picks a route
            ip = u.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


def start_standin():
    return s.Proc([sys.executable, os.path.join(s.STANDINS, "openai_standin.py"), "--name", "M"],
                  pattern=r"PORT (\d+)")


def start_agent(model_port, env=None, args=()):
    e = {"AGENT_NAME": "guarded", "MODEL_API_URL": f"http://127.0.0.1:{model_port}", "MODEL_NAME": "gpt-x",
         "MEMORY_ENABLED": "true"}
    e.update(env or {})
    return s.Proc([s.KAOS, "agent", "--port", "0", *args], env=e)


class AgentBrowserSafety(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = cls.cls_spawn(start_standin())
        cls.agent = cls.cls_spawn(start_agent(cls.model.port, args=["--allowed-origins", UI_ORIGIN,
                                                                     "--allowed-hosts", "agent.internal"]))
        cls.port = cls.agent.port

    def memory_count(self):
        status, _, body = raw(self.port, "GET", "/memory/events?limit=1000")
        self.assertEqual(status, 200, body)
        return len(json.loads(body)["events"])

    def assert_nothing_ran(self, before_memory, before_model):
        self.assertEqual(self.memory_count(), before_memory, "the agent's memory changed")
        self.assertEqual(len(standin_log(self.model.port)), before_model, "the model was called")

    def snapshot(self):
        return self.memory_count(), len(standin_log(self.model.port))

    def test_refused_requests_run_nothing(self):
        before = self.snapshot()
        cases = [
            ("foreign Host", "/v1/chat/completions", {"Content-Type": "application/json"}, "evil.example", 403),
            ("foreign Host with port", "/v1/chat/completions", {"Content-Type": "application/json"},
             f"evil.example:{self.port}", 403),
            ("127.* name", "/v1/chat/completions", {"Content-Type": "application/json"}, "127.evil.example", 403),
            ("foreign Origin", "/v1/chat/completions",
             {"Content-Type": "application/json", "Origin": "http://evil.example"}, None, 403),
            ("another loopback origin", "/v1/chat/completions",
             {"Content-Type": "application/json", "Origin": "http://127.0.0.2:8080"}, None, 403),
            ("text/plain", "/v1/chat/completions", {"Content-Type": "text/plain"}, None, 415),
            ("form", "/v1/chat/completions", {"Content-Type": "application/x-www-form-urlencoded"}, None, 415),
            ("multipart", "/v1/chat/completions", {"Content-Type": "multipart/form-data; boundary=x"}, None, 415),
            ("no Content-Type", "/v1/chat/completions", {}, None, 415),
        ]
        for what, path, headers, host, want in cases:
            with self.subTest(what):
                status, hdrs, body = raw(self.port, "POST", path, headers, chat_body(), host=host)
                self.assertEqual(status, want, body)
                self.assertIn("detail", json.loads(body))
                self.assertNotIn("access-control-allow-origin", hdrs)
        self.assert_nothing_ran(*before)

    def test_jsonrpc_routes_refuse_in_jsonrpc_shape(self):
        before = self.snapshot()
        send = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "SendMessage",
                           "params": {"message": {"role": "user", "parts": [{"text": "hi"}], "messageId": "m1"}}})
        call = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                           "params": {"name": "guarded", "arguments": {"message": "hi"}}})
        for path, body in (("/", send), ("/mcp", call)):
            for headers, want in (({"Content-Type": "text/plain"}, 415),
                                  ({"Content-Type": "application/json", "Origin": "http://evil.example"}, 403)):
                with self.subTest(path=path, headers=headers):
                    status, _, answer = raw(self.port, "POST", path, headers, body)
                    self.assertEqual(status, want, answer)
                    err = json.loads(answer)
                    self.assertEqual(err["jsonrpc"], "2.0")
                    self.assertIn("message", err["error"])
        self.assert_nothing_ran(*before)

    def test_memory_reads_refused_to_foreign_origins(self):
        status, hdrs, _ = raw(self.port, "GET", "/memory/events", {"Origin": "http://evil.example"})
        self.assertEqual(status, 403)
        self.assertNotIn("access-control-allow-origin", hdrs)

    def test_probes_stay_open(self):
        for path in ("/health", "/ready"):
            status, _, _ = raw(self.port, "GET", path, {"Origin": "http://evil.example"})
            self.assertEqual(status, 200, path)

    def test_well_behaved_clients_are_served(self):
        memory, model = self.snapshot()
        status, _, body = raw(self.port, "POST", "/v1/chat/completions",
                              {"Content-Type": "application/json; charset=utf-8"}, chat_body("good"))
        self.assertEqual(status, 200, body)
        # Own origin (another loopback name on this server's port), localhost, an allowed host.
        for host, origin in ((f"localhost:{self.port}", f"http://localhost:{self.port}"),
                             (f"127.0.0.1:{self.port}", f"http://localhost:{self.port}"),
                             ("agent.internal", None), (f"[::1]:{self.port}", None)):
            headers = {"Content-Type": "application/json"}
            if origin:
                headers["Origin"] = origin
            with self.subTest(host=host, origin=origin):
                status, _, body = raw(self.port, "POST", "/v1/chat/completions", headers, chat_body("ok"), host=host)
                self.assertEqual(status, 200, body)
        self.assertEqual(len(standin_log(self.model.port)), model + 5)
        self.assertGreater(self.memory_count(), memory)

    def test_cors_names_allowed_origins_only(self):
        pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        status, hdrs, _ = raw(self.port, "OPTIONS", "/v1/chat/completions", {**pre, "Origin": "http://evil.example"})
        self.assertEqual(status, 403)
        self.assertNotIn("access-control-allow-origin", hdrs)
        status, hdrs, _ = raw(self.port, "OPTIONS", "/v1/chat/completions", {**pre, "Origin": UI_ORIGIN})
        self.assertEqual(status, 204)
        self.assertEqual(hdrs.get("access-control-allow-origin"), UI_ORIGIN)
        self.assertEqual(hdrs.get("vary"), "Origin")
        status, hdrs, body = raw(self.port, "POST", "/v1/chat/completions",
                                 {"Content-Type": "application/json", "Origin": UI_ORIGIN}, chat_body("ui"))
        self.assertEqual(status, 200, body)
        self.assertEqual(hdrs.get("access-control-allow-origin"), UI_ORIGIN)
        status, hdrs, _ = raw(self.port, "GET", "/health")
        self.assertNotIn("access-control-allow-origin", hdrs)

    def test_other_interfaces_keep_service_names(self):
        ip = non_loopback_address()
        if ip is None:
            self.skipTest("this machine has no non-loopback IPv4 address")
        status, _, body = raw(self.port, "GET", "/tools", host="guarded.default.svc:8000", address=ip)
        self.assertEqual(status, 200, body)
        status, _, _ = raw(self.port, "GET", "/tools", host="guarded.default.svc:8000")
        self.assertEqual(status, 403)


class GatewayBrowserSafetyAndKeys(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = cls.cls_spawn(start_standin())
        import tempfile
        cls.dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.dir.cleanup)
        path = os.path.join(cls.dir.name, "config.yaml")
        base = f"http://127.0.0.1:{cls.upstream.port}/v1"
        with open(path, "w") as f:
            f.write(f"""model_list:
  - model_name: keyed
    litellm_params: {{model: openai/keyed, api_base: "{base}", api_key: os.environ/UP_KEY}}
  - model_name: keyless
    litellm_params: {{model: openai/keyless, api_base: "{base}"}}
""")
        cls.gw = cls.cls_spawn(s.Proc([s.KAOS, "modelapi", "--config", path, "--port", "0"],
                                      env={"UP_KEY": UPSTREAM_KEY}))
        cls.port = cls.gw.port

    def chat(self, model, text, headers=None, host=None):
        body = json.dumps({"model": model, "messages": [{"role": "user", "content": text}]})
        return raw(self.port, "POST", "/v1/chat/completions", {"Content-Type": "application/json", **(headers or {})},
                   body, host=host)

    def test_refused_requests_make_no_model_call(self):
        before = len(standin_log(self.upstream.port))
        for what, headers, host, want in (
                ("foreign Host", {}, "evil.example", 403),
                ("foreign Origin", {"Origin": "http://evil.example"}, None, 403),
                ("text/plain", {"Content-Type": "text/plain"}, None, 415),
                ("form", {"Content-Type": "application/x-www-form-urlencoded"}, None, 415)):
            with self.subTest(what):
                status, _, body = self.chat("keyed", "hi", headers, host)
                self.assertEqual(status, want, body)
                self.assertIn("message", json.loads(body)["error"])  # OpenAI's shape
        self.assertEqual(len(standin_log(self.upstream.port)), before)
        status, _, body = self.chat("keyed", "fine")
        self.assertEqual(status, 200, body)
        self.assertEqual(len(standin_log(self.upstream.port)), before + 1)

    def test_callers_authorization_never_reaches_the_provider(self):
        for model, want in (("keyed", "Bearer " + UPSTREAM_KEY), ("keyless", None)):
            with self.subTest(model):
                status, _, body = self.chat(model, "who am i", {"Authorization": "Bearer caller-secret-xyz"})
                self.assertEqual(status, 200, body)
                seen = standin_log(self.upstream.port)[-1]
                self.assertEqual(seen["headers"].get("authorization"), want)
                self.assertNotIn("caller-secret-xyz", json.dumps(seen))

    def test_upstream_error_body_is_scrubbed_of_the_deployment_key(self):
        status, _, body = self.chat("keyed", "echo-key")
        self.assertEqual(status, 401, body)
        self.assertNotIn(UPSTREAM_KEY, body.decode())
        self.assertIn("[redacted]", body.decode())
        # The stand-in did see (and echo) the key: the test can fail.
        self.assertEqual(standin_log(self.upstream.port)[-1]["headers"]["authorization"], "Bearer " + UPSTREAM_KEY)


class McpBrowserSafetyAndKeys(s.ProcTestCase):
    INIT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                  "clientInfo": {"name": "t", "version": "1"}}})
    HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}

    def start(self, env=None):
        return self.spawn(s.Proc([s.KAOS, "mcp", "--runtime", "everything", "--port", "0"], env=env))

    def sessions_created(self, port):
        return s.metric_value(port, "mcp_sessions_created")

    def test_default_host_refuses_rebinding_origin_and_plain_text(self):
        port = self.start().port
        for what, headers, host, want in (
                ("rebinding Host", {"Origin": "http://evil.example"}, "evil.example", 403),
                ("foreign Origin", {"Origin": "http://evil.example"}, None, 403),
                ("text/plain", {"Content-Type": "text/plain"}, None, 415)):
            with self.subTest(what):
                status, _, body = raw(port, "POST", "/mcp", {**self.HEADERS, **headers}, self.INIT, host=host)
                self.assertEqual(status, want, body)
                self.assertEqual(json.loads(body)["jsonrpc"], "2.0")
        self.assertEqual(self.sessions_created(port), 0)
        status, hdrs, body = raw(port, "POST", "/mcp", {**self.HEADERS, "Origin": f"http://localhost:{port}"},
                                 self.INIT, host=f"localhost:{port}")
        self.assertEqual(status, 200, body)
        self.assertIn("mcp-session-id", hdrs)

    def test_key_required_except_on_probes(self):
        port = self.start(env={"MCP_API_KEY": MCP_KEY}).port
        for auth in (None, "Bearer wrong", "Basic " + MCP_KEY):
            headers = dict(self.HEADERS)
            if auth:
                headers["Authorization"] = auth
            status, hdrs, body = raw(port, "POST", "/mcp", headers, self.INIT)
            self.assertEqual(status, 401, (auth, body))
            self.assertEqual(json.loads(body)["jsonrpc"], "2.0")
            self.assertEqual(hdrs.get("www-authenticate"), "Bearer")
        self.assertEqual(raw(port, "GET", "/health")[0], 200)
        self.assertEqual(raw(port, "GET", "/ready")[0], 200)
        status, _, body = raw(port, "POST", "/mcp", {**self.HEADERS, "Authorization": "Bearer " + MCP_KEY}, self.INIT)
        self.assertEqual(status, 200, body)
        # The CLI sends the key from $KAOS_API_KEY.
        listed = subprocess.run([s.KAOS, "mcp-call", f"http://127.0.0.1:{port}/mcp", "--list"],
                                env={**os.environ, "KAOS_API_KEY": MCP_KEY}, capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("echo", listed.stdout)
        refused = subprocess.run([s.KAOS, "mcp-call", f"http://127.0.0.1:{port}/mcp", "--list"],
                                 env={k: v for k, v in os.environ.items() if k != "KAOS_API_KEY"},
                                 capture_output=True, text=True, timeout=60)
        self.assertNotEqual(refused.returncode, 0)


class AgentKeys(s.ProcTestCase):
    def test_key_required_and_never_forwarded(self):
        model = self.spawn(start_standin())
        agent = self.spawn(start_agent(model.port, env={"AGENT_API_KEY": AGENT_KEY}))
        before = len(standin_log(model.port))
        for auth in (None, "Bearer nope", "Bearer " + AGENT_KEY + "x"):
            headers = {"Content-Type": "application/json"}
            if auth:
                headers["Authorization"] = auth
            status, hdrs, body = raw(agent.port, "POST", "/v1/chat/completions", headers, chat_body())
            self.assertEqual(status, 401, body)
            self.assertIn("AGENT_API_KEY", json.loads(body)["detail"])
            self.assertEqual(hdrs.get("www-authenticate"), "Bearer")
        status, _, body = raw(agent.port, "GET", "/memory/events")
        self.assertEqual(status, 401, body)
        self.assertEqual(len(standin_log(model.port)), before)
        self.assertEqual(raw(agent.port, "GET", "/health")[0], 200)
        status, _, body = raw(agent.port, "POST", "/v1/chat/completions",
                              {"Content-Type": "application/json", "Authorization": "Bearer " + AGENT_KEY},
                              chat_body("keyed"))
        self.assertEqual(status, 200, body)
        seen = standin_log(model.port)[-1]
        self.assertNotIn(AGENT_KEY, json.dumps(seen), "the agent's key travelled to its model")
        # The CLI sends it with --api-key (and fails without).
        url = f"http://127.0.0.1:{agent.port}"
        ok = subprocess.run([s.KAOS, "tools", "guarded", "--url", url, "--api-key", AGENT_KEY], capture_output=True, text=True,
                            timeout=60)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        bad = subprocess.run([s.KAOS, "tools", "guarded", "--url", url], capture_output=True, text=True, timeout=60,
                             env={k: v for k, v in os.environ.items() if k != "KAOS_API_KEY"})
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("401", bad.stderr)

    def test_without_a_key_the_callers_token_is_propagated_as_in_kaos(self):
        model = self.spawn(start_standin())
        agent = self.spawn(start_agent(model.port))
        status, _, body = raw(agent.port, "POST", "/v1/chat/completions",
                              {"Content-Type": "application/json", "Authorization": "Bearer user-jwt"},
                              chat_body("jwt"))
        self.assertEqual(status, 200, body)
        self.assertEqual(standin_log(model.port)[-1]["headers"].get("authorization"), "Bearer user-jwt")


if __name__ == "__main__":
    s.main()
