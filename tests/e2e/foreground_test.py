#!/usr/bin/env python3
"""End to end: `kaos up -f examples/quickstart` without -d runs in the foreground; Ctrl-C (SIGINT
to its process group, as a terminal sends it) stops the runtime and every workload, and `kaos
up` exits.

Usage: foreground_test.py KAOS_BINARY
"""
import os
import queue
import signal
import subprocess
import threading

import e2e_support as e
from e2e_support import wait_for

BANNER = "running in the foreground"


class ForegroundTest(e.RuntimeTestCase):
    def start_foreground(self):
        """`kaos up -f examples/quickstart` in its own process group, as a terminal runs it;
        returns (proc, lines seen so far, queue of further lines) once the banner is out."""
        proc = subprocess.Popen([e.KAOS, "up", "-f", e.QUICKSTART], env=self.rt.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)

        def kill_group():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            proc.stdout.close()
        self.addCleanup(kill_group)

        lines = queue.Queue()

        def reader():
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)
        threading.Thread(target=reader, daemon=True).start()
        seen = []

        def banner():
            while True:  # everything printed so far
                try:
                    line = lines.get(timeout=0.1)
                except queue.Empty:
                    return False
                if line is None:
                    raise AssertionError("kaos up exited early:\n" + "".join(seen))
                seen.append(line)
                if BANNER in line:
                    return True
        wait_for(banner, 60, f"the '{BANNER}' line")
        return proc, seen, lines

    @staticmethod
    def rest_of(lines):
        rest = []
        while True:
            line = lines.get(timeout=10)
            if line is None:
                return "".join(rest)
            rest.append(line)

    def test_ctrl_c_stops_everything(self):
        proc, seen, lines = self.start_foreground()
        rs = self.rt.wait_all_ready()
        self.assertEqual(self.rt.run("chat", "assistant", 'Please add {"a": 2, "b": 3}', check=0).stdout.strip(),
                         "5.0")
        sup = self.rt.supervisor_pid()
        self.assertTrue(sup)
        tree = self.rt.tree()
        self.assertTrue({r["pid"] for r in rs} <= {p for p, _ in tree})
        self.assertEqual(os.getpgid(sup), proc.pid, "the foreground supervisor shares the terminal's group")

        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        code = proc.wait(timeout=30)
        rest = self.rest_of(lines)
        self.assertEqual(code, 0, "".join(seen) + rest)
        self.assertIn("stopped", rest)
        wait_for(lambda: not any(e.alive(i) for i in tree), 10, "every process of the runtime to exit")
        self.assertEqual(e.processes_with_state_dir(self.rt.state_dir), [])
        self.assertIsNone(self.rt.supervisor_pid())
        self.assertIn("no local runtime", self.rt.run("down", check=0).stdout)

    def test_kaos_down_from_another_terminal_ends_it(self):
        proc, seen, lines = self.start_foreground()
        self.rt.wait_all_ready()
        tree = self.rt.tree()
        self.assertGreaterEqual(len(tree), 4)
        p, left, stray = self.rt.down()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual((left, stray), ([], []))
        code = proc.wait(timeout=30)
        rest = self.rest_of(lines)
        self.assertEqual(code, 0, "".join(seen) + rest)
        self.assertIn("stopped", rest)


if __name__ == "__main__":
    e.main()
