// Baseline for bench/mcp: the official TypeScript MCP SDK (@modelcontextprotocol/sdk, the version
// pinned in tests/conformance/mcp) serving one `echo` tool over Streamable HTTP, set up the way a
// KAOS MCP server is: stateful (a session id per initialize, one transport + McpServer per
// session), JSON responses (enableJsonResponse), DELETE ends the session.
// Usage: node ts_echo_server.mjs PORT      (prints "ts mcp listening on http://127.0.0.1:PORT")
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, '../../tests/conformance/mcp/node_modules');
const { McpServer } = await import(path.join(modules, '@modelcontextprotocol/sdk/dist/esm/server/mcp.js'));
const { StreamableHTTPServerTransport } = await import(path.join(modules, '@modelcontextprotocol/sdk/dist/esm/server/streamableHttp.js'));
const { isInitializeRequest } = await import(path.join(modules, '@modelcontextprotocol/sdk/dist/esm/types.js'));
const { z } = await import(path.join(modules, 'zod/index.js'));

const port = Number(process.argv[2] || 0);
const transports = new Map();  // session id -> transport

function newSession() {
  const server = new McpServer({ name: 'bench-ts-echo', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes the message back.', inputSchema: { message: z.string() } },
    async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    enableJsonResponse: true,
    onsessioninitialized: (sid) => { transports.set(sid, transport); },
  });
  transport.onclose = () => { if (transport.sessionId) transports.delete(transport.sessionId); };
  return { server, transport };
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString() || 'null')); } catch (e) { reject(e); } });
    req.on('error', reject);
  });
}

function jsonError(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

const httpServer = http.createServer(async (req, res) => {
  try {
    if (req.url === '/health') { res.writeHead(200).end('ok'); return; }
    if (!req.url.startsWith('/mcp')) { res.writeHead(404).end(); return; }
    const sid = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (sid) {
      const transport = transports.get(sid);
      if (!transport) { jsonError(res, 404, 'Session not found'); return; }
      await transport.handleRequest(req, res, body);
      return;
    }
    if (req.method === 'POST' && isInitializeRequest(body)) {
      const { server, transport } = newSession();
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }
    jsonError(res, 400, 'Bad Request: no valid session id');
  } catch (e) {
    if (!res.headersSent) jsonError(res, 500, String(e));
  }
});
httpServer.keepAliveTimeout = 60_000;
httpServer.listen(port, '127.0.0.1', () => {
  console.log(`ts mcp listening on http://127.0.0.1:${httpServer.address().port}`);
});
