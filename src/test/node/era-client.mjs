#!/usr/bin/env node
// A real MCP client of either era for the gateway's mixed-era tests: the TypeScript SDK v2
// (@modelcontextprotocol/client 2.4.0, pinned to 2026-07-28: stateless requests, input_required rounds fulfilled by
// its own handlers, subscriptions/listen) or the TypeScript SDK 1.x (@modelcontextprotocol/sdk: a 2025-11-25
// session, server->client requests, list changes on the session's GET stream). It answers sampling, elicitation and
// roots requests itself, calls the tools, then waits for notifications/tools/list_changed after calling the trigger
// tool, and prints ONE JSON object on stdout.
//
//   node era-client.mjs --era 2026|2025 --url URL [--call TOOL [--args JSON]]... [--trigger TOOL] [--timeout MS]
//
// Output (exit 0): {era, protocolVersion, calls: [{name, text} | {name, error}], listChanged: true|false}
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

function parseArgs(argv) {
  const options = { calls: [], timeout: 20000 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`missing value for ${flag}`);
    switch (flag) {
      case '--era': options.era = v; break;
      case '--url': options.url = v; break;
      case '--call': options.calls.push({ name: v, arguments: {} }); break;
      case '--args': options.calls[options.calls.length - 1].arguments = JSON.parse(v); break;
      case '--trigger': options.trigger = v; break;
      case '--timeout': options.timeout = Number(v); break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  if (!options.url || !['2025', '2026'].includes(options.era)) throw new Error('--era 2025|2026 and --url are required');
  return options;
}

// What a user would answer: the sampled text, the form filled from its schema, one root.
const sampled = () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'era-client', stopReason: 'endTurn' });
function filled(params) {
  const content = {};
  for (const [name, schema] of Object.entries(params?.requestedSchema?.properties ?? {})) {
    content[name] = schema.type === 'boolean' ? true : schema.type === 'number' || schema.type === 'integer' ? 1 : 'Ada';
  }
  return { action: 'accept', content };
}
const roots = () => ({ roots: [{ uri: 'file:///era/root', name: 'era root' }] });

function text(result) {
  return (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const capabilities = { sampling: {}, elicitation: {}, roots: { listChanged: true } };
  const info = { name: `era-client-${options.era}`, version: '1.0.0' };
  let client;
  let listChanged;
  const changed = new Promise((resolve) => { listChanged = resolve; });
  if (options.era === '2026') {
    client = new ModernClient(info, { capabilities, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    client.setRequestHandler('sampling/createMessage', async () => sampled());
    client.setRequestHandler('elicitation/create', async (request) => filled(request.params));
    client.setRequestHandler('roots/list', async () => roots());
    client.setNotificationHandler('notifications/tools/list_changed', () => listChanged(true));
    await client.connect(new ModernTransport(new URL(options.url)));
  } else {
    client = new LegacyClient(info, { capabilities });
    client.setRequestHandler(CreateMessageRequestSchema, async () => sampled());
    client.setRequestHandler(ElicitRequestSchema, async (request) => filled(request.params));
    client.setRequestHandler(ListRootsRequestSchema, async () => roots());
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => listChanged(true));
    await client.connect(new LegacyTransport(new URL(options.url)));
  }
  const out = { era: options.era, protocolVersion: client.getNegotiatedProtocolVersion?.() ?? client.transport?.protocolVersion, calls: [] };
  for (const call of options.calls) {
    try {
      out.calls.push({ name: call.name, text: text(await client.callTool(call, undefined, { timeout: options.timeout })) });
    } catch (e) {
      out.calls.push({ name: call.name, error: { code: e?.code, message: String(e?.message ?? e) } });
    }
  }
  if (options.trigger) {
    const subscription = options.era === '2026' ? await client.listen({ toolsListChanged: true }) : undefined;
    await client.callTool({ name: options.trigger, arguments: {} });
    out.listChanged = await Promise.race([changed, new Promise((r) => setTimeout(() => r(false), options.timeout))]);
    await subscription?.close();
  }
  await client.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(() => process.exit(0), (e) => {
  process.stdout.write(JSON.stringify({ error: String(e?.stack ?? e) }) + '\n');
  process.exit(1);
});
