// `kaos mcp-call` (KAOS_BIN) against MCP servers built from the official TypeScript SDK
// (servers/): output formats, exit codes and the messages a user sees.
// Run: KAOS_BIN=build/bin/kaos node --test mcp_call.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const KAOS = process.env.KAOS_BIN;
const servers = [];

/// Starts servers/<script> and resolves with its base URL once it prints it.
function startServer(script, args = []) {
  const proc = spawn('node', [join(here, 'servers', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(proc);
  const lines = createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolve(m[1]);
    });
  });
}

function kaos(args) {
  return new Promise((resolve) => {
    const child = spawn(KAOS, ['mcp-call', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

let streamable;
let legacy;

before(async () => {
  assert.ok(KAOS, 'set KAOS_BIN to the kaos binary');
  streamable = await startServer('streamable_server.mjs');
  legacy = await startServer('legacy_sse_server.mjs');
});

after(() => { for (const p of servers) p.kill('SIGTERM'); });

test('--list prints an aligned table; a root URL means its /mcp endpoint', async () => {
  const r = await kaos([streamable, '--list']);  // no path: /mcp is appended
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^NAME\s+DESCRIPTION$/);
  assert.equal(lines.length, 9);
  const echo = lines.find((l) => l.startsWith('echo '));
  assert.match(echo, /^echo\s+Returns its text argument$/);  // first line of the description only
  const col = lines[0].indexOf('DESCRIPTION');
  for (const l of lines.slice(1)) {
    assert.match(l.slice(0, col), /^\S+\s+$/, `name column of '${l}'`);
    assert.match(l.slice(col), /^\S/, `description column of '${l}'`);
  }
});

test('--list -o json prints the raw tools array', async () => {
  const r = await kaos([`${streamable}/mcp`, '--list', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const tools = JSON.parse(r.stdout);
  assert.equal(tools.length, 8);
  assert.deepEqual(tools[1].inputSchema.properties.a, { type: 'number' });
});

test('a tool call prints its text; -o json prints the whole result', async () => {
  const text = await kaos([`${streamable}/mcp`, 'echo', '--args', '{"text":"hello there"}']);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, 'hello there\n');
  const json = await kaos([`${streamable}/mcp`, 'add', '--args', '{"a":2,"b":3}', '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout).structuredContent, { sum: 5 });
});

test('binary blocks are summarised', async () => {
  const r = await kaos([`${streamable}/mcp`, 'image']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '[image image/png, 1.2 kB]\n');
});

test('isError exits 1 and says so', async () => {
  const r = await kaos([`${streamable}/mcp`, 'fail']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'this tool always fails\n');
  assert.match(r.stderr, /tool 'fail' reported an error/);
});

test('legacy HTTP+SSE servers work through the automatic fallback', async () => {
  const r = await kaos([`${legacy}/sse`, 'echo', '--args', '{"text":"old"}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'old\n');
});

test('an unreachable server is retried for --connect-timeout, then explained', async () => {
  const port = await freePort();
  const started = Date.now();
  const r = await kaos([`http://127.0.0.1:${port}`, '--list', '--connect-timeout', '1']);
  assert.equal(r.code, 1);
  assert.ok(Date.now() - started >= 700, 'gave up before the connect timeout');
  assert.match(r.stderr, new RegExp(`cannot connect to http://127.0.0.1:${port}/mcp`));
  assert.match(r.stderr, /is the MCP server running\?/);
});

test('bad arguments exit 2 naming the problem', async () => {
  const notObject = await kaos([`${streamable}/mcp`, 'echo', '--args', '[1]']);
  assert.equal(notObject.code, 2);
  assert.match(notObject.stderr, /must be a JSON object/);
  const broken = await kaos([`${streamable}/mcp`, 'echo', '--args', '{']);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /--args: invalid JSON/);
  const neither = await kaos([`${streamable}/mcp`]);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /give a TOOL to call or --list/);
  const header = await kaos([`${streamable}/mcp`, '--list', '--header', 'nocolon']);
  assert.equal(header.code, 2);
  assert.match(header.stderr, /expected 'Name: value'/);
});

test('an unknown tool is an error with the server\'s message', async () => {
  const r = await kaos([`${streamable}/mcp`, 'no_such_tool']);
  assert.equal(r.code, 1);
  assert.match(r.stdout + r.stderr, /Unknown tool: no_such_tool/);
});
