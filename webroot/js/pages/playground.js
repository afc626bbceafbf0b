// Playground: an MCP client in the page. It opens a session on the gateway's endpoint (or an app's), lists that
// endpoint's tools, builds a form from the chosen tool's inputSchema and calls it with a progress token; progress and
// log messages show as they arrive, above the result (shown by content kind); the tool's elicitation and sampling
// requests are answered in a dialog; Cancel sends notifications/cancelled; leaving the page ends the session.
import { api, SignInNeeded } from '../api.js';
import { h, field } from '../dom.js';
import { build } from '../schema-form.js';
import { McpSession, McpError, Cancelled } from '../mcp.js';

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const MAX_PAGES = 50;

export async function render(view, { failed, params, me, live }) {
  const { apps } = await api('apps');
  const allowed = me?.apps ? apps.filter(a => me.apps.includes(a.name)) : apps;
  const endpoints = [...(me?.apps ? [] : [{ name: '', label: 'Every service (/mcp)', path: '/mcp' }]),
    ...allowed.map(a => ({ name: a.name, label: `App ${a.name} (${a.endpoint})`, path: a.endpoint }))];
  const endpoint = h('select', { id: 'pg-endpoint', name: 'endpoint' },
    endpoints.map(e => h('option', { value: e.name, selected: e.name === (params[1] || '') }, e.label)));
  const level = h('select', { id: 'pg-level', name: 'level' },
    LEVELS.map(l => h('option', { value: l, selected: l === 'debug' }, l)));
  const select = h('select', { id: 'pg-tool', name: 'tool' }, h('option', { value: '' }, '(choose a tool)'));
  const status = h('p', { id: 'pg-session', class: 'muted' }, 'Opening an MCP session…');
  const formHolder = h('div');
  const call = h('button', { type: 'submit', class: 'primary', id: 'pg-call', disabled: true }, 'Call tool');
  const cancel = h('button', { type: 'button', id: 'pg-cancel', hidden: true }, 'Cancel call');
  const form = h('form', { id: 'pg-form', novalidate: true }, formHolder, h('div', { class: 'row' }, call, cancel));
  const bar = h('progress', { id: 'pg-progress', hidden: true, 'aria-label': 'Progress of the call' });
  const log = h('ol', { id: 'pg-log', class: 'pg-log', 'aria-live': 'polite' });
  const activity = h('section', { id: 'pg-activity', hidden: true, 'aria-labelledby': 'pg-activity-title' },
    h('h3', { id: 'pg-activity-title' }, 'While it runs'), bar, log);
  const outcome = h('div', { id: 'pg-outcome', 'aria-live': 'polite' });
  const result = h('section', { id: 'pg-result', class: 'result' }, activity, outcome);
  view.append(h('h2', {}, 'Playground'),
    h('p', { class: 'muted' }, 'Calls go through the MCP endpoint as a client\'s would: progress and log messages show as they'
      + ' arrive, and what the tool asks of you (elicitation, sampling) opens a dialog.'),
    h('div', { class: 'row pg-pickers' }, field('Endpoint', endpoint), field('Tool', select), field('Log level', level)),
    status, form, result);

  if (!endpoints.length) {
    status.className = 'failed';
    status.textContent = 'Your user may use no MCP endpoint: an admin can give it apps (or every endpoint).';
    return;
  }

  let session = null, opening = null, tools = [], current = null, running = null, calls = 0, dialogs = Promise.resolve();
  let openDialog = null, levelSet = Promise.resolve(), left = false;
  const chosen = () => endpoints.find(e => e.name === endpoint.value) || endpoints[0];

  const handlers = {
    notification: message => {
      const p = message.params || {};
      if (message.method === 'notifications/progress') {
        if (!running || p.progressToken !== running.token) return;
        bar.hidden = false;
        if (p.total !== undefined) bar.max = p.total;
        bar.value = p.progress;
        line('progress', `Progress ${p.progress}${p.total !== undefined ? ' / ' + p.total : ''}`, p.message);
      } else if (message.method === 'notifications/message') {
        const data = typeof p.data === 'string' ? p.data : JSON.stringify(p.data);
        line('log ' + p.level, `[${p.level}]${p.logger ? ' ' + p.logger + ':' : ''}`, data);
      } else if (message.method === 'console/error') {
        line('log error', '[console]', 'could not send an answer: ' + p.message);
      } else {
        line('other', message.method, p && Object.keys(p).length ? JSON.stringify(p) : '');
      }
    },
    request: (message, signal) => {
      const p = message.params || {};
      if (message.method === 'ping') return {};
      const ask = message.method === 'elicitation/create' ? () => elicit(p, signal)
        : message.method === 'sampling/createMessage' ? () => sample(p, signal) : null;
      if (!ask) throw new McpError('Method not found: ' + message.method, { code: -32601 });
      line('request', 'The tool asks:', message.method);
      // One dialog at a time: a tool that asks two things at once gets them answered in turn.
      const answered = dialogs.then(ask);
      dialogs = answered.catch(() => {});
      return answered;
    },
  };

  function line(kind, head, text) {
    activity.hidden = false;
    log.append(h('li', { class: kind }, h('strong', {}, head), text ? ' ' + text : ''));
  }

  async function open() {
    const e = chosen();
    await session?.close();
    session = null;
    status.className = 'muted';
    status.textContent = `Opening an MCP session on ${e.path}…`;
    const s = await McpSession.open(new URL('.' + e.path, location.href).href, handlers);
    if (left) { s.close(); throw new Cancelled('the page was left'); } // opened after the user had gone
    let note = '';
    if (s.server.capabilities?.logging) {
      await s.request('logging/setLevel', { level: level.value }).catch(err => { note = ' · log level not set: ' + err.message; });
    }
    session = s;
    status.textContent = `MCP session on ${e.path} · protocol ${s.version} · ${s.server.serverInfo?.name || 'server'}${note}`;
    return s;
  }

  /** The session, opened once; one the gateway no longer knows (404: it expired) is opened again, once. */
  async function withSession(use) {
    if (!session) session = await (opening ||= open().finally(() => { opening = null; }));
    try {
      return await use(session);
    } catch (e) {
      if (!(e instanceof McpError) || e.status !== 404) throw e;
      session = null;
      return use(await (opening ||= open().finally(() => { opening = null; })));
    }
  }

  async function listTools() {
    const out = [];
    let cursor;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await withSession(s => s.request('tools/list', cursor ? { cursor } : {}));
      out.push(...(r.tools || []));
      if (!(cursor = r.nextCursor)) break;
    }
    tools = out;
    const keep = select.value || params[0];
    select.replaceChildren(h('option', { value: '' }, '(choose a tool)'),
      ...tools.map(t => h('option', { value: t.name, selected: t.name === keep }, t.name)));
    if (current && !tools.some(t => t.name === current.tool.name)) choose();
  }

  function choose() {
    const tool = tools.find(t => t.name === select.value);
    activity.hidden = true;
    outcome.replaceChildren();
    if (!tool) { formHolder.replaceChildren(); call.disabled = true; current = null; return; }
    current = { tool, form: build(tool.inputSchema, 'Arguments') };
    formHolder.replaceChildren(tool.description ? h('p', { class: 'muted' }, tool.description) : '', current.form.element);
    call.disabled = !!running;
    const hash = '#/playground/' + encodeURIComponent(tool.name) + (endpoint.value ? '/' + encodeURIComponent(endpoint.value) : '');
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  async function load() {
    try {
      await listTools();
      if (params[0] && !current) choose();
    } catch (e) {
      if (e instanceof SignInNeeded) { failed(e); return; }
      status.className = 'failed';
      status.textContent = e.message;
    }
  }

  select.addEventListener('change', choose);
  endpoint.addEventListener('change', async () => {
    current = null;
    formHolder.replaceChildren();
    call.disabled = true;
    tools = [];
    select.replaceChildren(h('option', { value: '' }, '(choose a tool)'));
    const old = session;
    session = null;
    await old?.close();
    await load();
  });
  level.addEventListener('change', () => {
    // Calls wait for it: a call sent meanwhile would race the new level to the upstream.
    if (session) levelSet = withSession(s => s.request('logging/setLevel', { level: level.value })).catch(failed);
  });
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!current || running) return;
    const { tool } = current;
    const args = current.form.value() || {};
    running = { tool: tool.name, token: 'console-' + (++calls), abort: new AbortController(), id: null, session: null };
    call.disabled = true;
    cancel.hidden = false;
    cancel.disabled = false;
    log.replaceChildren();
    bar.hidden = true;
    bar.removeAttribute('value');
    activity.hidden = true;
    outcome.replaceChildren(h('p', { class: 'muted' }, 'Calling ' + tool.name + '…'));
    const mine = running;
    try {
      await levelSet;
      const r = await withSession(s => {
        mine.session = s;
        return s.request('tools/call', { name: tool.name, arguments: args, _meta: { progressToken: mine.token } },
          { signal: mine.abort.signal, onId: id => { mine.id = id; } });
      });
      show(tool, r, args);
    } catch (err) {
      if (err instanceof Cancelled) {
        outcome.replaceChildren(h('p', { id: 'pg-cancelled', class: 'degraded' },
          'Cancelled: the gateway was told to stop the call (notifications/cancelled).'));
      } else if (err instanceof SignInNeeded) {
        failed(err);
      } else {
        outcome.replaceChildren(h('p', { class: 'failed', id: 'pg-error' },
          err.code ? `${err.message} (JSON-RPC error ${err.code})` : err.message));
      }
    } finally {
      running = null;
      cancel.hidden = true;
      call.disabled = !current;
      if (cancel.contains(document.activeElement) || document.activeElement === document.body) call.focus();
    }
  });
  cancel.addEventListener('click', async () => {
    const r = running;
    if (!r) return;
    cancel.disabled = true;
    if (r.id === null) { r.abort.abort(); return; } // not sent yet: nothing to tell the gateway
    try {
      await r.session.notify('notifications/cancelled', { requestId: r.id, reason: 'cancelled from the console' });
    } catch (e) {
      line('log error', '[console]', 'the cancellation was not delivered: ' + e.message);
    }
    r.abort.abort();
  });

  function show(tool, r, args) {
    outcome.replaceChildren(h('div', {},
      h('h3', {}, r.isError ? 'The tool reported an error' : 'Result'),
      h('details', {}, h('summary', {}, 'Arguments sent'), h('pre', { id: 'pg-args' }, JSON.stringify(args, null, 2))),
      (r.content || []).map(content),
      r.structuredContent !== undefined
        ? [h('h3', {}, 'Structured content'), h('pre', { class: 'structured' }, JSON.stringify(r.structuredContent, null, 2))]
        : null));
  }

  /** elicitation/create in form mode: the requested schema as a form; Send, Decline, or Cancel (Escape). */
  async function elicit(p, signal) {
    if (p.mode && p.mode !== 'form') {
      throw new McpError(`the console answers form elicitations only, not mode '${p.mode}'`, { code: -32602 });
    }
    const { schema, titles } = elicitationSchema(p.requestedSchema);
    const answer = build(schema, 'Your answer');
    showTitles(answer.element, titles);
    renameIds(answer.element, 'pg-el-');
    const action = await modal({
      kind: 'elicitation', title: `${running?.tool || 'The tool'} asks you`, message: p.message, body: answer.element, signal,
      actions: [['accept', 'Send', true], ['decline', 'Decline'], ['cancel', 'Cancel']], escape: 'cancel',
    });
    line('answer', 'You answered:', action);
    return action === 'accept' ? { action, content: answer.value() || {} } : { action };
  }

  /** sampling/createMessage: the conversation, and the admin types the model's reply (or declines). */
  async function sample(p, signal) {
    const reply = h('textarea', { id: 'pg-sampling-reply', name: 'reply', rows: 4, required: true, autofocus: true });
    const body = h('div', {},
      p.systemPrompt ? h('div', {}, h('h4', {}, 'System prompt'), h('pre', {}, p.systemPrompt)) : null,
      h('ol', { class: 'pg-transcript', 'aria-label': 'Messages for the model' },
        (p.messages || []).map(m => h('li', {}, h('strong', {}, m.role + ': '), blocks(m.content)))),
      h('p', { class: 'muted' }, `At most ${p.maxTokens ?? '?'} tokens`,
        p.modelPreferences?.hints?.length ? ' · model hints: ' + p.modelPreferences.hints.map(x => x.name).join(', ') : ''),
      field('Your reply, as the model', reply));
    const action = await modal({
      kind: 'sampling', title: `${running?.tool || 'The tool'} asks the model`, message: 'Type the reply the tool gets back as the model\'s answer.',
      body, signal, actions: [['send', 'Send reply', true], ['decline', 'Decline']], escape: 'decline',
    });
    line('answer', 'You answered:', action === 'send' ? 'a reply' : 'declined');
    if (action !== 'send') throw new McpError('The user declined the sampling request', { code: -1 });
    return { role: 'assistant', content: { type: 'text', text: reply.value }, model: 'console-admin', stopReason: 'endTurn' };
  }

  /**
   * A modal <dialog> (focus inside while open, Escape closes it) with a form whose buttons close it with their
   * value; only the first (the answer) checks the form. Resolves with the action; the focus goes back afterwards.
   */
  function modal({ kind, title, message, body, actions, escape, signal }) {
    return new Promise(resolve => {
      const back = document.activeElement;
      const dialog = h('dialog', { id: 'pg-dialog', class: 'pg-dialog', dataset: { kind },
        'aria-labelledby': 'pg-dialog-title', 'aria-describedby': 'pg-dialog-message' },
      h('form', { method: 'dialog', id: 'pg-dialog-form' },
        h('h3', { id: 'pg-dialog-title' }, title),
        h('p', { id: 'pg-dialog-message' }, message || ''),
        body,
        h('div', { class: 'row' }, actions.map(([value, label, main]) =>
          h('button', { type: 'submit', value, class: main ? 'primary' : '', formnovalidate: !main, dataset: { action: value } }, label)))));
      // The first field has the focus; Escape (the dialog's cancel) answers escape.
      body.querySelector('input, select, textarea')?.setAttribute('autofocus', '');
      const stop = () => dialog.close(escape);
      signal?.addEventListener('abort', stop);
      dialog.addEventListener('close', () => {
        signal?.removeEventListener('abort', stop);
        dialog.remove();
        openDialog = null;
        if (back?.isConnected) back.focus();
        resolve(dialog.returnValue || escape);
      });
      view.append(dialog);
      openDialog = dialog;
      dialog.showModal();
      if (signal?.aborted) stop();
    });
  }

  const onHide = () => session?.close(true);
  window.addEventListener('pagehide', onHide);
  let timer;
  const onCatalog = () => { clearTimeout(timer); timer = setTimeout(() => { if (session) listTools().catch(() => {}); }, 300); };
  live?.addEventListener('catalog', onCatalog);
  await load();

  return () => {
    left = true;
    clearTimeout(timer);
    live?.removeEventListener('catalog', onCatalog);
    window.removeEventListener('pagehide', onHide);
    running?.abort.abort();
    openDialog?.close();
    session?.close();
    session = null;
  };
}

/**
 * Elicitation's restricted schema in the shapes the form builder knows: titled single-selects (oneOf of const/title)
 * and legacy enumNames become plain enums whose titles are kept aside (titles), and multi-select items of anyOf
 * const/title become plain enums too (their values are shown).
 */
function elicitationSchema(schema) {
  const s = schema && typeof schema === 'object' ? schema : { type: 'object' };
  const titles = {};
  const flat = (p, key) => {
    if (!p || typeof p !== 'object') return p;
    const consts = p.oneOf || p.anyOf;
    if (Array.isArray(consts) && consts.every(c => c && 'const' in c)) {
      const { oneOf, anyOf, ...rest } = p;
      if (key) titles[key] = consts.map(c => c.title ?? String(c.const));
      return { ...rest, enum: consts.map(c => c.const) };
    }
    if (key && Array.isArray(p.enum) && Array.isArray(p.enumNames)) {
      const { enumNames, ...rest } = p;
      titles[key] = p.enum.map((v, i) => enumNames[i] ?? String(v));
      return rest;
    }
    if (p.type === 'array' && p.items) return { ...p, items: flat(p.items) };
    return p;
  };
  const properties = Object.fromEntries(Object.entries(s.properties || {}).map(([k, v]) => [k, flat(v, k)]));
  return { schema: { ...s, properties }, titles };
}

/** Shows the titles of single-select options instead of their values (the form builder shows values). */
function showTitles(root, titles) {
  for (const [key, names] of Object.entries(titles)) {
    const select = root.querySelector(`select[name="${CSS.escape('arg.' + key)}"]`);
    for (const o of select ? select.options : []) if (o.value !== '') o.textContent = names[Number(o.value)];
  }
}

/** Gives every id in a subtree a prefix (and its labels with it), so a second form never shares the first's ids. */
function renameIds(root, prefix) {
  for (const el of root.querySelectorAll('[id]')) el.id = prefix + el.id;
  for (const l of root.querySelectorAll('label[for]')) l.htmlFor = prefix + l.htmlFor;
}

/** A sampling message's content: one block or a list of them. */
function blocks(c) {
  return (Array.isArray(c) ? c : [c]).map(b => !b ? '' : b.type === 'text' ? b.text : `[${b.type}${b.mimeType ? ' ' + b.mimeType : ''}]`).join(' ');
}

function content(c) {
  switch (c.type) {
    case 'text': return h('pre', { class: 'content text' }, c.text);
    case 'image': return h('figure', { class: 'content image' },
      h('img', { src: `data:${c.mimeType};base64,${c.data}`, alt: 'image result (' + c.mimeType + ')' }),
      h('figcaption', { class: 'muted' }, c.mimeType));
    case 'audio': return h('audio', { class: 'content audio', controls: true, src: `data:${c.mimeType};base64,${c.data}` });
    case 'resource': {
      const r = c.resource || {};
      return h('div', { class: 'content resource card' }, h('strong', {}, r.uri), ' ', h('span', { class: 'muted' }, r.mimeType || ''),
        r.text !== undefined ? h('pre', {}, r.text) : h('p', { class: 'muted' }, 'binary, ' + (r.blob || '').length + ' base64 characters'));
    }
    case 'resource_link': return h('p', { class: 'content link' }, 'Resource link: ', h('code', {}, c.uri), c.name ? ' (' + c.name + ')' : '');
    default: return h('pre', { class: 'content' }, JSON.stringify(c, null, 2));
  }
}
