#!/usr/bin/env python3
"""End to end: the quickstart as a new user runs it (examples/quickstart, README): `kaos up -d`,
`status` until Ready, `chat` (the mock model calls the `add` tool), `memory`, `invoke --async`
+ `tasks`, `tools`, `get`, `describe`, `logs`; a workload killed with SIGKILL is restarted;
`kaos down` leaves no process (supervisor, workloads, Python workers).

Usage: quickstart_test.py KAOS_BINARY
"""
import json
import os
import signal
import subprocess
import sys
import time

import e2e_support as e
from e2e_support import wait_for

ADD = 'Please add {"a": 2, "b": 3}'


class QuickstartTest(e.RuntimeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t0 = time.monotonic()
        cls.up = cls.rt.run("up", "-f", e.QUICKSTART, "-d", timeout=180)
        cls.up_seconds = time.monotonic() - t0

    def test_01_up_exits_0_and_everything_becomes_ready(self):
        self.assertEqual(self.up.returncode, 0, self.up.stdout + self.up.stderr)
        for rid in ("modelapi/default/mock-llm", "mcpserver/default/calculator", "agent/default/assistant"):
            self.assertIn(f"{rid} created", self.up.stdout)
        self.assertIn("kaos chat assistant", self.up.stdout)  # the next step it suggests
        self.assertIn("kaos down", self.up.stdout)
        rs = self.rt.wait_all_ready()
        self.assertEqual(sorted(r["kind"] for r in rs), ["Agent", "MCPServer", "ModelAPI"])
        for r in rs:
            self.assertTrue(r["endpoint"].startswith("http://127.0.0.1:"), r)
            self.assertTrue(e.alive(e.identity(r["pid"])), r)
        table = self.rt.run("status", check=0).stdout
        for word in ("mock-llm", "calculator", "assistant", "Ready"):
            self.assertIn(word, table)

    def test_02_chat_uses_the_tool_and_memory_shows_it(self):
        self.rt.wait_all_ready()
        p = self.rt.run("chat", "assistant", ADD, check=0)
        self.assertIn("5", p.stdout.strip())
        self.assertIn("add", p.stderr)  # "→ tool add" is shown as it happens
        mem = self.rt.json("memory", "assistant", "-o", "json")
        self.assertEqual(mem["agent"], "assistant")
        types = [ev["event_type"] for ev in mem["events"]]
        self.assertIn("tool_call", types)
        self.assertIn("tool_result", types)
        call = next(ev for ev in mem["events"] if ev["event_type"] == "tool_call")
        self.assertEqual(call["content"]["tool"], "add")
        self.assertEqual(call["content"]["arguments"], {"a": 2, "b": 3})
        result = next(ev for ev in mem["events"] if ev["event_type"] == "tool_result")
        self.assertEqual(float(result["content"]["result"]), 5.0)
        self.assertGreaterEqual(len(mem["sessions"]), 1)

    def test_03_invoke_async_then_tasks_until_completed(self):
        self.rt.wait_all_ready()
        p = self.rt.run("invoke", "assistant", 'Please add {"a": 20, "b": 22}', "--async", "-o", "json", check=0)
        task = json.loads(p.stdout)
        tid = task["id"]
        self.assertTrue(tid)

        def completed():
            t = self.rt.json("tasks", "assistant", tid, "-o", "json")
            state = str(t.get("status", {}).get("state", "")).lower()
            return t if state.endswith("completed") else None
        t = wait_for(completed, 60, f"task {tid} completed (kaos tasks)")
        self.assertEqual(t["id"], tid)
        # Iteration 0 worked on the goal itself: the tool call is in the task's session.
        events = self.rt.json("memory", "assistant", "--session", task["contextId"], "-o", "json")["events"]
        calls = [ev["content"] for ev in events if ev["event_type"] == "tool_call"]
        self.assertIn({"tool": "add", "arguments": {"a": 20, "b": 22}}, calls)
        self.assertIn("completed", self.rt.run("tasks", "assistant", tid, check=0).stdout)
        self.assertIn(tid, self.rt.run("tasks", "assistant", check=0).stdout)  # the list shows it
        # The text form of --async prints the id and how to follow it.
        p = self.rt.run("invoke", "assistant", "Hello again", "--async", check=0)
        self.assertIn("kaos tasks assistant task_", p.stdout)

    def test_04_tools_lists_the_mcp_tools(self):
        self.rt.wait_all_ready()
        tools = self.rt.json("tools", "assistant", "-o", "json")["tools"]
        names = {t["name"]: t for t in tools}
        for n in ("add", "multiply", "echo"):
            self.assertIn(n, names)
            self.assertEqual(names[n]["source"], "calculator")
        self.assertIn("add", self.rt.run("tools", "assistant", check=0).stdout)

    def test_05_get_describe_logs(self):
        self.rt.wait_all_ready()
        agents = self.rt.json("get", "agent", "-o", "json")
        self.assertEqual([a["name"] for a in agents], ["assistant"])
        self.assertEqual(agents[0]["phase"], "Ready")
        one = self.rt.json("get", "agent", "assistant", "-o", "json")
        self.assertEqual(one["spec"]["spec"]["modelAPI"], "mock-llm")
        self.assertIn("modelapi/default/mock-llm", one["dependencies"])
        self.assertEqual(self.rt.run("get", "agent", "nobody").returncode, 1)
        self.assertIn("calculator", self.rt.run("get", "mcp", check=0).stdout)

        d = self.rt.run("describe", "agent", "assistant", check=0).stdout
        for text in ("Phase:", "Ready", "MODEL_API_URL=http://127.0.0.1:", "MCP_SERVERS=calculator",
                     "modelapi/default/mock-llm", "Events:", "Started"):
            self.assertIn(text, d)
        logs = self.rt.run("logs", "assistant", check=0).stdout
        self.assertIn("listening", logs)
        self.assertEqual(self.rt.run("logs", "nobody").returncode, 1)

    def test_06_killed_agent_is_restarted(self):
        self.rt.wait_all_ready()
        before = self.rt.json("get", "agent", "assistant", "-o", "json")
        old = e.identity(before["pid"])
        os.kill(before["pid"], signal.SIGKILL)
        wait_for(lambda: not e.alive(old), 10, "the killed agent to be gone")

        def restarted():
            r = self.rt.json("get", "agent", "assistant", "-o", "json")
            ok = r["restarts"] >= before["restarts"] + 1 and r["pid"] not in (0, before["pid"]) and r["phase"] == "Ready"
            return r if ok else None
        after = wait_for(restarted, 30, "the agent restarted and Ready again")
        self.assertEqual(after["endpoint"], before["endpoint"])  # its port stays with it
        self.assertTrue(e.alive(e.identity(after["pid"])))
        self.assertIn("Exited", [ev["type"] for ev in after["events"]])
        p = self.rt.run("chat", "assistant", ADD, check=0)
        self.assertIn("5", p.stdout)

    def test_99_down_leaves_no_process(self):
        self.rt.wait_all_ready()
        # A tool call first, so the MCP server has its Python worker(s) running.
        self.rt.run("chat", "assistant", ADD, check=0)
        tree = self.rt.tree()
        self.assertGreaterEqual(len(tree), 4, f"supervisor + 3 workloads (+ workers) expected: {tree}")
        workers = [p for p, _ in tree if os.path.basename((e.cmdline(p) or [""])[0]) == "kaos-python-worker"]
        self.assertTrue(workers, f"the python-string MCP server's worker should be running: {tree}")
        pids = {r["pid"] for r in self.rt.status()["resources"]}
        self.assertTrue(pids <= {p for p, _ in tree}, (pids, tree))
        p = self.assertDownLeavesNothing()
        self.assertIn("stopped the local runtime", p.stdout)
        self.assertNotEqual(self.rt.run("status").returncode, 0)
        self.assertIn("no local runtime", self.rt.run("down", check=0).stdout)  # a second down is harmless


class SupervisorCrashTest(e.RuntimeTestCase):
    """The runtime itself dies (kill -9): its workloads die with it, and the state it left
    (supervisor.json naming a pid that may since belong to another process) does not block the
    next `kaos up`."""

    def test_killed_supervisor_takes_its_workloads_and_up_starts_afresh(self):
        self.rt.run("up", "-f", e.QUICKSTART, "-d", timeout=180, check=0)
        self.rt.wait_all_ready()
        self.rt.run("chat", "assistant", ADD, check=0)  # the MCP server's worker is running too
        tree = self.rt.tree()
        self.assertGreaterEqual(len(tree), 4, tree)
        os.kill(tree[0][0], signal.SIGKILL)
        wait_for(lambda: not any(e.alive(i) for i in tree), 15, "the supervisor's workloads to die with it")
        self.assertEqual(e.processes_with_state_dir(self.rt.state_dir), [])
        wait_for(lambda: self.rt.run("status").returncode != 0, 10, "kaos status to see no runtime")

        # As after a reboot: supervisor.json names a live pid of some other program.
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        self.addCleanup(other.wait)
        self.addCleanup(other.kill)
        with open(os.path.join(self.rt.state_dir, "supervisor.json"), "w") as f:
            json.dump({"pid": other.pid, "control_url": "http://127.0.0.1:9", "started_at": "2000-01-01T00:00:00Z"}, f)
        self.assertIn("no local runtime", self.rt.run("status").stderr)
        self.rt.run("up", "-f", e.QUICKSTART, "-d", timeout=180, check=0)
        self.assertNotEqual(self.rt.supervisor_pid(), other.pid)
        self.assertEqual(self.rt.run("chat", "assistant", ADD, check=0).stdout.strip(), "5.0")
        self.assertDownLeavesNothing()
        self.assertIsNone(other.poll(), "kaos down must not touch the unrelated process")


if __name__ == "__main__":
    e.main()
