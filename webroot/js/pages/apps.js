// Apps: each app's prefix and services, the endpoint URL to hand to clients, and copyable mcpServers snippets for
// Claude Desktop, Cursor and VS Code; plus the gateway's own endpoint (every service) and a form to add an app.
import { api } from '../api.js';
import { h, field, copyButton } from '../dom.js';

export async function render(view, { notify, failed }) {
  const base = location.href.split('#')[0].replace(/\/$/, '');
  const { apps } = await api('apps');
  view.append(h('h2', {}, 'Apps'),
    h('p', { class: 'muted' }, 'An app is an endpoint that shows a chosen set of services under its own prefix.'),
    card('Every service', '', [], base + '/mcp'),
    apps.map(a => card(a.name, a.prefix, a.services || [], base + a.endpoint)),
    addForm());

  function card(name, prefix, services, url) {
    const key = name === 'Every service' ? 'mcpstore' : 'mcpstore-' + name;
    const claude = JSON.stringify({ mcpServers: { [key]: { command: 'npx', args: ['-y', 'mcp-remote', url] } } }, null, 2);
    const cursor = JSON.stringify({ mcpServers: { [key]: { url } } }, null, 2);
    const vscode = JSON.stringify({ servers: { [key]: { type: 'http', url } } }, null, 2);
    const snippet = (title, text) => {
      const pre = h('pre', {}, text);
      return h('div', {}, h('div', { class: 'row' }, h('strong', {}, title), copyButton(pre, 'Copy ' + title + ' snippet')), pre);
    };
    const endpoint = h('code', { class: 'endpoint' }, url);
    return h('section', { class: 'card', dataset: { app: name } },
      h('h3', {}, name),
      prefix ? h('p', {}, 'Prefix ', h('code', {}, prefix), ' · services: ', services.join(', ') || '(none)') : null,
      h('p', { class: 'row' }, 'Endpoint: ', endpoint, copyButton(endpoint, 'Copy URL')),
      h('div', { class: 'grid' },
        snippet('Claude Desktop', claude), snippet('Cursor', cursor), snippet('VS Code', vscode)));
  }

  function addForm() {
    const name = h('input', { name: 'name', required: true, spellcheck: 'false' });
    const prefix = h('input', { name: 'prefix', required: true, spellcheck: 'false', placeholder: '/team' });
    const services = h('input', { name: 'services', spellcheck: 'false', placeholder: 'github, search' });
    const form = h('form', { id: 'add-app' }, h('h3', {}, 'Add an app'),
      field('Name', name), field('Prefix', prefix, 'the path the app is served under, e.g. /team'),
      field('Services (comma separated)', services), h('button', { type: 'submit', class: 'primary' }, 'Add app'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        await api('apps', { method: 'POST', json: { name: name.value.trim(), prefix: prefix.value.trim(),
          services: services.value.split(',').map(s => s.trim()).filter(Boolean) } });
        notify('Added app ' + name.value, 'ok');
        location.reload();
      } catch (err) { failed(err); }
    });
    return form;
  }
}
