#!/usr/bin/env node
// A real MCP client for tests: the official TypeScript SDK connects to a server (usually the gateway), performs
// the requested operations and prints ONE JSON object on stdout, so that a Java test can assert on what a
// TypeScript user would see.
//
//   node ts-client.mjs --url URL [--transport streamable|sse] [--call TOOL [--args JSON]]...
//                      [--read URI] [--prompt NAME [--prompt-args JSON]] [--timeout MS] [--header 'NAME: VALUE']...
//
// Success (exit 0): {serverInfo, protocolVersion, tools: [names], calls: [{name, result} | {name, error}], read, prompt}
// A failed call, read or prompt is reported in place ({error: {code, message}}); anything that stops the session
// (cannot connect, cannot list tools, bad options) prints {error} and exits 1.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

function parseArgs(argv) {
  const options = { transport: 'streamable', calls: [], timeout: 30000, headers: {} };
  const value = (i, flag) => {
    if (i + 1 >= argv.length) throw new Error(`missing value for ${flag}`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const v = value(i, flag);
    switch (flag) {
      case '--url': options.url = v; break;
      case '--transport':
        if (v !== 'streamable' && v !== 'sse') throw new Error(`unknown transport ${v}`);
        options.transport = v;
        break;
      case '--call': options.calls.push({ name: v, arguments: {} }); break;
      case '--args':
        if (options.calls.length === 0) throw new Error('--args must follow --call');
        options.calls[options.calls.length - 1].arguments = JSON.parse(v);
        break;
      case '--read': options.read = v; break;
      case '--prompt': options.prompt = v; break;
      case '--prompt-args': options.promptArgs = JSON.parse(v); break;
      case '--timeout': options.timeout = Number(v); break;
      case '--header': {
        const colon = v.indexOf(':');
        if (colon <= 0) throw new Error(`--header needs NAME: VALUE, got ${v}`);
        options.headers[v.slice(0, colon).trim()] = v.slice(colon + 1).trim();
        break;
      }
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  if (!options.url) throw new Error('--url is required');
  return options;
}

// The SDK only throws; a test wants the JSON-RPC code and message.
function describeError(e) {
  return typeof e?.code === 'number' ? { code: e.code, message: e.message } : { message: String(e?.message ?? e) };
}

async function attempt(fn) {
  try {
    return { result: await fn() };
  } catch (e) {
    return { error: describeError(e) };
  }
}

async function listAllTools(client, requestOptions) {
  const names = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {}, requestOptions);
    names.push(...page.tools.map((t) => t.name));
    cursor = page.nextCursor;
  } while (cursor);
  return names;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const url = new URL(options.url);
  // Headers (an Authorization: Bearer credential) go on every request, the SSE stream's GET included.
  const transportOptions = { requestInit: { headers: options.headers } };
  const transport = options.transport === 'sse'
    ? new SSEClientTransport(url, transportOptions)
    : new StreamableHTTPClientTransport(url, transportOptions);
  // The client tells the transport the negotiated version; neither exposes it otherwise for both transports.
  let protocolVersion;
  const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version) => {
    protocolVersion = version;
    setProtocolVersion?.(version);
  };

  const client = new Client({ name: 'mcpstore-ts-client', version: '1.0.0' });
  const requestOptions = { timeout: options.timeout };
  await client.connect(transport, requestOptions);
  try {
    const out = {
      serverInfo: client.getServerVersion(),
      protocolVersion,
      tools: await listAllTools(client, requestOptions),
      calls: [],
    };
    for (const call of options.calls) {
      const outcome = await attempt(() => client.callTool({ name: call.name, arguments: call.arguments }, undefined, requestOptions));
      out.calls.push({ name: call.name, ...outcome });
    }
    if (options.read !== undefined) {
      const outcome = await attempt(() => client.readResource({ uri: options.read }, requestOptions));
      out.read = outcome.error ? { error: outcome.error } : outcome.result;
    }
    if (options.prompt !== undefined) {
      const outcome = await attempt(() =>
        client.getPrompt({ name: options.prompt, arguments: options.promptArgs ?? {} }, requestOptions));
      out.prompt = outcome.error ? { error: outcome.error } : outcome.result;
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await client.close().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stdout.write(JSON.stringify({ error: describeError(e) }) + '\n');
    process.exit(1);
  },
);
