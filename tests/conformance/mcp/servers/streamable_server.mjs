// A Streamable HTTP MCP server from the official TypeScript SDK, for the client tests.
// Usage: node streamable_server.mjs [--json] [--port N]
//   --json   answer POSTs with application/json instead of SSE streams
// Endpoint /mcp (stateful: Mcp-Session-Id). POST /admin/expire forgets every session, so the
// next request with an old id gets 404 (session expiry). Prints "listening on http://...".
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { makeServer, newState, announce, readBody } from './tools.mjs';

const json = process.argv.includes('--json');
const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
const state = newState();
const sessions = new Map();
let initializes = 0;

const httpServer = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/admin/expire' && req.method === 'POST') {
      for (const t of sessions.values()) await t.close();
      sessions.clear();
      res.writeHead(200).end('expired');
      return;
    }
    if (url.pathname === '/admin/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ initializes, listCalls: state.listCalls, sessions: sessions.size }));
      return;
    }
    if (url.pathname !== '/mcp') { res.writeHead(404).end('not found'); return; }
    const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || 'null') : undefined;
    const sid = req.headers['mcp-session-id'];
    if (sid) {
      const t = sessions.get(sid);
      if (!t) {
        res.writeHead(404, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      await t.handleRequest(req, res, body);
      return;
    }
    if (req.method !== 'POST' || body?.method !== 'initialize') {
      res.writeHead(400, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: no session id' }, id: null }));
      return;
    }
    initializes++;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: json,
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onclose = () => { if (transport.sessionId) sessions.delete(transport.sessionId); };
    await makeServer(state).connect(transport);
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});
httpServer.listen(port, '127.0.0.1', () => announce(httpServer, 'streamable MCP test server'));
process.on('SIGTERM', () => process.exit(0));
