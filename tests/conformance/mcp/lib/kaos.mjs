// Starts `kaos mcp` (the binary in KAOS_BIN) on a free loopback port and waits for its
// "kaos mcp listening on http://HOST:PORT" line. Shared by the suites in this folder.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const KAOS = process.env.KAOS_BIN;

/// args: everything after `kaos mcp` (without --host/--port). Returns {url, mcpUrl, proc, stop, exited}.
export async function startMcp(args, { env = {}, stderr = 'inherit' } = {}) {
  if (!KAOS) throw new Error('set KAOS_BIN to the kaos binary');
  const proc = spawn(KAOS, ['mcp', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'WARNING', ...env },
    stdio: ['ignore', 'pipe', stderr],
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: proc.stdout });
  const port = await new Promise((resolve, reject) => {
    exited.then(({ code, signal }) => reject(new Error(`kaos mcp exited (code ${code}, signal ${signal}) before listening`)));
    lines.on('line', (line) => {
      const m = line.match(/kaos mcp listening on http:\/\/[^:]+:(\d+)/);
      if (m) resolve(Number(m[1]));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    mcpUrl: `${url}/mcp`,
    proc,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}
