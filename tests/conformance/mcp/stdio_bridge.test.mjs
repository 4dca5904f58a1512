// `kaos mcp --runtime stdio -- COMMAND...` driven by the official MCP TypeScript SDK client
// (pinned in package.json), bridging the official reference stdio servers: server-everything
// (tools, progress) and server-filesystem (a real file inside the allowed directory, a path
// outside refused). Each client session gets its own child process (docs/mcp-stdio.md).
// Run: KAOS_BIN=build/bin/kaos node --test stdio_bridge.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { KAOS, exited, spawnMcp, startMcp } from './lib/kaos.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const EVERYTHING = join(here, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const FILESYSTEM = join(here, 'node_modules', '@modelcontextprotocol', 'server-filesystem', 'dist', 'index.js');

const started = [];  // kaos processes, stopped in after()
let dir;

// Starts `kaos mcp --runtime stdio` in front of `command` and resolves with its base URL once
// it prints its listening line.
async function startBridge(command) {
  const server = await startMcp(['--runtime', 'stdio', '--', ...command]);
  started.push(server.proc);
  return { proc: server.proc, url: server.url };
}

async function connect(url) {
  const client = new Client({ name: 'kaos-stdio-conformance', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return client;
}

function text(result) {
  return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

before(() => {
  assert.ok(KAOS, 'set KAOS_BIN to the kaos binary');
  dir = mkdtempSync(join(tmpdir(), 'kaos-stdio-'));
});

after(async () => {
  for (const proc of started) {
    proc.kill('SIGTERM');
    await exited(proc, 10000);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('server-everything through the bridge: tools/list, echo, progress', async () => {
  const { url } = await startBridge(['node', EVERYTHING, 'stdio']);
  const client = await connect(url);
  try {
    assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes('echo'), `tools: ${names.join(', ')}`);
    assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'through the bridge' } })),
      'Echo: through the bridge');

    const progress = [];
    const done = await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    assert.match(text(done), /Long running operation completed/);
    assert.deepEqual(progress, [1, 2, 3]);
  } finally {
    await client.close();
  }
});

test('two sessions get two independent children', async () => {
  const { url } = await startBridge(['node', EVERYTHING, 'stdio']);
  const a = await connect(url);
  const b = await connect(url);
  try {
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    const [ra, rb] = await Promise.all([
      a.callTool({ name: 'echo', arguments: { message: 'a' } }),
      b.callTool({ name: 'echo', arguments: { message: 'b' } }),
    ]);
    assert.equal(text(ra), 'Echo: a');
    assert.equal(text(rb), 'Echo: b');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^mcp_stdio_children 2$/m);
  } finally {
    await a.close();
    await b.close();
  }
});

test('server-filesystem through the bridge: reads inside its directory, refuses outside', async () => {
  writeFileSync(join(dir, 'hello.txt'), 'hello from the bridge\n');
  const { url } = await startBridge(['node', FILESYSTEM, dir]);
  const client = await connect(url);
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'read_text_file'), `tools: ${tools.map((t) => t.name).join(', ')}`);
    const inside = await client.callTool({ name: 'read_text_file', arguments: { path: join(dir, 'hello.txt') } });
    assert.ok(!inside.isError, text(inside));
    assert.equal(text(inside), 'hello from the bridge\n');

    let refusal;
    try {
      const outside = await client.callTool({ name: 'read_text_file', arguments: { path: '/etc/hostname' } });
      assert.equal(outside.isError, true, `reading outside the directory succeeded: ${text(outside)}`);
      refusal = text(outside);
    } catch (err) {
      refusal = String(err.message);  // some SDK versions surface tool failures as errors
    }
    assert.match(refusal, /Access denied/);
  } finally {
    await client.close();
  }
});

test('a command that does not exist stops kaos before it listens, naming the program', async () => {
  const proc = spawnMcp(['--runtime', 'stdio', '--', 'kaos-no-such-stdio-server'], { stderr: 'pipe' });
  started.push(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const code = await exited(proc, 20000);
  assert.notEqual(code, 0);
  assert.notEqual(code, null, 'kaos kept running with a missing stdio command');
  assert.match(stderr, /kaos-no-such-stdio-server/);
});
