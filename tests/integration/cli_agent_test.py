#!/usr/bin/env python3
"""Integration tests for the commands that talk to agents (`kaos chat`, `invoke`, `tasks`,
`memory`, `tools`, `models`), run as a user would, with --url, against a real `kaos agent`
(DEBUG_MOCK_RESPONSES scripting a tool call then text) with a real `kaos mcp --runtime
python-string` tool server, and a real `kaos modelapi` with its mock provider. Also the error
paths: an unreachable --url, and a name without --url when no local runtime runs.

Usage: cli_agent_test.py KAOS_BINARY
"""
import json
import os
import subprocess
import tempfile

import agent_support as s
from agent_support import wait_for

TOOLS = s.TOOLS_SOURCE + '''
def nap(seconds: float) -> str:
    """Sleep for a while."""
    time.sleep(seconds)
    return "rested"
'''

ADD_THEN_TEXT = json.dumps([{"tool_calls": [{"name": "add", "arguments": {"a": 2, "b": 3}}]}, "The sum is 5."])
ALWAYS_NAP = json.dumps([{"tool_calls": [{"name": "nap", "arguments": {"seconds": 30}}]}] * 20)


class CliAgentTest(s.ProcTestCase):
    @classmethod
    def setUpClass(cls):
        # No local runtime may answer for these commands: an empty state directory.
        cls.state = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.state.cleanup)
        cls.mcp = cls.cls_spawn(s.start_mcp(TOOLS, env={"MCP_PYTHON_WORKERS": "2"}))
        env = s.mcp_env(cls.mcp.port)
        cls.agent = cls.cls_spawn(s.start_agent("asst", {**env, "DEBUG_MOCK_RESPONSES": ADD_THEN_TEXT}))
        cls.napper = cls.cls_spawn(s.start_agent("napper", {**env, "DEBUG_MOCK_RESPONSES": ALWAYS_NAP}))
        cls.url = f"http://127.0.0.1:{cls.agent.port}"
        cls.nap_url = f"http://127.0.0.1:{cls.napper.port}"

    def kaos(self, *args, stdin=None, timeout=60):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.state.name,
               "KAOS_STATE_DIR": self.state.name}
        return subprocess.run([s.KAOS, *args], input=stdin, capture_output=True, text=True, env=env, timeout=timeout)

    def ok(self, *args, **kw):
        r = self.kaos(*args, **kw)
        self.assertEqual(r.returncode, 0, f"kaos {' '.join(args)}: stdout={r.stdout!r} stderr={r.stderr!r}")
        # Not a terminal: no colour codes anywhere.
        self.assertNotIn("\x1b[", r.stdout + r.stderr)
        return r

    # --- chat ------------------------------------------------------------------------------

    def test_chat_one_shot_shows_progress_and_answer(self):
        r = self.ok("chat", "asst", "what is 2 + 3?", "--url", self.url)
        self.assertEqual(r.stdout.strip(), "The sum is 5.")
        self.assertIn("  → tool add", r.stderr)
        self.assertRegex(r.stderr, r"session session_[0-9a-f]{12}")
        self.assertIn("kaos memory asst --session session_", r.stderr)

    def test_chat_verbose_shows_steps(self):
        r = self.ok("chat", "asst", "hi", "--url", self.url, "-v")
        self.assertIn("→ tool add  (step 1/5)", r.stderr)
        self.assertIn(self.url, r.stderr)

    def test_chat_interactive_keeps_the_session(self):
        r = self.ok("chat", "asst", "--url", self.url, stdin="first question\n\nsecond question\n/exit\nnot sent\n")
        self.assertEqual(r.stdout.split(), ["The", "sum", "is", "5."] * 2)
        self.assertEqual(r.stderr.count("→ tool add"), 2)
        session = self.session_from(r.stderr)
        events = json.loads(self.ok("memory", "asst", "--session", session, "--url", self.url, "-o", "json").stdout)
        users = [e["content"] for e in events["events"] if e["event_type"] == "user_message"]
        self.assertEqual(users, ["first question", "second question"])
        # The readable table renders tool calls and results.
        table = self.ok("memory", "asst", "--session", session, "--url", self.url).stdout
        lines = table.splitlines()
        self.assertEqual(lines[0].split(), ["TIME", "TYPE", "CONTENT"])
        self.assertIn("add(a=2, b=3)", table)
        self.assertIn("add → 5", table)
        self.assertIn("second question", table)
        self.assertNotIn("not sent", table)

    def test_chat_interactive_eof_and_given_session(self):
        r = self.ok("chat", "asst", "--url", self.url, "--session", "cli-given", stdin="only line")
        self.assertEqual(r.stdout.strip(), "The sum is 5.")
        self.assertEqual(self.session_from(r.stderr), "cli-given")

    def test_chat_json(self):
        r = self.ok("chat", "asst", "json please", "--url", self.url, "-o", "json")
        out = json.loads(r.stdout)
        self.assertEqual(out["answer"], "The sum is 5.")
        self.assertRegex(out["session_id"], r"^session_[0-9a-f]{12}$")
        self.assertEqual(out["progress"], [{"step": 1, "max_steps": 5, "action": "tool_call", "target": "add"}])
        self.assertEqual(r.stderr, "")
        # Interactive: one JSON object per line, one session.
        r = self.ok("chat", "asst", "--url", self.url, "-o", "json", stdin="a\nb\n")
        objs = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual(len(objs), 2)
        self.assertEqual(objs[0]["session_id"], objs[1]["session_id"])

    # --- invoke and tasks ------------------------------------------------------------------

    def test_invoke_blocking(self):
        r = self.ok("invoke", "asst", "add please", "--url", self.url)
        self.assertEqual(r.stdout.strip(), "The sum is 5.")
        self.assertRegex(r.stderr, r"task task_[0-9a-f]{12} completed")
        task = json.loads(self.ok("invoke", "asst", "add please", "--url", self.url, "-o", "json",
                                  "--session", "inv-sess").stdout)
        self.assertEqual(task["status"]["state"], "TASK_STATE_COMPLETED")
        self.assertEqual(task["contextId"], "inv-sess")

    def test_invoke_async_then_follow_with_tasks(self):
        r = self.ok("invoke", "asst", "keep adding", "--async", "--max-iterations", "3", "--url", self.url)
        self.assertIn("Started task task_", r.stdout)
        task_id = r.stdout.split("Started task ")[1].split()[0]
        self.assertIn(f"kaos tasks asst {task_id}", r.stdout)

        def state():
            got = json.loads(self.ok("tasks", "asst", task_id, "--url", self.url, "-o", "json").stdout)
            return got["status"]["state"]
        wait_for(lambda: state() == "completed", timeout=30, what="the async task to complete")

        details = self.ok("tasks", "asst", task_id, "--url", self.url).stdout
        self.assertIn(f"Task:       {task_id}", details)
        self.assertIn("State:      completed", details)
        self.assertIn("Autonomous: yes", details)
        self.assertIn("task.completed", details)
        self.assertIn("Output:", details)
        self.assertIn("Input:      keep adding", details)

        listing = self.ok("tasks", "asst", "--url", self.url).stdout.splitlines()
        self.assertEqual(listing[0].split(), ["ID", "STATE", "AUTONOMOUS", "UPDATED", "OUTPUT"])
        row = [line for line in listing if line.startswith(task_id)]
        self.assertEqual(len(row), 1, listing)
        self.assertEqual(row[0].split()[1:3], ["completed", "yes"])
        listed = json.loads(self.ok("tasks", "asst", "--url", self.url, "-o", "json").stdout)
        self.assertIn(task_id, [t["id"] for t in listed["tasks"]])

    def test_tasks_cancel_a_running_task(self):
        r = self.ok("invoke", "napper", "nap forever", "--async", "-o", "json", "--url", self.nap_url)
        task_id = json.loads(r.stdout)["id"]
        shown = self.ok("tasks", "napper", task_id, "--url", self.nap_url).stdout
        self.assertIn("State:      working", shown)
        r = self.ok("tasks", "napper", task_id, "--cancel", "--url", self.nap_url)
        self.assertEqual(r.stdout.strip(), f"Canceled task {task_id}.")
        got = json.loads(self.ok("tasks", "napper", task_id, "--url", self.nap_url, "-o", "json").stdout)
        self.assertEqual(got["status"]["state"], "canceled")
        again = self.ok("tasks", "napper", task_id, "--cancel", "--url", self.nap_url)
        self.assertIn("already canceled", again.stdout)

    def test_tasks_unknown_id(self):
        r = self.kaos("tasks", "asst", "task_nope", "--url", self.url)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Task not found: task_nope", r.stderr)
        self.assertIn("kaos tasks asst", r.stderr)

    # --- memory, tools, models -------------------------------------------------------------

    def test_memory_lists_sessions_and_events(self):
        self.ok("chat", "asst", "remember me", "--session", "mem-sess", "--url", self.url)
        out = self.ok("memory", "asst", "--url", self.url).stdout
        self.assertIn("Sessions", out)
        self.assertIn("Events", out)
        sessions = out.split("Events")[0]
        self.assertRegex(sessions, r"mem-sess\s+4\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
        events = out.split("Events")[1].splitlines()
        self.assertEqual(events[1].split(), ["TIME", "SESSION", "TYPE", "CONTENT"])
        mine = [line for line in events if "mem-sess" in line]
        self.assertEqual([line.split()[3] for line in mine],
                         ["user_message", "tool_call", "tool_result", "agent_response"])
        data = json.loads(self.ok("memory", "asst", "--url", self.url, "-o", "json", "--limit", "3").stdout)
        self.assertIn("mem-sess", data["sessions"])
        self.assertLessEqual(len(data["events"]), 3)

    def test_tools(self):
        out = self.ok("tools", "asst", "--url", self.url).stdout.splitlines()
        self.assertEqual(out[0].split(), ["NAME", "KIND", "SOURCE", "DESCRIPTION"])
        add = [line for line in out if line.startswith("add ")]
        self.assertEqual(len(add), 1)
        self.assertEqual(add[0].split(None, 3), ["add", "mcp", "tools", "Add two integers."])
        data = json.loads(self.ok("tools", "asst", "--url", self.url, "-o", "json").stdout)
        self.assertIn("nap", [t["name"] for t in data["tools"]])

    def test_models(self):
        gw = self.spawn(s.Proc([s.KAOS, "modelapi", "--models", "mock-model,other", "--provider", "mock",
                                "--host", "127.0.0.1", "--port", "0"], pattern=r":(\d+)\s*$"))
        url = f"http://127.0.0.1:{gw.port}"
        wait_for(lambda: s.http(gw.port, "GET", "/health/readiness")[0] == 200, what="modelapi readiness")
        out = self.ok("models", "--url", url).stdout.splitlines()
        self.assertEqual(out[0].split(), ["MODEL", "OWNED", "BY"])
        self.assertEqual([line.split()[0] for line in out[1:]], ["mock-model", "other"])
        data = json.loads(self.ok("models", "gw", "--url", url + "/v1", "-o", "json").stdout)
        self.assertEqual([m["id"] for m in data["data"]], ["mock-model", "other"])
        # An agent is an OpenAI-compatible API with one model: itself.
        self.assertIn("asst", self.ok("models", "--url", self.url).stdout)

    # --- errors ----------------------------------------------------------------------------

    def test_unreachable_url(self):
        dead = s.free_port()
        for args in (["chat", "asst", "hi"], ["invoke", "asst", "hi"], ["tasks", "asst"], ["memory", "asst"],
                     ["tools", "asst"], ["models", "m"]):
            r = self.kaos(*args, "--url", f"http://127.0.0.1:{dead}")
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(f"cannot reach", r.stderr, args)
            self.assertIn(f"http://127.0.0.1:{dead}", r.stderr, args)
            self.assertIn("--url", r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_no_runtime_names_kaos_up(self):
        for args in (["chat", "ghost", "hi"], ["tasks", "ghost"], ["memory", "ghost"], ["models", "ghost-api"]):
            r = self.kaos(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn("kaos up", r.stderr, args)
            self.assertIn("--url", r.stderr, args)

    def test_usage_errors(self):
        r = self.kaos("tasks", "asst", "--cancel", "--url", self.url)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--cancel needs the task's ID", r.stderr)
        r = self.kaos("invoke", "asst", "hi", "--max-iterations", "2", "--url", self.url)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--async", r.stderr)
        # Without a name `models` lists the local runtime's ModelAPIs; with none running it
        # says how to start one or where else to look.
        r = self.kaos("models")
        self.assertEqual(r.returncode, 1)
        self.assertIn("kaos up", r.stderr)
        self.assertIn("--url", r.stderr)

    @staticmethod
    def session_from(stderr):
        for word in stderr.split():
            if word.startswith("session_") or word == "cli-given":
                return word
        raise AssertionError(f"no session id in {stderr!r}")


if __name__ == "__main__":
    s.main()
