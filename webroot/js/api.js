// The one way the console talks to the gateway: the admin API under api/v1, with the sign-in token as a bearer, and
// errors turned into a message a person can read (the problem document's detail, naming the field at fault).
const TOKEN = 'mcpstore.token';

/** The API said 401: the app shows the sign-in form instead of an error. */
export class SignInNeeded extends Error {}

/** A failed call: status and the problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    const where = problem && problem.field ? ` (${problem.field})` : '';
    super(`${problem && (problem.detail || problem.title) || 'HTTP ' + status}${where}`);
    this.status = status;
    this.problem = problem;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN),
  set: t => sessionStorage.setItem(TOKEN, t),
  clear: () => sessionStorage.removeItem(TOKEN),
};

function headers(extra) {
  const out = { Accept: 'application/json', ...(extra || {}) };
  const t = token.get();
  if (t) out.Authorization = 'Bearer ' + t;
  return out;
}

/** api('services'), api('services', {method: 'POST', json: {...}}), api('config/import', {method: 'POST', text}). */
export async function api(path, options = {}) {
  const init = { method: options.method || 'GET', headers: headers(options.headers) };
  if (options.json !== undefined) {
    init.body = JSON.stringify(options.json);
    init.headers['Content-Type'] = 'application/json';
  } else if (options.text !== undefined) {
    init.body = options.text;
    init.headers['Content-Type'] = options.contentType || 'application/json';
  } else if (init.method !== 'GET' && init.method !== 'DELETE') {
    init.body = '{}';
    init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch('api/v1/' + path, init);
  } catch (e) {
    throw new ApiError(0, { detail: 'the gateway cannot be reached: ' + e.message });
  }
  if (res.status === 401) throw new SignInNeeded(token.get() ? 'Your session has ended: sign in again.' : '');
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
  if (!res.ok) throw new ApiError(res.status, typeof body === 'object' ? body : { detail: text });
  return body;
}

/**
 * Reads a text/event-stream response to its end, calling onEvent(name, data) per event with its JSON data; onEvent
 * may return false to stop reading. Resolves true when stopped so, false when the stream ended.
 */
export async function readEvents(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message', data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data && onEvent(name, JSON.parse(data)) === false) {
        reader.cancel().catch(() => {});
        return true;
      }
    }
  }
}

/**
 * The live event stream (GET api/v1/events) read with fetch, not EventSource, because EventSource cannot send the
 * bearer header. Calls onEvent(name, data) per event; reconnects after a drop until the signal aborts.
 */
export async function events(onEvent, signal, onStatus = () => {}) {
  while (!signal.aborted) {
    try {
      const res = await fetch('api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), signal });
      if (res.status === 401) { onStatus('signed-out'); return; }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      onStatus('live');
      const stopped = await readEvents(res, (name, data) => {
        onEvent(name, data);
        return name !== 'expired';
      });
      if (stopped) { onStatus('signed-out'); return; }
    } catch (e) {
      if (signal.aborted) return;
    }
    onStatus('reconnecting');
    await new Promise(r => setTimeout(r, 2000));
  }
}
