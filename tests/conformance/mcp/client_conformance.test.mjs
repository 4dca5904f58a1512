// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned) in client mode
// against `kaos mcp-call` (through conformance-client.sh): the suite starts a scenario's test
// server, runs the client with its URL, and checks what the client sent. Each scenario must
// pass with no failed check and no warning. package.json pins the suite's own SDK to the 1.25.2
// it was built against (its tools_call fixture server reuses one SDK Server across requests,
// which later SDKs refuse). Run: KAOS_BIN=build/bin/kaos node --test
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const CONFORMANCE = join(here, 'node_modules', '.bin', 'conformance');
const SCRIPT = join(here, 'conformance-client.sh');

function runSuite(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(CONFORMANCE, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (status) => resolve({ status, output }));
  });
}

for (const scenario of ['initialize', 'tools_call', 'sse-retry']) {
  test(`conformance client scenario '${scenario}' passes with kaos mcp-call`, { timeout: 60_000 }, async () => {
    assert.ok(process.env.KAOS_BIN, 'set KAOS_BIN to the kaos binary');
    // The suite writes results/ into its working directory: keep that out of the tree.
    const dir = mkdtempSync(join(tmpdir(), 'kaos-mcp-client-conf-'));
    try {
      // The suite splits --command on spaces: the script path must have none.
      assert.doesNotMatch(SCRIPT, / /, 'the checkout path must not contain spaces');
      const run = await runSuite(['client', '--command', `bash ${SCRIPT}`, '--scenario', scenario], dir);
      const output = run.output;
      const summary = output.match(/Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/);
      assert.ok(summary, `no summary in the suite's output:\n${output}`);
      assert.ok(Number(summary[1]) > 0, `no check passed:\n${output}`);
      assert.equal(summary[1], summary[2], `not every check passed:\n${output}`);
      assert.equal(Number(summary[3]), 0, `failed checks:\n${output}`);
      assert.equal(Number(summary[4]), 0, `warnings:\n${output}`);
      assert.doesNotMatch(output, /CLIENT EXITED WITH ERROR|CLIENT TIMED OUT/, output);
      assert.match(output, /OVERALL: PASSED/, output);
      assert.equal(run.status, 0, output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
