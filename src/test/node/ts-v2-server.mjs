// A 2026-07-28-only MCP server on the TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0), for the gateway's
// tests of a 2026-era upstream: the tools that need the client (sampling, elicitation, roots) answer input_required,
// add_tool changes the tool list and bump the resource mem://counter (both announced on subscriptions/listen).
//   node ts-v2-server.mjs          stdio
//   node ts-v2-server.mjs http     HTTP on 127.0.0.1, any free port; prints "listening on <url>" first
import http from 'node:http';
import { Readable } from 'node:stream';
import { McpServer, acceptedContent, createMcpHandler, fromJsonSchema, inputRequired } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

const object = (properties = {}) => fromJsonSchema({ type: 'object', properties, required: Object.keys(properties) });
const text = (t) => ({ content: [{ type: 'text', text: t }] });

const added = [];
let announce = () => {};
let updated = () => {};
let counter = 0;

const factory = () => {
    const server = new McpServer({ name: 'ts-v2', version: '2.4.0' }, {
        capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } },
    });
    server.registerResource('counter', 'mem://counter', { mimeType: 'text/plain' },
        async (uri) => ({ contents: [{ uri: uri.href, text: String(counter) }] }));
    server.registerTool('bump', { description: 'Changes mem://counter', inputSchema: object() }, async () => {
        counter++;
        updated(server, 'mem://counter');
        return text(`counter ${counter}`);
    });
    server.registerTool('echo', { description: 'Echoes text', inputSchema: object({ text: { type: 'string' } }) },
        async ({ text: t }) => text(`echo: ${t}`));
    server.registerTool('sample', { description: 'Asks the client to sample', inputSchema: object({ prompt: { type: 'string' } }) },
        async ({ prompt }, ctx) => {
            const answer = ctx.mcpReq.inputResponses?.llm;
            if (!answer) {
                return inputRequired({ inputRequests: { llm: inputRequired.createMessage({
                    messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 50 }) } });
            }
            return text(`sampled: ${answer.content?.text}`);
        });
    server.registerTool('confirm', { description: 'Asks the user to confirm', inputSchema: object() },
        async (_args, ctx) => {
            const content = acceptedContent(ctx.mcpReq.inputResponses, 'confirm');
            if (!content) {
                return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: 'Go on?',
                    requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }) },
                    requestState: 'asked-once' });
            }
            return text(`confirmed: ${content.ok}, state ${ctx.mcpReq.requestState?.() ?? 'none'}`);
        });
    server.registerTool('roots', { description: 'Lists the client roots', inputSchema: object() },
        async (_args, ctx) => {
            const roots = ctx.mcpReq.inputResponses?.roots;
            if (!roots) return inputRequired({ inputRequests: { roots: inputRequired.listRoots() } });
            return text(`roots: ${roots.roots.map((r) => r.uri).join(',')}`);
        });
    server.registerTool('add_tool', { description: 'Adds a tool', inputSchema: object({ name: { type: 'string' } }) },
        async ({ name }) => {
            added.push(name);
            register(server, name);
            announce(server);
            return text(`added ${name}`);
        });
    added.forEach((name) => register(server, name));
    return server;
};

function register(server, name) {
    server.registerTool(name, { description: 'added at run time', inputSchema: object() }, async () => text(`${name} works`));
}

if (process.argv[2] === 'http') {
    const handler = createMcpHandler(factory, { legacy: 'reject' });
    announce = () => handler.notify.toolsChanged();
    updated = (_server, uri) => handler.notify.resourceUpdated(uri);
    const listener = http.createServer(async (req, res) => {
        const url = `http://${req.headers.host}${req.url}`;
        const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req);
        const request = new Request(url, { method: req.method, headers: req.headers, body, duplex: 'half' });
        const response = await handler.fetch(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (!response.body) return res.end();
        const out = Readable.fromWeb(response.body);
        res.on('close', () => out.destroy());
        out.pipe(res);
    });
    listener.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${listener.address().port}/mcp`));
} else {
    announce = (server) => server.sendToolListChanged();
    updated = (server, uri) => server.server.sendResourceUpdated({ uri });
    serveStdio(factory, { legacy: 'reject' });
}
