// A real headless browser (Debian's chromium, driven by playwright-core) against `kaos agent`
// on its default address: a page from another origin tries to make the agent act, the way a
// malicious site (or a DNS-rebinding one) would, and nothing runs (the agent's memory is
// unchanged). A page from an allowed origin is served, so the browser path itself works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const KAOS = process.env.KAOS_BIN;
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const EVIL = 'evil.example';

/// Starts `kaos agent` (mock model, local memory) on 0.0.0.0 and a free port.
async function startAgent(extraArgs = []) {
  if (!KAOS) throw new Error('set KAOS_BIN to the kaos binary');
  const proc = spawn(KAOS, ['agent', '--port', '0', ...extraArgs], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'WARNING', AGENT_NAME: 'browser-target',
      DEBUG_MOCK_RESPONSES: JSON.stringify(Array(20).fill('acted')), MEMORY_ENABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout });
  const port = await new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`kaos agent exited (${code}) before listening`)));
    lines.on('line', (line) => {
      const m = line.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (m) resolve(Number(m[1]));
    });
  });
  return { proc, port, url: `http://127.0.0.1:${port}` };
}

async function memoryEvents(agent) {
  const res = await fetch(`${agent.url}/memory/events?limit=1000`);
  assert.equal(res.status, 200);
  return (await res.json()).events.length;
}

/// A plain page on its own loopback port; the browser reaches it as http://evil.example:PORT.
async function startPageServer() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>somewhere else</title><p>nothing to see</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}

let browser;
let page;
let pages;
let agent;
let friendly;

before(async () => {
  pages = await startPageServer();
  const pageOrigin = `http://${EVIL}:${pages.port}`;
  agent = await startAgent();
  friendly = await startAgent(['--allowed-origins', pageOrigin]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // evil.example resolves to this machine, as a rebinding name would.
    args: [`--host-resolver-rules=MAP ${EVIL} 127.0.0.1`, '--no-sandbox'],
  });
  page = await browser.newPage();
  await page.goto(`${pageOrigin}/`);
});

after(async () => {
  await browser?.close();
  for (const a of [agent, friendly]) a?.proc.kill('SIGTERM');
  pages?.server.close();
});

const chatBody = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'do something' }] });

test('a no-cors text/plain POST from another origin runs nothing', async () => {
  const before = await memoryEvents(agent);
  const outcome = await page.evaluate(async ({ url, body }) => {
    const res = await fetch(url, { method: 'POST', mode: 'no-cors', body, headers: { 'Content-Type': 'text/plain' } });
    return res.type;  // opaque: the page cannot read the answer either
  }, { url: `${agent.url}/v1/chat/completions`, body: chatBody });
  assert.equal(outcome, 'opaque');
  // A2A and the agent's MCP endpoint too.
  for (const path of ['/', '/mcp']) {
    await page.evaluate(async ({ url, body }) => {
      await fetch(url, { method: 'POST', mode: 'no-cors', body });
    }, { url: `${agent.url}${path}`, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: {} }) });
  }
  assert.equal(await memoryEvents(agent), before, 'the agent acted on a cross-origin page request');
});

test('a CORS JSON POST from another origin is stopped at the preflight', async () => {
  const before = await memoryEvents(agent);
  const error = await page.evaluate(async ({ url, body }) => {
    try {
      await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      return 'no error';
    } catch (e) {
      return String(e);
    }
  }, { url: `${agent.url}/v1/chat/completions`, body: chatBody });
  assert.match(error, /TypeError/);
  assert.equal(await memoryEvents(agent), before);
});

test('a rebinding page (same origin, its own Host name) runs nothing', async () => {
  const rebound = await browser.newPage();
  try {
    // The agent's own port under the attacker's name: the page and the agent share an origin.
    await rebound.goto(`http://${EVIL}:${agent.port}/health`);
    const before = await memoryEvents(agent);
    const status = await rebound.evaluate(async (body) => {
      const res = await fetch('/v1/chat/completions', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      return res.status;
    }, chatBody);
    assert.equal(status, 403);
    assert.equal(await memoryEvents(agent), before);
  } finally {
    await rebound.close();
  }
});

test('the same page is served by an agent that allows its origin', async () => {
  const before = await memoryEvents(friendly);
  const answer = await page.evaluate(async ({ url, body }) => {
    const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    return { status: res.status, body: await res.json() };
  }, { url: `${friendly.url}/v1/chat/completions`, body: chatBody });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.choices[0].message.content, 'acted');
  assert.ok((await memoryEvents(friendly)) > before);
});
