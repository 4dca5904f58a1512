// `kaos agent` (KAOS_BIN) driven by the official A2A JS SDK 1.x with its default settings
// (ClientFactory → card at /.well-known/agent-card.json → JSONRPC 1.0 interface), plus raw
// 0.3 and KAOS-alias JSON-RPC calls, against a scripted mock model.
// Run: KAOS_BIN=build/bin/kaos node --test a2a_sdk.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Role, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { startAgent, MOCK_TEXT } from './lib/kaos.mjs';

let agent;
let client;

before(async () => {
  agent = await startAgent();
  client = await new ClientFactory().createFromUrl(agent.url);
});
after(async () => { assert.equal(await agent.stop(), 0); });

/// A 1.0 user message in the SDK's (ts-proto) shape.
function userMessage(text, extra = {}) {
  return { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text } }], ...extra };
}

/// The text parts of a Task's artifacts (SDK shape), joined.
function artifactText(task) {
  return task.artifacts.flatMap((a) => a.parts).filter((p) => p.content?.$case === 'text').map((p) => p.content.value).join('');
}

async function rpc(method, params) {
  const res = await fetch(`${agent.url}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.jsonrpc, '2.0');
  assert.equal(body.id, 1);
  return body;
}

test('the card serves both the 1.0 interface and the 0.3/KAOS fields, at both well-known paths', async () => {
  for (const path of ['/.well-known/agent-card.json', '/.well-known/agent.json']) {
    const res = await fetch(agent.url + path);
    assert.equal(res.status, 200, path);
    const card = await res.json();
    assert.equal(card.name, 'sdk-agent');
    const iface = card.supportedInterfaces.find((i) => i.protocolBinding === 'JSONRPC' && i.protocolVersion === '1.0');
    assert.ok(iface, 'a JSONRPC 1.0 interface');
    assert.equal(new URL(iface.url).port, new URL(agent.url).port);
    assert.equal(card.protocolVersion, '0.3.0');
    assert.equal(card.preferredTransport, 'JSONRPC');
    assert.deepEqual(card.supportedProtocols, ['jsonrpc']);
    assert.equal(card.capabilities.streaming, true);
    for (const key of ['description', 'version', 'defaultInputModes', 'defaultOutputModes', 'skills']) assert.ok(key in card, key);
  }
  assert.equal(client.protocolVersion, '1.0');  // the SDK picked the 1.0 binding
});

test('sendMessage returns a completed task carrying the answer', async () => {
  const result = await client.sendMessage({ message: userMessage('hi') });
  assert.ok(!('messageId' in result), 'a Task, not a Message');
  assert.match(result.id, /\S/);
  assert.match(result.contextId, /\S/);
  assert.equal(result.status.state, TaskState.TASK_STATE_COMPLETED);
  assert.equal(artifactText(result), MOCK_TEXT);
  const roles = result.history.map((m) => m.role);
  assert.deepEqual(roles, [Role.ROLE_USER, Role.ROLE_AGENT]);
});

test('sendMessage keeps the context the client names', async () => {
  const contextId = `ctx-${randomUUID()}`;
  const first = await client.sendMessage({ message: userMessage('one', { contextId }) });
  const second = await client.sendMessage({ message: userMessage('two', { contextId }) });
  assert.equal(first.contextId, contextId);
  assert.equal(second.contextId, contextId);
  assert.notEqual(first.id, second.id);
});

test('sendMessageStream yields events that end in a completed state with the answer', async () => {
  const events = [];
  for await (const event of client.sendMessageStream({ message: userMessage('stream please') })) events.push(event.payload);
  assert.ok(events.length >= 1);
  for (const e of events) assert.ok(['task', 'statusUpdate', 'artifactUpdate', 'message'].includes(e.$case), e.$case);
  const taskIds = new Set(events.map((e) => (e.$case === 'task' ? e.value.id : e.value.taskId)).filter(Boolean));
  assert.equal(taskIds.size, 1, 'every event belongs to one task');
  const text = events.map((e) => {
    if (e.$case === 'artifactUpdate') return e.value.artifact.parts.map((p) => p.content?.value ?? '').join('');
    return '';
  }).join('');
  const last = events.at(-1);
  const finalState = last.$case === 'task' ? last.value.status.state : last.value.status?.state;
  assert.equal(finalState, TaskState.TASK_STATE_COMPLETED, `last event: ${JSON.stringify(last)}`);
  const finalText = text || (last.$case === 'task' ? artifactText(last.value) : '');
  assert.equal(finalText, MOCK_TEXT);
});

test('getTask returns the task by id', async () => {
  const sent = await client.sendMessage({ message: userMessage('remember me') });
  const got = await client.getTask({ id: sent.id });
  assert.equal(got.id, sent.id);
  assert.equal(got.contextId, sent.contextId);
  assert.equal(got.status.state, TaskState.TASK_STATE_COMPLETED);
  assert.equal(artifactText(got), MOCK_TEXT);
  await assert.rejects(client.getTask({ id: 'task_doesnotexist' }), (e) => e.name === 'TaskNotFoundError' && e.envelopeCode === -32001);
});

// A2A 1.0 §3.1.5 and the SDK's own server: a terminal task is not cancelable (-32002).
// (KAOS's `tasks/cancel` alias instead returns it unchanged — checked below.)
test('cancelTask of a finished task is TaskNotCancelable; of an unknown one TaskNotFound', async () => {
  const sent = await client.sendMessage({ message: userMessage('finish fast') });
  await assert.rejects(client.cancelTask({ id: sent.id }), (e) => e.name === 'TaskNotCancelableError' && e.envelopeCode === -32002);
  await assert.rejects(client.cancelTask({ id: 'task_doesnotexist' }), (e) => e.name === 'TaskNotFoundError');
});

test('listTasks includes a sent task', async () => {
  const sent = await client.sendMessage({ message: userMessage('list me') });
  const listed = await client.listTasks({});
  assert.ok(listed.tasks.some((t) => t.id === sent.id));
});

test('0.3 message/send answers a 0.3 Task; tasks/get and tasks/cancel answer a superset', async () => {
  const sent = await rpc('message/send', {
    message: { kind: 'message', messageId: randomUUID(), role: 'user', parts: [{ kind: 'text', text: 'legacy hi' }] },
  });
  const task = sent.result;
  assert.equal(task.kind, 'task');
  assert.equal(task.status.state, 'completed');
  assert.equal(task.artifacts[0].parts[0].kind, 'text');
  assert.equal(task.artifacts[0].parts[0].text, MOCK_TEXT);
  for (const m of task.history) {
    assert.ok(['user', 'agent'].includes(m.role));
    assert.match(m.messageId, /\S/);
  }

  const got = (await rpc('tasks/get', { id: task.id })).result;
  assert.equal(got.kind, 'task');
  assert.equal(got.id, task.id);
  assert.equal(got.contextId, task.contextId);
  assert.equal(got.sessionId, task.contextId);  // KAOS field
  assert.equal(got.output, MOCK_TEXT);
  assert.equal(got.autonomous, false);
  assert.ok(Array.isArray(got.events));
  assert.equal(got.history[0].parts[0].type, 'text');

  const canceled = (await rpc('tasks/cancel', { id: task.id })).result;
  assert.equal(canceled.id, task.id);
  assert.equal(canceled.status.state, 'completed');  // terminal: returned unchanged (KAOS)

  const missing = await rpc('tasks/get', { id: 'task_doesnotexist' });
  assert.equal(missing.error.code, -32001);
  assert.equal(missing.error.message, 'Task not found: task_doesnotexist');
});

test('KAOS tasks/send reads type:text parts and sessionId; errors carry KAOS messages', async () => {
  const sent = await rpc('tasks/send', { message: { role: 'user', parts: [{ type: 'text', text: 'kaos hi' }] }, sessionId: 'kaos-session' });
  assert.equal(sent.result.sessionId, 'kaos-session');
  assert.equal(sent.result.status.state, 'completed');
  assert.equal(sent.result.output, MOCK_TEXT);

  const noMessage = await rpc('SendMessage', {});
  assert.equal(noMessage.error.code, -32602);
  assert.equal(noMessage.error.message, "Missing required 'message' parameter");
  const noText = await rpc('SendMessage', { message: { role: 'ROLE_USER', parts: [] } });
  assert.equal(noText.error.message, 'Message must contain text content');
  const noId = await rpc('GetTask', {});
  assert.equal(noId.error.message, "Missing required 'id' parameter");
  const unknown = await rpc('no/such', {});
  assert.equal(unknown.error.code, -32601);
  assert.equal(unknown.error.message, 'Method not found: no/such');
});

// KAOS's own clients (its e2e tests, kaos-cli, kaos-ui) call the same PascalCase methods without
// the A2A-Version header and read KAOS's task; the SDK, which always sends `A2A-Version: 1.0`,
// keeps getting 1.0 from the same agent (docs/a2a.md, "Which dialect").
test('without A2A-Version, SendMessage/GetTask answer the KAOS task; the SDK still reads the same task', async () => {
  const sent = await rpc('SendMessage', { message: { role: 'user', parts: [{ type: 'text', text: 'kaos client' }] }, contextId: 'kaos-ctx' });
  const task = sent.result;
  assert.equal(task.status.state, 'completed');
  assert.equal(task.status.message, 'Done');
  assert.equal(task.sessionId, 'kaos-ctx');
  assert.equal(task.mode, 'interactive');
  assert.equal(task.output, MOCK_TEXT);
  assert.ok(Array.isArray(task.events));
  const got = (await rpc('GetTask', { id: task.id })).result;
  assert.equal(got.status.state, 'completed');
  const viaSdk = await client.getTask({ id: task.id });
  assert.equal(viaSdk.status.state, TaskState.TASK_STATE_COMPLETED);
  assert.equal(artifactText(viaSdk), MOCK_TEXT);
  assert.equal(viaSdk.status.message?.parts?.[0]?.content?.value, 'Done');  // a Message for 1.0
});

test('the older KAOS card path /.well-known/agent serves the card with KAOS capability keys', async () => {
  const res = await fetch(`${agent.url}/.well-known/agent`);
  assert.equal(res.status, 200);
  const card = await res.json();
  assert.equal(card.name, 'sdk-agent');
  assert.equal(card.capabilities.message_processing, true);
  assert.equal(card.capabilities.task_execution, true);
  assert.ok(!('tool_execution' in card.capabilities), 'no MCP servers');
  // The SDK reads the card with those keys (it got here through createFromUrl).
  assert.equal(client.protocolVersion, '1.0');
});
