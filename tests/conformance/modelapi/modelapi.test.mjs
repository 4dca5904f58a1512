// kaos modelapi driven by the official `openai` npm client (pinned in package.json).
// Starts the real binary (KAOS_BIN) on a free port with a mock config and asserts the wire
// rules an SDK relies on. Run: KAOS_BIN=build/bin/kaos node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';

const KAOS = process.env.KAOS_BIN;
const KEY = 'sk-conformance';
let proc;
let dir;
let client;

const TOOLS = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];

before(async () => {
  assert.ok(KAOS, 'set KAOS_BIN to the kaos binary');
  dir = mkdtempSync(join(tmpdir(), 'kaos-conf-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, [
    'model_list:',
    '  - model_name: mock-model',
    '    litellm_params: {model: mock/mock-model}',
    '  - model_name: "*"',
    '    litellm_params: {model: "mock/*", mock_chunks: 3}',
    'litellm_settings: {drop_params: true}',
    'general_settings: {master_key: os.environ/CONF_MASTER_KEY}',
    '',
  ].join('\n'));
  proc = spawn(KAOS, ['modelapi', '--config', config, '--host', '127.0.0.1', '--port', '0', '--threads', '1'], {
    env: { ...process.env, CONF_MASTER_KEY: KEY, LOG_LEVEL: 'WARNING' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout });
  const port = await new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`kaos modelapi exited with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (m) resolve(Number(m[1]));
    });
  });
  client = new OpenAI({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

after(() => {
  proc?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('chat completion (non-streaming) is deterministic and well-formed', async () => {
  const req = { model: 'mock-model', messages: [{ role: 'user', content: 'Hello KAOS' }] };
  const a = await client.chat.completions.create(req);
  const b = await client.chat.completions.create(req);
  assert.equal(a.object, 'chat.completion');
  assert.equal(a.model, 'mock-model');
  assert.equal(a.choices[0].message.role, 'assistant');
  assert.equal(a.choices[0].message.content, 'Mock response to: Hello KAOS');
  assert.equal(a.choices[0].finish_reason, 'stop');
  assert.deepEqual(a.usage, { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  assert.equal(a.id, b.id);
});

test('streaming: role first, finish_reason only at the end, usage chunk last', async () => {
  const stream = await client.chat.completions.create({
    model: 'mock-model', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'stream this reply' }],
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length >= 4);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const withChoices = chunks.filter((c) => c.choices.length > 0);
  const finishes = withChoices.map((c) => c.choices[0].finish_reason);
  assert.deepEqual(finishes.filter(Boolean), ['stop']);
  assert.equal(finishes.at(-1), 'stop');
  const text = withChoices.map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(text, 'Mock response to: stream this reply');
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.completion_tokens, 6);
  assert.ok(chunks.every((c) => c.id === chunks[0].id && c.object === 'chat.completion.chunk'));
});

test('streaming tool call is accumulated by the SDK helper', async () => {
  const runner = client.chat.completions.stream({
    model: 'agent-model', tools: TOOLS,
    messages: [{ role: 'user', content: 'Please call get_weather with {"city": "Paris"}' }],
  });
  const final = await runner.finalChatCompletion();
  const choice = final.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.match(call.id, /^call_[0-9a-f]{16}$/);
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });

  // Second turn: the mock answers with the tool result.
  const answer = await client.chat.completions.create({
    model: 'agent-model', tools: TOOLS,
    messages: [
      { role: 'user', content: 'Please call get_weather with {"city": "Paris"}' },
      choice.message,
      { role: 'tool', tool_call_id: call.id, content: '21 degrees and sunny' },
    ],
  });
  assert.equal(answer.choices[0].message.content, '21 degrees and sunny');
  assert.equal(answer.choices[0].finish_reason, 'stop');
});

test('models list', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids, ['mock-model', '*']);
});

test('embeddings (SDK default base64 and float)', async () => {
  const res = await client.embeddings.create({ model: 'embed-model', input: ['hello', 'world'] });
  assert.equal(res.data.length, 2);
  const v = res.data[0].embedding;
  assert.equal(v.length, 16);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
  const again = await client.embeddings.create({ model: 'embed-model', input: 'hello', encoding_format: 'float' });
  assert.ok(again.data[0].embedding.every((x, i) => Math.abs(x - v[i]) < 1e-6));
  assert.equal(res.usage.prompt_tokens, 2);
});

test('errors map to SDK error classes', async () => {
  const bad = new OpenAI({ apiKey: 'wrong', baseURL: client.baseURL, maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  await assert.rejects(
    client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'robot', content: 'x' }] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'messages[0].role');
});
