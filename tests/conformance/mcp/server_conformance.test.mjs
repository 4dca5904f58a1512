// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned) in server mode
// against `kaos mcp --runtime everything`: every scenario, active and pending, must pass with
// no warnings. There is no expected-failures file: the goal is none and it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startMcp } from './lib/kaos.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONFORMANCE = join(here, 'node_modules', '.bin', 'conformance');

// Runs the suite's CLI without blocking this process's event loop (the server under test is a
// child of this process too, and its pipes must keep flowing).
function runSuite(args) {
  return new Promise((resolve) => {
    const child = spawn(CONFORMANCE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (status) => resolve({ status, output }));
  });
}

for (const suite of ['active', 'pending']) {
  test(`conformance server suite '${suite}' passes against the everything runtime`, { timeout: 240_000 }, async () => {
    const server = await startMcp(['--runtime', 'everything']);
    try {
      const run = await runSuite(['server', '--url', server.mcpUrl, '--suite', suite]);
      const output = run.output;
      const total = output.match(/Total: (\d+) passed, (\d+) failed/);
      assert.ok(total, `no summary in the suite's output:\n${output}`);
      assert.equal(Number(total[2]), 0, `failed checks:\n${output}`);
      assert.ok(Number(total[1]) > 0, 'the suite ran no checks');
      assert.doesNotMatch(output, /WARNING/, `warnings:\n${output}`);
      assert.equal(run.status, 0, output);
    } finally {
      assert.equal(await server.stop(), 0, 'kaos mcp did not exit cleanly within 10 s of SIGTERM');
    }
  });
}
