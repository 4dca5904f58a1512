// Starting `kaos mcp` (the binary in KAOS_BIN) for the suites in this folder: spawn it on its
// default address (0.0.0.0, reached over loopback, so the dns-rebinding-protection scenario
// checks the default) and a free port, wait for its "kaos mcp listening on http://HOST:PORT" line, and wait (bounded)
// for it to exit.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const KAOS = process.env.KAOS_BIN;

/// Spawns `kaos mcp --port 0 ARGS...` (stdout piped; stderr as given).
export function spawnMcp(args, { env = {}, stderr = 'inherit' } = {}) {
  if (!KAOS) throw new Error('set KAOS_BIN to the kaos binary');
  return spawn(KAOS, ['mcp', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'WARNING', ...env },
    stdio: ['ignore', 'pipe', stderr],
  });
}

/// Resolves with the exit code, or null (after SIGKILL) when the process outlives `ms`.
export function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, ms);
    child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

/// Starts `kaos mcp ARGS...` and waits until it listens. Returns {url, mcpUrl, proc, stop};
/// stop() sends SIGTERM and resolves with the exit code (null if it had to be killed).
export async function startMcp(args, options = {}) {
  const proc = spawnMcp(args, options);
  const lines = createInterface({ input: proc.stdout });
  const port = await new Promise((resolve, reject) => {
    proc.once('exit', (code, signal) => reject(new Error(`kaos mcp exited (code ${code}, signal ${signal}) before listening`)));
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
    async stop(ms = 10000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited(proc, ms);
    },
  };
}
