// The tool set both test servers expose, on the official SDK's low-level Server (so tools/list
// can paginate). Used by the C++ client tests (src/clients/mcp/*_test.cpp) and the Node tests.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema, ListToolsRequestSchema, EmptyResultSchema,
} from '@modelcontextprotocol/sdk/types.js';

const PAGE = 2;  // small, so every client test exercises nextCursor

const obj = (props = {}) => ({ type: 'object', properties: props });
const BASE_TOOLS = [
  { name: 'echo', description: 'Returns its text argument\nSecond line', inputSchema: obj({ text: { type: 'string' } }) },
  { name: 'add', description: 'Adds a and b', inputSchema: obj({ a: { type: 'number' }, b: { type: 'number' } }) },
  { name: 'fail', description: 'Always fails (isError)', inputSchema: obj() },
  { name: 'progress', description: 'Sends three progress notifications', inputSchema: obj() },
  { name: 'ping_client', description: 'Pings the client before answering', inputSchema: obj() },
  { name: 'slow', description: 'Answers after ms milliseconds', inputSchema: obj({ ms: { type: 'number' } }) },
  { name: 'image', description: 'Returns an image block and structured content', inputSchema: obj() },
  { name: 'add_tool', description: 'Adds a tool and sends tools/list_changed', inputSchema: obj() },
];

/// A fresh Server (one per session). `state` is shared across sessions of one process.
export function makeServer(state) {
  const server = new Server({ name: 'kaos-test-server', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async (req) => {
    const all = [...BASE_TOOLS, ...state.extraTools];
    const start = req.params?.cursor ? Number(req.params.cursor) : 0;
    const page = all.slice(start, start + PAGE);
    state.listCalls++;
    return start + PAGE < all.length ? { tools: page, nextCursor: String(start + PAGE) } : { tools: page };
  });
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const args = req.params.arguments ?? {};
    const text = (t) => ({ content: [{ type: 'text', text: t }] });
    switch (req.params.name) {
      case 'echo': return text(String(args.text ?? ''));
      case 'add': return { ...text(String(args.a + args.b)), structuredContent: { sum: args.a + args.b } };
      case 'fail': return { content: [{ type: 'text', text: 'this tool always fails' }], isError: true };
      case 'progress': {
        const token = req.params._meta?.progressToken;
        for (let i = 1; i <= 3; i++) {
          if (token !== undefined)
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3, message: `step ${i}` } });
        }
        await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'progress done' } });
        return text('done');
      }
      case 'ping_client': {
        await extra.sendRequest({ method: 'ping' }, EmptyResultSchema);
        return text('client answered ping');
      }
      case 'slow': {
        await new Promise((r) => setTimeout(r, Number(args.ms ?? 1000)));
        return text('slow done');
      }
      case 'image':
        return { content: [{ type: 'image', data: Buffer.alloc(1234).toString('base64'), mimeType: 'image/png' }], structuredContent: { width: 1, height: 1 } };
      case 'add_tool': {
        state.extraTools.push({ name: `extra_${state.extraTools.length + 1}`, description: 'Added at run time', inputSchema: obj() });
        await extra.sendNotification({ method: 'notifications/tools/list_changed' });
        return text('added');
      }
      default:
        throw new Error(`Unknown tool: ${req.params.name}`);
    }
  });
  return server;
}

export function newState() { return { extraTools: [], listCalls: 0 }; }

/// Prints the line tests wait for.
export function announce(httpServer, what) {
  const { port } = httpServer.address();
  console.log(`${what} listening on http://127.0.0.1:${port}`);
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
