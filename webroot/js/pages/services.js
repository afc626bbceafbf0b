// Services: the list (transport, era, state) with start / stop / restart / delete, a form to add one, a box for pasted
// mcpServers JSON, an OpenAPI import (preview, then create); and for a chosen service (#/services/<name>) its status
// (state, pid, recent stderr), its state history (live), its REST tools with a dry-run tester, and an edit form and
// JSON editor. Secrets come back from the API as *** and are sent back as they are: the server keeps the stored value.
import { api } from '../api.js';
import { h, badge, field, table } from '../dom.js';
import { build } from '../schema-form.js';

const MASK = '***';
const HISTORY = 50;

export async function render(view, { live, notify, failed, params }) {
  const list = h('div', { class: 'scroll' });
  const detail = h('section', { id: 'service-detail', 'aria-live': 'polite' });
  const statusBox = h('div'), historyBox = h('div', { id: 'service-history' }), restBox = h('div'), editBox = h('div');
  detail.append(statusBox, historyBox, restBox, editBox);
  const name = params[0];
  view.append(h('h2', {}, 'Services'), list, name ? detail : null, addForm(), pasteForm(), importForm());
  let transitions = [];
  let shownFor = null;

  async function load() {
    const { services } = await api('services');
    list.replaceChildren(table(['Service', 'Transport', 'Era', 'State', 'Tools', 'Actions'], services.map(s =>
      h('tr', { dataset: { service: s.name } },
        h('td', {}, h('a', { href: '#/services/' + encodeURIComponent(s.name) }, s.name)),
        h('td', { class: 'transport' }, s.transport), h('td', { class: 'era' }, s.era || '–'),
        h('td', { class: 'state' }, badge(s.state), s.error ? h('div', { class: 'muted' }, s.error) : null),
        h('td', {}, s.tools ?? 0),
        h('td', { class: 'row' },
          action(s.name, s.enabled ? 'stop' : 'start', s.enabled ? 'Stop' : 'Start'),
          action(s.name, 'restart', 'Restart'),
          h('button', { type: 'button', class: 'small', 'aria-label': 'Delete ' + s.name, onclick: () => remove(s.name) }, 'Delete')))),
      'No services yet: add one below.'));
    if (name) await showDetail(name);
  }

  function action(service, verb, label) {
    return h('button', { type: 'button', class: 'small', 'aria-label': `${label} ${service}`, onclick: async () => {
      try { await api(`services/${encodeURIComponent(service)}/${verb}`, { method: 'POST' }); notify(`${label}: ${service}`, 'ok'); await load(); }
      catch (e) { failed(e); }
    } }, label);
  }

  async function remove(service) {
    if (!confirm(`Delete the service ${service}?`)) return;
    try { await api('services/' + encodeURIComponent(service), { method: 'DELETE' }); notify('Deleted ' + service, 'ok'); await load(); }
    catch (e) { failed(e); }
  }

  async function showDetail(service) {
    const path = 'services/' + encodeURIComponent(service);
    const [s, entry, past] = await Promise.all([api(path + '/status'), api(path), api(path + '/history')]);
    const stderr = s.stderr || [];
    statusBox.replaceChildren(h('div', {},
      h('h3', {}, 'Service ', service),
      h('dl', { class: 'row' },
        h('dt', {}, 'State'), h('dd', { id: 'detail-state' }, badge(s.state)),
        h('dt', {}, 'Transport'), h('dd', {}, s.transport),
        h('dt', {}, 'Era'), h('dd', { id: 'detail-era' }, s.era || 'not negotiated yet'),
        s.pid ? [h('dt', {}, 'Process'), h('dd', { id: 'detail-pid' }, String(s.pid))] : null),
      s.error ? h('p', { class: 'failed' }, s.error) : null,
      h('h3', {}, 'Recent stderr'),
      stderr.length ? h('pre', { id: 'detail-stderr' }, stderr.join('\n')) : h('p', { class: 'muted' }, 'No stderr lines.')));
    transitions = merge(past.transitions, transitions);
    drawHistory();
    // The forms are built once per service: a live update must not wipe what the user is typing.
    if (shownFor !== service) {
      shownFor = service;
      editBox.replaceChildren(editForm(service, entry.config), jsonForm(service, entry.config));
      restBox.replaceChildren();
      if (entry.config.transport === 'rest') restBox.append(await restTools(service, entry.config));
    }
  }

  function drawHistory() {
    historyBox.replaceChildren(h('h3', {}, 'State history'),
      h('p', { class: 'muted' }, `The last ${HISTORY} transitions this gateway has seen, newest first.`),
      table(['When', 'State', 'Reason'], transitions.map(t => h('tr', { dataset: { state: t.state } },
        h('td', {}, h('time', { datetime: t.at }, t.at ? new Date(t.at).toLocaleString() : '')),
        h('td', {}, badge(t.state)), h('td', { class: 'reason' }, t.reason || '')),
      ), 'No transitions seen since the gateway started.'));
  }

  function editForm(service, config) {
    const isCommand = typeof config.command === 'string';
    const controls = {};
    const input = (key, attrs = {}) => (controls[key] = h('input', { name: key, spellcheck: 'false', ...attrs }));
    const area = (key, rows = 3) => (controls[key] = h('textarea', { name: key, rows, spellcheck: 'false' }));
    const fields = [];
    if (isCommand) {
      fields.push(field('Command', input('command', { value: config.command })),
        field('Arguments (one per line)', area('args')),
        field('Environment (NAME=value, one per line)', area('env', 4), `${MASK} keeps the stored secret; type a new value to replace it.`),
        field('Working directory', input('cwd', { value: config.cwd || '' })));
      controls.args.value = (config.args || []).join('\n');
      controls.env.value = Object.entries(config.env || {}).map(([k, v]) => `${k}=${v}`).join('\n');
    } else {
      const urlKey = config.transport === 'rest' ? 'baseUrl' : 'url';
      fields.push(field(urlKey === 'url' ? 'URL' : 'Base URL', input(urlKey, { value: config[urlKey] || '' })),
        field('Headers (Name: value, one per line)', area('headers', 3), `${MASK} keeps the stored secret.`));
      controls.headers.value = Object.entries(config.headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n');
    }
    fields.push(field('Timeout (ms)', input('timeoutMs', { type: 'number', min: 1, value: config.timeoutMs ?? '' })));
    const form = h('form', { id: 'edit-service', 'aria-labelledby': 'edit-title' },
      h('h3', { id: 'edit-title' }, 'Edit ', service), fields, h('button', { type: 'submit', class: 'primary' }, 'Save changes'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const entry = structuredClone(config);
      try {
        if (isCommand) {
          entry.command = controls.command.value.trim();
          entry.args = controls.args.value.split('\n').map(a => a.trim()).filter(Boolean);
          entry.env = pairs(controls.env.value, '=', 'Environment');
          if (controls.cwd.value.trim()) entry.cwd = controls.cwd.value.trim(); else delete entry.cwd;
        } else {
          const urlKey = config.transport === 'rest' ? 'baseUrl' : 'url';
          entry[urlKey] = controls[urlKey].value.trim();
          entry.headers = pairs(controls.headers.value, ':', 'Headers');
        }
        if (controls.timeoutMs.value) entry.timeoutMs = Number(controls.timeoutMs.value); else delete entry.timeoutMs;
      } catch (err) { notify(err.message); return; }
      await save(service, entry);
    });
    return form;
  }

  function jsonForm(service, config) {
    const text = h('textarea', { name: 'entry', rows: 12, spellcheck: 'false' });
    text.value = JSON.stringify(config, null, 2);
    const form = h('form', { id: 'edit-json', 'aria-labelledby': 'json-title' },
      h('h3', { id: 'json-title' }, 'Edit as JSON'),
      field('The service entry (secrets shown as ' + MASK + ' are kept as stored)', text),
      h('button', { type: 'submit' }, 'Save JSON'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      let entry;
      try { entry = JSON.parse(text.value); } catch (err) { notify('That is not valid JSON: ' + err.message); text.focus(); return; }
      await save(service, entry);
    });
    return form;
  }

  async function save(service, entry) {
    try {
      const r = await api('services/' + encodeURIComponent(service), { method: 'PUT', json: entry });
      notify(r.changed === false ? `No change to ${service}` : `Saved ${service}: revision ${r.revision}`, 'ok');
      shownFor = null; // show the forms again with what is now stored
      await load();
    } catch (err) { failed(err); }
  }

  async function restTools(service, config) {
    const { tools } = await api('tools');
    const schemas = new Map(tools.filter(t => t.service === service).map(t => [t.upstreamName, t.inputSchema]));
    const tester = h('div', { id: 'dry-run' });
    const rows = (config.tools || []).map(t => h('tr', { dataset: { tool: t.name } },
      h('td', {}, t.name), h('td', { class: 'method' }, t.method || 'GET'), h('td', {}, h('code', { class: 'path' }, t.path || '')),
      h('td', {}, (t.args || []).map(a => `${a.name} (${a.in || 'query'}${a.required ? ', required' : ''})`).join(', ')),
      h('td', {}, templates(t)),
      h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': 'Dry run ' + t.name,
        onclick: () => tester.replaceChildren(dryRunForm(service, t.name, schemas.get(t.name))) }, 'Dry run'))));
    return h('div', {}, h('h3', {}, 'REST tools'),
      h('div', { class: 'scroll' }, table(['Tool', 'Method', 'Path', 'Arguments', 'Templates', ''], rows, 'No tools.')), tester);
  }

  function dryRunForm(service, tool, schema) {
    const args = build(schema, 'Arguments');
    const out = h('div', { id: 'dry-run-result', 'aria-live': 'polite' });
    const form = h('form', { id: 'dry-run-form', novalidate: true },
      h('h3', {}, 'Dry run ', tool), h('p', { class: 'muted' }, 'Shows the HTTP request the tool would send, without sending it.'),
      args.element, h('button', { type: 'submit', class: 'primary' }, 'Render request'), out);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        const r = await api(`services/${encodeURIComponent(service)}/tools/${encodeURIComponent(tool)}/dry-run`,
          { method: 'POST', json: { arguments: args.value() || {} } });
        const lines = [`${r.method} ${r.url}`, ...Object.entries(r.headers || {}).map(([k, v]) => `${k}: ${v}`)];
        out.replaceChildren(h('pre', { id: 'dry-run-request' }, lines.join('\n') + (r.body != null ? '\n\n' + r.body : '')));
      } catch (err) {
        out.replaceChildren(h('p', { class: 'failed', id: 'dry-run-error' }, err.message));
      }
    });
    return form;
  }

  function addForm() {
    const name = h('input', { name: 'name', required: true, autocomplete: 'off', spellcheck: 'false' });
    const transport = h('select', { name: 'transport' },
      h('option', { value: 'stdio' }, 'stdio (a command)'), h('option', { value: 'streamable-http' }, 'Streamable HTTP (a URL)'),
      h('option', { value: 'sse' }, 'legacy SSE (a URL)'));
    const command = h('input', { name: 'command', spellcheck: 'false' });
    const args = h('textarea', { name: 'args', rows: 3, spellcheck: 'false' });
    const url = h('input', { name: 'url', type: 'url', spellcheck: 'false' });
    const commandFields = h('div', {}, field('Command', command), field('Arguments (one per line)', args));
    const urlFields = h('div', { hidden: true }, field('URL', url));
    transport.addEventListener('change', () => {
      commandFields.hidden = transport.value !== 'stdio';
      urlFields.hidden = transport.value === 'stdio';
    });
    const form = h('form', { id: 'add-service', 'aria-labelledby': 'add-title' },
      h('h3', { id: 'add-title' }, 'Add a service'),
      field('Name', name), field('Transport', transport), commandFields, urlFields,
      h('button', { type: 'submit', class: 'primary' }, 'Add service'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const entry = { name: name.value.trim() };
      if (transport.value === 'stdio') {
        entry.command = command.value.trim();
        entry.args = args.value.split('\n').map(a => a.trim()).filter(Boolean);
      } else {
        entry.url = url.value.trim();
        entry.transport = transport.value;
      }
      try {
        await api('services', { method: 'POST', json: entry });
        notify('Added ' + entry.name, 'ok');
        form.reset();
        await load();
      } catch (err) { failed(err); }
    });
    return form;
  }

  function pasteForm() {
    const text = h('textarea', { name: 'mcpServers', rows: 8, spellcheck: 'false',
      placeholder: '{"mcpServers": {"name": {"command": "npx", "args": ["-y", "some-server"]}}}' });
    const form = h('form', { id: 'paste-servers', 'aria-labelledby': 'paste-title' },
      h('h3', { id: 'paste-title' }, 'Paste mcpServers JSON'),
      field('mcpServers JSON (as Claude Desktop, Cursor or VS Code keep it)', text),
      h('button', { type: 'submit' }, 'Import servers'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        JSON.parse(text.value);
      } catch (err) { notify('That is not valid JSON: ' + err.message); text.focus(); return; }
      try {
        await api('config/import?mode=merge', { method: 'POST', text: text.value });
        notify('Imported the servers', 'ok');
        form.reset();
        await load();
      } catch (err) { failed(err); }
    });
    return form;
  }

  function importForm() {
    const name = h('input', { name: 'name', autocomplete: 'off', spellcheck: 'false', required: true });
    const url = h('input', { name: 'url', type: 'url', spellcheck: 'false', placeholder: 'https://api.example.com/openapi.json' });
    const doc = h('textarea', { name: 'document', rows: 6, spellcheck: 'false', placeholder: 'or paste the OpenAPI document (JSON or YAML)' });
    const file = h('input', { name: 'file', type: 'file', accept: '.json,.yaml,.yml,application/json,application/yaml' });
    file.addEventListener('change', async () => { if (file.files[0]) doc.value = await file.files[0].text(); });
    const baseUrl = h('input', { name: 'baseUrl', spellcheck: 'false' });
    const include = h('input', { name: 'include', spellcheck: 'false' });
    const privateNet = h('input', { name: 'allowPrivateNetwork', type: 'checkbox' });
    const out = h('div', { id: 'import-preview', 'aria-live': 'polite' });
    const preview = h('button', { type: 'submit', name: 'preview', value: 'preview' }, 'Preview');
    const create = h('button', { type: 'submit', name: 'create', value: 'create', class: 'primary' }, 'Create service');
    const form = h('form', { id: 'import-openapi', 'aria-labelledby': 'import-title' },
      h('h3', { id: 'import-title' }, 'Import an OpenAPI document as a REST service'),
      field('Service name', name), field('Document URL', url), field('Document', doc), field('Or upload a file', file),
      field('Base URL (instead of the document\'s first server)', baseUrl),
      field('Only these operations (operationIds, comma separated)', include),
      h('div', { class: 'field row' }, privateNet, h('label', { for: privateNet.id = 'import-private' }, 'Allow a private-network address (an API on this machine or LAN)')),
      h('div', { class: 'row' }, preview, create), out);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const dryRun = e.submitter !== create;
      const body = { name: name.value.trim(), dryRun };
      if (doc.value.trim()) body.document = doc.value; else if (url.value.trim()) body.url = url.value.trim();
      else { notify('Give the document\'s URL, paste it, or upload it.'); return; }
      if (baseUrl.value.trim()) body.baseUrl = baseUrl.value.trim();
      const ops = include.value.split(',').map(s => s.trim()).filter(Boolean);
      if (ops.length) body.include = ops;
      if (privateNet.checked) body.allowPrivateNetwork = true;
      try {
        const r = await api('services/import-openapi', { method: 'POST', json: body });
        out.replaceChildren(h('div', { class: 'card' },
          h('p', {}, h('strong', {}, dryRun ? `Would add rest service ${body.name} with ${r.tools.length} tools` : `Added rest service ${body.name}`)),
          h('p', { id: 'import-tools' }, r.tools.join(', ')),
          (r.warnings || []).length ? h('ul', { class: 'muted' }, r.warnings.map(w => h('li', {}, w))) : null,
          dryRun ? h('details', {}, h('summary', {}, 'The service entry'), h('pre', {}, JSON.stringify(r.service, null, 2))) : null));
        if (!dryRun) { notify('Added ' + body.name, 'ok'); await load(); }
      } catch (err) { out.replaceChildren(); failed(err); }
    });
    return form;
  }

  const onState = e => {
    const d = e.detail;
    if (name && d.service === name) {
      transitions = merge([{ state: d.state, at: d.at, reason: d.error }], transitions);
      drawHistory();
    }
    load().catch(() => {});
  };
  const onChange = () => load().catch(() => {});
  live.addEventListener('state', onState);
  live.addEventListener('config', onChange);
  await load();
  return () => { live.removeEventListener('state', onState); live.removeEventListener('config', onChange); };
}

/** Newest first, without the same transition twice (the API's record and a live event may both carry it). */
function merge(a, b) {
  const seen = new Set(), out = [];
  for (const t of [...a, ...b].sort((x, y) => (y.at || '').localeCompare(x.at || ''))) {
    const k = t.at + '|' + t.state;
    if (!seen.has(k)) { seen.add(k); out.push(t); }
  }
  return out.slice(0, HISTORY);
}

/** "KEY=value" or "Name: value" lines to an object; a line without the separator is an error naming it. */
function pairs(text, sep, what) {
  const out = {};
  text.split('\n').map(l => l.trim()).filter(Boolean).forEach((line, i) => {
    const at = line.indexOf(sep);
    if (at <= 0) throw new Error(`${what}, line ${i + 1}: "${line}" has no "${sep}"`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return out;
}

/** A rest tool's body template and response shaping, as written. */
function templates(t) {
  const parts = [];
  if (t.body) parts.push(h('div', {}, 'body: ', h('code', {}, typeof t.body === 'string' ? t.body : JSON.stringify(t.body))));
  if (t.response?.select) parts.push(h('div', {}, 'select: ', h('code', {}, t.response.select)));
  if (t.response?.template) parts.push(h('div', {}, 'template: ', h('code', {}, t.response.template)));
  return parts.length ? parts : h('span', { class: 'muted' }, '–');
}
