// A small MCP client for the console: one Streamable HTTP session (protocol 2025-11-25) on an endpoint of this
// gateway (/mcp or an app's <prefix>/mcp), with the console's sign-in token as the bearer. Each POST is answered with
// JSON or with an SSE stream that carries the call's progress, log messages and server→client requests (elicitation,
// sampling) before its answer; those requests are answered by the page and POSTed back on the session.
import { token, SignInNeeded } from './api.js';

export const PROTOCOL_VERSION = '2025-11-25';

/** A JSON-RPC error (code, message, data) or an HTTP refusal (status, code 0). */
export class McpError extends Error {
  constructor(message, { code = 0, status = 0, data } = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.data = data;
  }
}

/** The call was cancelled by the user: nothing more of it is shown. */
export class Cancelled extends Error {}

const RESUMES = 5;

export class McpSession {
  /**
   * Opens a session: initialize (declaring elicitation in form mode and sampling), then notifications/initialized.
   * handlers.request(message, signal) answers a server→client request with its result, or throws McpError;
   * handlers.notification(message) sees every notification of a call.
   */
  static async open(endpoint, handlers) {
    const session = new McpSession(endpoint, handlers);
    const init = await session.request('initialize', {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { elicitation: { form: {} }, sampling: {} },
      clientInfo: { name: 'mcpstore-console', title: 'MCPStore console playground', version: '1.0.0' },
    });
    session.version = init.protocolVersion;
    session.server = init;
    await session.notify('notifications/initialized');
    return session;
  }

  constructor(endpoint, handlers) {
    this.endpoint = endpoint;
    this.handlers = handlers;
    this.id = null;
    this.version = null;
    this.nextId = 1;
  }

  headers(extra) {
    const out = { Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json', ...(extra || {}) };
    const t = token.get();
    if (t) out.Authorization = 'Bearer ' + t;
    if (this.id) out['Mcp-Session-Id'] = this.id;
    if (this.version) out['MCP-Protocol-Version'] = this.version;
    return out;
  }

  /**
   * Sends a request; resolves with its result. options.signal aborts the wait (the caller sends the cancellation);
   * options.onId(id) learns the request's id before anything is sent.
   */
  async request(method, params, options = {}) {
    const id = this.nextId++;
    options.onId?.(id);
    const res = await this.post({ jsonrpc: '2.0', id, method, params }, options.signal);
    if (method === 'initialize') this.id = res.headers.get('Mcp-Session-Id');
    const type = res.headers.get('Content-Type') || '';
    if (!type.startsWith('text/event-stream')) return answer(await res.json(), id);
    let stream = res, lastEventId = null, retryMs = 1000;
    for (let resumes = 0; ; resumes++) {
      for await (const event of sse(stream.body, options.signal)) {
        if (event.id) lastEventId = event.id;
        if (event.retry !== undefined) retryMs = event.retry;
        if (!event.data) continue; // the priming event
        const message = JSON.parse(event.data);
        if (message.id === id && !message.method) return answer(message, id);
        this.dispatch(message, options.signal);
      }
      if (options.signal?.aborted) throw new Cancelled('cancelled');
      // The server ended the stream before the answer (SEP-1699): resume it after the retry it asked for.
      if (!lastEventId || resumes >= RESUMES) throw new McpError(`the stream of ${method} ended without an answer`);
      await new Promise(r => setTimeout(r, retryMs));
      stream = await this.fetch('GET', undefined, options.signal, { Accept: 'text/event-stream', 'Last-Event-ID': lastEventId });
    }
  }

  /** A notification (or a response to the server): the gateway answers 202. */
  async notify(method, params) {
    await this.post(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** Ends the session on the gateway (DELETE). keepalive lets it go out while the tab closes. */
  async close(keepalive = false) {
    if (!this.id) return;
    const id = this.id;
    this.id = null;
    try {
      await fetch(this.endpoint, { method: 'DELETE', keepalive, headers: { ...this.headers(), 'Mcp-Session-Id': id } });
    } catch (e) { /* the gateway ends idle sessions itself */ }
  }

  /** Notifications go to the page; a server→client request is answered on the session, whatever the page said. */
  dispatch(message, signal) {
    if (message.id === undefined) { this.handlers.notification?.(message); return; }
    if (!message.method) return; // a response to nothing we asked
    Promise.resolve()
      .then(() => this.handlers.request(message, signal))
      .then(result => ({ jsonrpc: '2.0', id: message.id, result }),
        e => ({ jsonrpc: '2.0', id: message.id, error: { code: e.code || -32603, message: e.message } }))
      .then(reply => this.post(reply))
      .catch(e => this.handlers.notification?.({ method: 'console/error', params: { message: e.message } }));
  }

  post(message, signal) {
    return this.fetch('POST', JSON.stringify(message), signal);
  }

  async fetch(method, body, signal, extra) {
    let res;
    try {
      res = await fetch(this.endpoint, { method, body, signal, headers: this.headers(extra) });
    } catch (e) {
      if (signal?.aborted) throw new Cancelled('cancelled');
      throw new McpError('the gateway cannot be reached: ' + e.message);
    }
    if (res.ok) return res;
    if (res.status === 401) throw new SignInNeeded(token.get() ? 'Your session has ended: sign in again.' : '');
    const text = await res.text();
    let detail = text;
    try { const j = JSON.parse(text); detail = j.error?.message || j.detail || j.message || text; } catch (e) { /* text */ }
    throw new McpError(`${this.endpoint} answered HTTP ${res.status}: ${detail}`, { status: res.status });
  }
}

function answer(message, id) {
  if (message.id !== id) throw new McpError('an answer to another request: ' + JSON.stringify(message).slice(0, 200));
  if (message.error) throw new McpError(message.error.message, { code: message.error.code, data: message.error.data });
  return message.result;
}

/** The events of an SSE body (WHATWG rules: id, retry, multi-line data; comments skipped), until it ends. */
async function* sse(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const stop = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', stop);
  let buffer = '', event = { data: [] };
  try {
    for (;;) {
      const { value, done } = await reader.read().catch(e => { if (signal?.aborted) return { done: true }; throw e; });
      if (done) return;
      buffer += value;
      let nl;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        if (buffer[nl] === '\r' && nl === buffer.length - 1) break; // maybe the \r of a \r\n cut in two
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (event.data.length || event.id) yield { id: event.id, retry: event.retry, data: event.data.join('\n') };
          event = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'data') event.data.push(v);
        else if (name === 'id') event.id = v;
        else if (name === 'retry' && /^\d+$/.test(v)) event.retry = Number(v);
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    stop(); // the answer came: nothing more is read of this response

  }
}
