// A tiny stdio MCP server whose behaviour tests steer through tools, for what the reference server cannot show:
// paginated lists, list_changed, requests to the client, and pings that go unanswered.
const readline = require("readline");

let tools = ["alpha", "beta", "gamma"];
let mutePings = false;
const cancelled = []; // request ids the client gave up on
let nextId = 1;
const waiting = new Map(); // our request id -> resolve

const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...m }) + "\n");
const ask = (method, params) =>
  new Promise((resolve) => {
    const id = "s" + nextId++;
    waiting.set(id, resolve);
    send({ id, method, params });
  });
const text = (t) => ({ content: [{ type: "text", text: t }] });

async function call(name) {
  switch (name) {
    case "change":
      tools = [...tools, "delta"];
      send({ method: "notifications/tools/list_changed" });
      return text("changed");
    case "ask-client": {
      const answers = await Promise.all([ask("ping", {}), ask("sampling/createMessage", { messages: [] })]);
      return text(JSON.stringify(answers));
    }
    case "never":
      return new Promise(() => {}); // no answer, ever
    case "cancelled":
      return text(JSON.stringify(cancelled));
    case "mute-pings":
      mutePings = true;
      return text("muted");
    case "unmute-pings":
      mutePings = false;
      return text("unmuted");
    default:
      return text("called " + name);
  }
}

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  const m = JSON.parse(line);
  if (m.id !== undefined && m.method === undefined) {
    waiting.get(m.id)?.(m.error ? { error: m.error } : { result: m.result });
    waiting.delete(m.id);
    return;
  }
  switch (m.method) {
    case "initialize":
      return send({
        id: m.id,
        result: {
          protocolVersion: m.params.protocolVersion,
          capabilities: { tools: { listChanged: true } },
          serverInfo: { name: "scripted", version: "1" },
        },
      });
    case "tools/list": {
      // One tool per page, so that the gateway must follow nextCursor.
      const at = m.params?.cursor ? Number(m.params.cursor) : 0;
      const page = { tools: [{ name: tools[at], inputSchema: { type: "object" } }] };
      if (at + 1 < tools.length) page.nextCursor = String(at + 1);
      return send({ id: m.id, result: page });
    }
    case "tools/call":
      return send({ id: m.id, result: await call(m.params.name) });
    case "notifications/cancelled":
      cancelled.push(m.params.requestId);
      return;
    case "ping":
      if (!mutePings) send({ id: m.id, result: {} });
      return;
    default:
      if (m.id !== undefined) send({ id: m.id, error: { code: -32601, message: "Method not found: " + m.method } });
  }
});
