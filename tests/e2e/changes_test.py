#!/usr/bin/env python3
"""End to end: re-running `kaos up` with changed manifests (docs: "only workloads whose plan
changed restart"): an edited MCPServer restarts alone (the ModelAPI's and the agent's pids stay)
and the agent uses its new tool; a resource removed from the set is stopped; `kaos delete agent
NAME` stops one; `kaos up` with an invalid set while running changes nothing.

Usage: changes_test.py KAOS_BINARY
"""
import os
import shutil
import tempfile

import e2e_support as e
from e2e_support import wait_for

# A second MCPServer in its own file, removed from the set later.
NOTES = '''apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata:
  name: notes
spec:
  runtime: python-string
  params: |
    def note(text: str) -> str:
        """Keeps a note."""
        return "noted " + text
'''

SUBTRACT = '''    def subtract(a: float, b: float) -> float:
        """Subtracts b from a."""
        return a - b

'''


class ChangesTest(e.RuntimeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = tempfile.mkdtemp(prefix="kaos-e2e-manifests-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        shutil.copy(os.path.join(e.QUICKSTART, "quickstart.yaml"), cls.dir)
        with open(os.path.join(cls.dir, "notes.yaml"), "w") as f:
            f.write(NOTES)
        cls.rt.run("up", "-f", cls.dir, "-d", timeout=180, check=0)

    def pids(self):
        return {rid: r["pid"] for rid, r in self.rt.resources().items()}

    def test_changes_in_order(self):
        # One method, in the order a user would go: each step builds on the previous one.
        rt = self.rt
        rt.wait_all_ready()
        before = self.pids()
        self.assertEqual(len(before), 4, before)
        self.assertNotIn(0, before.values())
        idents = {rid: e.identity(pid) for rid, pid in before.items()}

        # Unchanged set: nothing restarts.
        p = rt.run("up", "-f", self.dir, "-d", check=0)
        self.assertNotIn("configured", p.stdout)
        self.assertEqual(self.pids(), before)

        # Edit the calculator's params: only it restarts.
        path = os.path.join(self.dir, "quickstart.yaml")
        with open(path) as f:
            text = f.read()
        anchor = "    def echo(text: str) -> str:\n"
        self.assertIn(anchor, text)
        with open(path, "w") as f:
            f.write(text.replace(anchor, SUBTRACT + anchor))
        p = rt.run("up", "-f", self.dir, "-d", check=0)
        self.assertIn("mcpserver/default/calculator configured", p.stdout)
        for rid in ("modelapi/default/mock-llm", "agent/default/assistant", "mcpserver/default/notes"):
            self.assertNotIn(rid + " configured", p.stdout)
        calc = "mcpserver/default/calculator"
        # `kaos up` returns once the restarted workload is Ready again (not on its old status).
        now = rt.resource(calc)
        self.assertEqual((now["phase"], now["ready"]), ("Ready", True), now)
        self.assertNotEqual(now["pid"], before[calc])
        rs = rt.wait_all_ready()
        after = {r["id"]: r["pid"] for r in rs}
        self.assertNotEqual(after[calc], before[calc])
        self.assertFalse(e.alive(idents[calc]), "the old calculator process is still running")
        for rid in ("modelapi/default/mock-llm", "agent/default/assistant", "mcpserver/default/notes"):
            self.assertEqual(after[rid], before[rid], rid)
            self.assertTrue(e.alive(idents[rid]), rid)
        self.assertEqual(rt.resource(calc)["restarts"], 0)  # a new start, not a crash
        # The running agent sees the new tool and uses it.
        wait_for(lambda: "subtract" in {t["name"] for t in rt.json("tools", "assistant", "-o", "json")["tools"]},
                 20, "the agent to list the new 'subtract' tool")
        out = rt.run("chat", "assistant", 'Please subtract {"a": 10, "b": 4}', check=0).stdout
        self.assertIn("6", out)

        # Remove notes.yaml from the set: that MCPServer (and its Python worker) is stopped.
        notes = "mcpserver/default/notes"
        notes_tree = [e.identity(notes_pid) for notes_pid in [after[notes], *e.descendants(after[notes])]]
        os.remove(os.path.join(self.dir, "notes.yaml"))
        p = rt.run("up", "-f", self.dir, "-d", check=0)
        self.assertIn(notes + " deleted", p.stdout)
        wait_for(lambda: not any(e.alive(i) for i in notes_tree), 15, "the removed MCPServer's processes to exit")
        self.assertNotIn(notes, rt.resources())
        for rid in ("modelapi/default/mock-llm", "agent/default/assistant", calc):
            self.assertEqual(rt.resource(rid)["pid"], after[rid], rid)

        # An invalid set while running: exit 1, nothing changes.
        with open(os.path.join(self.dir, "quickstart.yaml")) as f:
            good = f.read()
        with open(os.path.join(self.dir, "quickstart.yaml"), "w") as f:
            f.write(good.replace("  modelAPI: mock-llm\n", "  modelAPI: mock-llm\n  bogusField: 1\n"))
        p = rt.run("up", "-f", self.dir, "-d")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("bogusField", p.stderr)
        self.assertEqual(self.pids(), {rid: after[rid] for rid in (calc, "modelapi/default/mock-llm",
                                                                    "agent/default/assistant")})
        with open(os.path.join(self.dir, "quickstart.yaml"), "w") as f:
            f.write(good)

        # kaos delete agent NAME: that agent stops, the rest keeps running.
        agent = e.identity(after["agent/default/assistant"])
        p = rt.run("delete", "agent", "assistant", check=0)
        self.assertIn("agent/default/assistant deleted", p.stdout)
        wait_for(lambda: not e.alive(agent), 15, "the deleted agent's process to exit")
        self.assertEqual(rt.run("get", "agent", "assistant").returncode, 1)
        self.assertEqual(sorted(rt.resources()), ["mcpserver/default/calculator", "modelapi/default/mock-llm"])
        p = rt.run("delete", "agent", "assistant")
        self.assertEqual(p.returncode, 1)
        self.assertIn("nothing matched", p.stderr)

        # Up again brings it back.
        rt.run("up", "-f", self.dir, "-d", check=0)
        self.assertEqual(len(rt.wait_all_ready()), 3)
        self.assertDownLeavesNothing()


if __name__ == "__main__":
    e.main()
