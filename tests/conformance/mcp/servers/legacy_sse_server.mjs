// A legacy HTTP+SSE MCP server (protocol 2024-11-05) from the official TypeScript SDK, for the
// client tests. GET /sse opens the stream (first event: `endpoint` = /messages?sessionId=...),
// POST /messages delivers client messages. POST /sse answers 405, as old servers do, so the
// client's automatic transport choice falls back to GET. Prints "listening on http://...".
import http from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { makeServer, newState, announce, readBody } from './tools.mjs';

const state = newState();
const transports = new Map();

const httpServer = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/sse') {
      if (req.method !== 'GET') { res.writeHead(405, { Allow: 'GET' }).end('method not allowed'); return; }
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      res.on('close', () => transports.delete(transport.sessionId));
      await makeServer(state).connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const t = transports.get(url.searchParams.get('sessionId'));
      if (!t) { res.writeHead(404).end('unknown session'); return; }
      const body = JSON.parse(await readBody(req));
      await t.handlePostMessage(req, res, body);
      return;
    }
    res.writeHead(404).end('not found');
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});
httpServer.listen(0, '127.0.0.1', () => announce(httpServer, 'legacy SSE MCP test server'));
process.on('SIGTERM', () => process.exit(0));
