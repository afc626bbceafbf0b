// A 2026-07-28-only MCP server over stdio on the TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0), for the
// gateway's tests of a 2026-era upstream: the tools that need the client (sampling, elicitation, roots) answer
// input_required, and add_tool changes the tool list (announced on subscriptions/listen).
import { McpServer, acceptedContent, fromJsonSchema, inputRequired } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

const object = (properties = {}) => fromJsonSchema({ type: 'object', properties, required: Object.keys(properties) });
const text = (t) => ({ content: [{ type: 'text', text: t }] });

serveStdio(() => {
    const server = new McpServer({ name: 'ts-v2', version: '2.4.0' }, { capabilities: { tools: { listChanged: true } } });
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
            server.registerTool(name, { description: 'added at run time', inputSchema: object() },
                async () => text(`${name} works`));
            server.sendToolListChanged();
            return text(`added ${name}`);
        });
    return server;
}, { legacy: 'reject' });
