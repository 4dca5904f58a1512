#!/usr/bin/env python3
"""Integration tests for `kaos agent` with Redis memory (MEMORY_TYPE=redis) against a real
redis-server on loopback: two replicas share sessions, history survives an agent restart, the
agent keeps answering (degraded, counted in /metrics) while Redis is down, and memory works
again once Redis is back, without restarting the agent.

Usage: agent_memory_test.py KAOS_BINARY
"""
import shutil
import unittest

import agent_support as s
from agent_support import answer, chat, wait_for

# scripts/install-deps.sh installs redis-server: its absence is a broken setup, not a reason to
# skip (a skipped test would pass silently).
REDIS = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin:/usr/bin")
if not REDIS:
    raise SystemExit("agent_memory_test: redis-server not found; run scripts/install-deps.sh")


def start_redis(port):
    return s.Proc([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                  pattern=r"Ready to accept connections()", timeout=20, port_hint=port)


class RedisMemoryTest(s.ProcTestCase):
    def conversation(self, key):
        """The non-system messages of the last model request for `key`."""
        msgs = self.model.requests(key)[-1]["body"]["messages"]
        return [(m["role"], m["content"]) for m in msgs if m["role"] != "system"]

    def ask(self, agent, text, session):
        self.model.script(text, [])  # default echo; the key finds the request in the log
        self.assertEqual(answer(chat(agent.port, text, headers={"X-Session-ID": session})), "echo: " + text)
        return self.conversation(text)

    def test_shared_sessions_restart_and_outage(self):
        self.model = self.spawn(s.ScriptedModel())
        rport = s.free_port()
        redis = self.spawn(start_redis(rport))
        env = {**s.model_env(self.model), "MEMORY_TYPE": "redis", "MEMORY_REDIS_URL": f"redis://127.0.0.1:{rport}"}
        r1 = self.spawn(s.start_agent("shared", env))
        r2 = self.spawn(s.start_agent("shared", env))

        # Two replicas, one session.
        self.ask(r1, "R-one", "rs-1")
        self.assertEqual(self.ask(r2, "R-two", "rs-1"),
                         [("user", "R-one"), ("assistant", "echo: R-one"), ("user", "R-two")])
        self.assertIn("rs-1", s.get_json(r2.port, "/memory/sessions")["sessions"])

        # A restarted replica still has the history.
        r1.kill()
        r1 = self.spawn(s.start_agent("shared", env))
        self.assertEqual(self.ask(r1, "R-three", "rs-1")[:4],
                         [("user", "R-one"), ("assistant", "echo: R-one"), ("user", "R-two"),
                          ("assistant", "echo: R-two")])

        # Redis down: answers go on without memory, and the failures are counted.
        redis.kill()
        errors_before = s.metric_value(r1.port, "kaos_agent_memory_errors_total")
        self.assertEqual(self.ask(r1, "R-down", "rs-1"), [("user", "R-down")])
        self.assertGreaterEqual(s.metric_value(r1.port, "kaos_agent_memory_errors_total"), errors_before + 2)
        self.assertEqual(s.http(r1.port, "GET", "/memory/events?session_id=rs-1")[0], 503)
        self.assertEqual(s.http(r1.port, "GET", "/health")[0], 200)

        # Redis back on the same port (empty: no persistence): memory works again.
        self.spawn(start_redis(rport))
        wait_for(lambda: s.http(r1.port, "GET", "/memory/sessions")[0] == 200, 20, "the agent to reach Redis again")
        self.ask(r1, "R-back-1", "rs-2")
        self.assertEqual(self.ask(r1, "R-back-2", "rs-2"),
                         [("user", "R-back-1"), ("assistant", "echo: R-back-1"), ("user", "R-back-2")])
        # The other replica sees it too.
        self.assertEqual([e["event_type"] for e in s.memory_events(r2.port, "rs-2")],
                         ["user_message", "agent_response", "user_message", "agent_response"])


if __name__ == "__main__":
    s.main()
