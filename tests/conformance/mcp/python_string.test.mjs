// `kaos mcp --runtime python-string` driven by the official MCP TypeScript SDK client (pinned in
// package.json): tools generated from Python functions, their schemas, results, and isolation
// (a timeout or a crash fails one call; the server keeps answering). Also: a source with a
// syntax error makes the process exit non-zero naming the line.
// Run: KAOS_BIN=build/bin/kaos node --test python_string.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { KAOS, exited, spawnMcp, startMcp } from './lib/kaos.mjs';

const TOOLS = `
import os
from typing import Literal, Optional

def add(a: int, b: int = 2) -> int:
    """Adds two integers."""
    return a + b

def describe(name: str, tags: list[str], mode: Literal["short", "long"] = "short",
             limit: Optional[float] = None) -> dict:
    """Describes a thing.

    Returns a record."""
    return {"name": name, "tags": tags, "mode": mode, "limit": limit}

def fail(reason: str):
    raise RuntimeError(reason)

def spin():
    while True:
        pass

def crash():
    os.kill(os.getpid(), 11)
`;

let dir;
let proc;
let client;
let baseUrl;

function startKaos(paramsFile, env = {}) {
  return spawnMcp(['--runtime', 'python-string', '--params-file', paramsFile], { env, stderr: 'pipe' });
}

before(async () => {
  assert.ok(KAOS, 'set KAOS_BIN to the kaos binary');
  dir = mkdtempSync(join(tmpdir(), 'kaos-pystr-'));
  const file = join(dir, 'tools.py');
  writeFileSync(file, TOOLS);
  const server = await startMcp(['--runtime', 'python-string', '--params-file', file],
    { env: { MCP_TOOL_TIMEOUT_SECONDS: '1' } });
  proc = server.proc;
  const url = server.url;
  baseUrl = url;
  client = new Client({ name: 'kaos-conformance', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
});

after(async () => {
  await client?.close();
  if (proc) {
    proc.kill('SIGTERM');
    const code = await exited(proc, 10000);
    assert.equal(code, 0, 'kaos mcp did not exit cleanly within 10 s of SIGTERM');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every top-level function is a tool with a schema from its type hints', async () => {
  const { tools } = await client.listTools();
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  assert.deepEqual(Object.keys(byName).sort(), ['add', 'crash', 'describe', 'fail', 'spin']);
  assert.equal(byName.add.description, 'Adds two integers.');
  assert.deepEqual(byName.add.inputSchema, {
    type: 'object',
    properties: { a: { type: 'integer' }, b: { type: 'integer', default: 2 } },
    required: ['a'],
  });
  assert.equal(byName.describe.description, 'Describes a thing.\n\nReturns a record.');
  assert.deepEqual(byName.describe.inputSchema, {
    type: 'object',
    properties: {
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      mode: { type: 'string', enum: ['short', 'long'], default: 'short' },
      limit: { anyOf: [{ type: 'number' }, { type: 'null' }], default: null },
    },
    required: ['name', 'tags'],
  });
});

test('results: int as text, dict as structuredContent plus JSON text', async () => {
  const sum = await client.callTool({ name: 'add', arguments: { a: 40 } });
  assert.ok(!sum.isError);
  assert.deepEqual(sum.content, [{ type: 'text', text: '42' }]);

  const rec = await client.callTool({ name: 'describe', arguments: { name: 'x', tags: ['a'], mode: 'long' } });
  assert.ok(!rec.isError);
  const expected = { name: 'x', tags: ['a'], mode: 'long', limit: null };
  assert.deepEqual(rec.structuredContent, expected);
  assert.equal(rec.content[0].type, 'text');
  assert.deepEqual(JSON.parse(rec.content[0].text), expected);
});

test('an exception is an isError result with its type and message', async () => {
  const r = await client.callTool({ name: 'fail', arguments: { reason: 'upstream down' } });
  assert.equal(r.isError, true);
  assert.deepEqual(r.content, [{ type: 'text', text: 'RuntimeError: upstream down' }]);
});

test('a timeout fails that call only; the server keeps answering', async () => {
  const r = await client.callTool({ name: 'spin', arguments: {} });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /tool 'spin' timed out after 1 s/);
  const after = await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } });
  assert.deepEqual(after.content, [{ type: 'text', text: '2' }]);
});

test('a crashing worker fails that call only; the server keeps answering', async () => {
  const r = await client.callTool({ name: 'crash', arguments: {} });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /tool 'crash' crashed: its Python worker killed by signal 11/);
  const after = await client.callTool({ name: 'add', arguments: { a: 2 } });
  assert.deepEqual(after.content, [{ type: 'text', text: '4' }]);
});

test('a syntax error makes kaos mcp exit non-zero naming the line', async () => {
  const file = join(dir, 'broken.py');
  writeFileSync(file, 'def ok():\n    return 1\n\ndef broken(:\n    pass\n');
  const bad = startKaos(file);
  let stderr = '';
  bad.stderr.on('data', (d) => { stderr += d; });
  let stdout = '';
  bad.stdout.on('data', (d) => { stdout += d; });
  const code = await exited(bad, 20000);
  assert.notEqual(code, null, 'kaos mcp did not exit within 20 s after the load error');
  assert.notEqual(code, 0);
  assert.match(stderr, /line 4: invalid syntax/);
  assert.doesNotMatch(stdout, /listening on/);
});

// Our own client (kaos mcp-call) against the same server: the listing, a structured result,
// and a tool exception turning into exit code 1 with the message.
test('kaos mcp-call lists and calls the python-string tools', () => {
  const call = (...args) => spawnSync(KAOS, ['mcp-call', baseUrl, ...args], { encoding: 'utf8', timeout: 30000 });
  const list = call('--list', '-o', 'json');
  assert.equal(list.status, 0, list.stderr);
  const names = JSON.parse(list.stdout).map((t) => t.name).sort();
  assert.deepEqual(names, ['add', 'crash', 'describe', 'fail', 'spin']);
  const add = call('add', '--args', '{"a": 40}');
  assert.equal(add.status, 0, add.stderr);
  assert.equal(add.stdout.trim(), '42');
  const described = call('describe', '--args', '{"name": "x", "tags": ["t"]}', '-o', 'json');
  assert.equal(described.status, 0, described.stderr);
  assert.deepEqual(JSON.parse(described.stdout).structuredContent,
    { name: 'x', tags: ['t'], mode: 'short', limit: null });
  const failed = call('fail', '--args', '{"reason": "no way"}');
  assert.equal(failed.status, 1);
  assert.match(failed.stdout + failed.stderr, /RuntimeError: no way/);
  const invalid = call('add', '--args', '{"a": "forty"}');
  assert.equal(invalid.status, 1);
  assert.match(invalid.stdout + invalid.stderr, /a: expected integer, got string/);
});
