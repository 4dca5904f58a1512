"""The `kaos mcp --runtime everything` process the MCP integration tests drive: started on
127.0.0.1 with a free port (read from its "listening on" line), stopped with SIGTERM."""
import os
import re
import subprocess


class McpServer:
    def __init__(self, kaos, *extra):
        self.proc = subprocess.Popen(
            [kaos, "mcp", "--runtime", "everything", "--host", "127.0.0.1", "--port", "0", *extra],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "LOG_LEVEL": "WARNING"})
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://[^:]+:(\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"kaos mcp did not start: {line!r}")
        self.port = int(m.group(1))

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=15)
