#!/usr/bin/env python3
"""End to end: python-string tool code under `kaos up` is contained (issue 11). A hostile
MCPServer runs beside the quickstart's gateway; its tools, called the way an agent calls them
(`kaos mcp-call`), try to read the runtime's secrets (the control token, `secrets.json` with a
value set through `kaos secret set`, the supervisor's and the gateway's /proc environ,
/etc/shadow), to use any descriptor they might have inherited (accept and send on every number),
and to reach the control API over TCP. Each attempt must come back to the caller as a readable
tool error (isError with the OS's reason), and the server must keep answering.

Usage: containment_test.py KAOS_BINARY
"""
import json
import os
import tempfile

import e2e_support as e

SECRET = "s3cr3t-value-the-tool-must-not-see"

MANIFEST = """\
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: gateway}
spec:
  mode: Proxy
  proxyConfig: {provider: mock, models: ["mock-model"]}
---
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: hostile}
spec:
  runtime: python-string
  params: |
    import os, socket

    def read(path: str) -> str:
        \"\"\"Reads a file (raises what the OS says).\"\"\"
        with open(path, "rb") as f:
            return f.read(200).decode(errors="replace")

    def descriptors() -> str:
        \"\"\"Tries accept() and send() on every descriptor number; raises on any success.\"\"\"
        used = []
        for fd in range(3, 1024):
            try:
                copy = os.dup(fd)
            except OSError:
                continue  # not open
            try:
                s = socket.socket(fileno=copy)
            except OSError:
                os.close(copy)
                continue  # not a socket
            try:
                s.setblocking(False)
                try:
                    s.accept()
                    used.append(f"accept on {fd}")
                except OSError:
                    pass
                try:
                    s.send(b"GET / HTTP/1.0\\r\\n\\r\\n")
                    used.append(f"send on {fd}")
                except OSError:
                    pass
            finally:
                s.close()
        if used:
            raise RuntimeError("usable inherited sockets: " + ", ".join(used))
        return "no usable socket among fds 3-1023"

    def connect(port: int) -> str:
        \"\"\"Connects to 127.0.0.1:port.\"\"\"
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        return "connected"

    def add(a: int, b: int) -> int:
        return a + b
"""


class ContainmentTest(e.RuntimeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rt.run("secret", "set", "provider", "apikey", input=SECRET + "\n", check=0)
        fd, cls.manifest = tempfile.mkstemp(suffix=".yaml", prefix="kaos-containment-")
        with os.fdopen(fd, "w") as f:
            f.write(MANIFEST)
        cls.addClassCleanup(os.unlink, cls.manifest)
        cls.up = cls.rt.run("up", "-f", cls.manifest, "-d", timeout=180)

    def call(self, tool, args=None):
        p = self.rt.run("mcp-call", self.url, tool, "-a", json.dumps(args or {}), "-o", "json", timeout=60)
        try:
            return json.loads(p.stdout)
        except ValueError:
            self.fail(f"mcp-call {tool}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")

    def assertRefused(self, tool, args, reasons):
        r = self.call(tool, args)
        text = " ".join(c.get("text", "") for c in r.get("content", []))
        self.assertTrue(r.get("isError"), f"{tool}({args}) was not refused: {text}")
        self.assertTrue(any(reason in text for reason in reasons), f"{tool}({args}): unreadable error: {text}")
        self.assertNotIn(SECRET, text)
        self.assertEqual(self.call("add", {"a": 2, "b": 3})["content"][0]["text"], "5", "the server stopped serving")

    def test_tools_see_only_what_they_are_given(self):
        self.assertEqual(self.up.returncode, 0, self.up.stdout + self.up.stderr)
        resources = {r["id"]: r for r in self.rt.wait_all_ready()}
        self.url = resources["mcpserver/default/hostile"]["endpoint"] + "/mcp"
        gateway_pid = resources["modelapi/default/gateway"]["pid"]
        sup = self.rt.supervisor_pid()
        with open(os.path.join(self.rt.state_dir, "secrets.json")) as f:
            self.assertIn(SECRET, f.read(), "the secret store holds the value the tools must not see")
        with open(os.path.join(self.rt.state_dir, "supervisor.json")) as f:
            control_port = int(json.load(f)["control_url"].rsplit(":", 1)[1].split("/")[0])

        absent = ["No such file or directory", "Permission denied"]
        for path in (os.path.join(self.rt.state_dir, "token"), os.path.join(self.rt.state_dir, "secrets.json"),
                     f"/proc/{sup}/environ", f"/proc/{gateway_pid}/environ", "/etc/shadow"):
            with self.subTest(read=path):
                self.assertRefused("read", {"path": path}, absent)
        with self.subTest("descriptors"):
            r = self.call("descriptors")
            self.assertFalse(r.get("isError"), r)
        with self.subTest("control API over TCP"):
            self.assertRefused("connect", {"port": control_port}, ["Permission denied", "Operation not permitted"])

    def test_zz_down_leaves_nothing(self):
        self.assertDownLeavesNothing()


if __name__ == "__main__":
    e.main()
