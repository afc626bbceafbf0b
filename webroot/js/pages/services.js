// Services: the list with start / stop / restart / delete, a form to add one, a box for pasted mcpServers JSON, and
// for a chosen service (#/services/<name>) its status from the upstream: state, pid, recent stderr lines.
import { api } from '../api.js';
import { h, badge, field, table } from '../dom.js';

export async function render(view, { live, notify, failed, params }) {
  const list = h('div', { class: 'scroll' });
  const detail = h('section', { id: 'service-detail', 'aria-live': 'polite' });
  view.append(h('h2', {}, 'Services'), list, detail, addForm(), pasteForm());

  async function load() {
    const { services } = await api('services');
    list.replaceChildren(table(['Service', 'Transport', 'State', 'Tools', 'Actions'], services.map(s =>
      h('tr', { dataset: { service: s.name } },
        h('td', {}, h('a', { href: '#/services/' + encodeURIComponent(s.name) }, s.name)),
        h('td', {}, s.transport), h('td', { class: 'state' }, badge(s.state), s.error ? h('div', { class: 'muted' }, s.error) : null),
        h('td', {}, s.tools ?? 0),
        h('td', { class: 'row' },
          action(s.name, s.enabled ? 'stop' : 'start', s.enabled ? 'Stop' : 'Start'),
          action(s.name, 'restart', 'Restart'),
          h('button', { type: 'button', class: 'small', 'aria-label': 'Delete ' + s.name, onclick: () => remove(s.name) }, 'Delete')))),
      'No services yet: add one below.'));
    if (params[0]) await showDetail(params[0]);
  }

  function action(name, verb, label) {
    return h('button', { type: 'button', class: 'small', 'aria-label': `${label} ${name}`, onclick: async () => {
      try { await api(`services/${encodeURIComponent(name)}/${verb}`, { method: 'POST' }); notify(`${label}: ${name}`, 'ok'); await load(); }
      catch (e) { failed(e); }
    } }, label);
  }

  async function remove(name) {
    if (!confirm(`Delete the service ${name}?`)) return;
    try { await api('services/' + encodeURIComponent(name), { method: 'DELETE' }); notify('Deleted ' + name, 'ok'); await load(); }
    catch (e) { failed(e); }
  }

  async function showDetail(name) {
    const s = await api(`services/${encodeURIComponent(name)}/status`);
    const stderr = s.stderr || [];
    detail.replaceChildren(h('div', {},
      h('h3', {}, 'Service ', name),
      h('dl', { class: 'row' },
        h('dt', {}, 'State'), h('dd', { id: 'detail-state' }, badge(s.state)),
        h('dt', {}, 'Transport'), h('dd', {}, s.transport),
        s.era ? [h('dt', {}, 'Era'), h('dd', {}, s.era)] : null,
        s.pid ? [h('dt', {}, 'Process'), h('dd', { id: 'detail-pid' }, String(s.pid))] : null),
      s.error ? h('p', { class: 'failed' }, s.error) : null,
      h('h3', {}, 'Recent stderr'),
      stderr.length ? h('pre', { id: 'detail-stderr' }, stderr.join('\n')) : h('p', { class: 'muted' }, 'No stderr lines.')));
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

  const onChange = () => load().catch(() => {});
  live.addEventListener('state', onChange);
  live.addEventListener('config', onChange);
  await load();
  return () => { live.removeEventListener('state', onChange); live.removeEventListener('config', onChange); };
}
