// Starting `kaos agent` (the binary in KAOS_BIN) for the suites in this folder: spawn it on a
// free loopback port with a scripted mock model, wait for its "kaos agent listening on
// http://HOST:PORT" line, and stop it (bounded) afterwards.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const KAOS = process.env.KAOS_BIN;

/// The environment every test agent gets: no real model (MODEL_API_URL points at the discard
/// port and is never called while DEBUG_MOCK_RESPONSES is set), one scripted answer.
export const MOCK_TEXT = 'Hello from the mock';
export const AGENT_ENV = {
  AGENT_NAME: 'sdk-agent',
  MODEL_API_URL: 'http://127.0.0.1:9',
  DEBUG_MOCK_RESPONSES: JSON.stringify([MOCK_TEXT]),
};

function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, ms);
    child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

/// Starts `kaos agent --host 127.0.0.1 --port 0` and waits until it listens.
/// Returns {url, proc, stop}; stop() sends SIGTERM and resolves with the exit code.
export async function startAgent({ env = {}, args = [] } = {}) {
  if (!KAOS) throw new Error('set KAOS_BIN to the kaos binary');
  const proc = spawn(KAOS, ['agent', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'WARNING', ...AGENT_ENV, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout });
  const port = await new Promise((resolve, reject) => {
    proc.once('exit', (code, signal) => reject(new Error(`kaos agent exited (code ${code}, signal ${signal}) before listening`)));
    lines.on('line', (line) => {
      const m = line.match(/kaos agent listening on http:\/\/[^:]+:(\d+)/);
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    async stop(ms = 10000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited(proc, ms);
    },
  };
}
