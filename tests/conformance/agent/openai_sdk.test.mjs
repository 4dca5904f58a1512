// `kaos agent` (KAOS_BIN) driven by the official openai npm client: the OpenAI-compatible
// /v1/chat/completions of KAOS §2.3 (session ids, streaming, memory events) with a mock model.
// Run: KAOS_BIN=build/bin/kaos node --test openai_sdk.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startAgent, MOCK_TEXT } from './lib/kaos.mjs';

let agent;
let openai;

before(async () => {
  agent = await startAgent();
  openai = new OpenAI({ baseURL: `${agent.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
after(async () => { assert.equal(await agent.stop(), 0); });

test('non-streaming completion returns the mock text and a session id', async () => {
  const res = await openai.chat.completions.create({ model: 'agent', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.object, 'chat.completion');
  assert.match(res.id, /^session_[0-9a-f]{12}$/);
  assert.equal(res.model, 'agent');
  assert.equal(res.choices.length, 1);
  assert.equal(res.choices[0].message.role, 'assistant');
  assert.equal(res.choices[0].message.content, MOCK_TEXT);
  assert.equal(res.choices[0].finish_reason, 'stop');
});

test('streaming yields the text, then a stop chunk, and ends', async () => {
  const stream = await openai.chat.completions.create({
    model: 'agent', messages: [{ role: 'user', content: 'stream' }], stream: true,
  });
  let text = '';
  const finishes = [];
  const ids = new Set();
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    ids.add(chunk.id);
    const choice = chunk.choices[0];
    text += choice.delta?.content ?? '';
    if (choice.finish_reason) finishes.push(choice.finish_reason);
  }
  assert.equal(text, MOCK_TEXT);
  assert.deepEqual(finishes, ['stop']);
  assert.equal(ids.size, 1, 'one session id across the stream');
});

test('X-Session-ID keeps the session, and memory shows both turns', async () => {
  const sessionId = `session_${Date.now().toString(16).slice(-12).padStart(12, '0')}`;
  const headers = { 'X-Session-ID': sessionId };
  for (const content of ['first', 'second']) {
    const res = await openai.chat.completions.create({ model: 'agent', messages: [{ role: 'user', content }] }, { headers });
    assert.equal(res.id, sessionId);
    assert.equal(res.choices[0].message.content, MOCK_TEXT);
  }
  const mem = await (await fetch(`${agent.url}/memory/events?session_id=${encodeURIComponent(sessionId)}`)).json();
  assert.equal(mem.agent, 'sdk-agent');
  const types = mem.events.map((e) => e.event_type);
  assert.deepEqual(types, ['user_message', 'agent_response', 'user_message', 'agent_response']);
  assert.equal(mem.events[0].content, 'first');
  assert.equal(mem.events[2].content, 'second');
  assert.equal(mem.events[1].content, MOCK_TEXT);
});

test('a request without a user message is a 400', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'agent', messages: [{ role: 'system', content: 'only system' }] }),
    (e) => e.status === 400,
  );
});
