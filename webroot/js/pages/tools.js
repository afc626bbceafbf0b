// Tools: search across every tool of every service (name and description), and each tool's input schema.
import { api } from '../api.js';
import { h, badge, table } from '../dom.js';

export async function render(view, { failed }) {
  const q = h('input', { type: 'search', id: 'tool-search', name: 'q', autocomplete: 'off' });
  const list = h('div', { class: 'scroll', 'aria-live': 'polite' });
  const schema = h('section', { id: 'tool-schema' });
  view.append(h('h2', {}, 'Tools'),
    h('form', { role: 'search', class: 'row', onsubmit: e => e.preventDefault() },
      h('label', { for: 'tool-search' }, 'Search tools'), q),
    list, schema);
  let timer;
  async function load() {
    const { tools } = await api('tools' + (q.value ? '?q=' + encodeURIComponent(q.value) : ''));
    list.replaceChildren(h('p', { class: 'muted' }, `${tools.length} tools`), table(['Tool', 'Service', 'State', 'Description', ''],
      tools.map(t => h('tr', { dataset: { tool: t.name } },
        h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => show(t) }, t.name)),
        h('td', {}, t.service || ''), h('td', {}, badge(t.state)), h('td', {}, t.description || ''),
        h('td', {}, h('a', { href: '#/playground/' + encodeURIComponent(t.name) }, 'Try it')))),
      q.value ? 'No tool matches.' : 'No tools yet.'));
  }
  function show(t) {
    schema.replaceChildren(h('div', {}, h('h3', { tabindex: '-1' }, t.name),
      h('p', {}, t.description || ''),
      h('h3', {}, 'Input schema'), h('pre', {}, JSON.stringify(t.inputSchema, null, 2)),
      t.outputSchema ? [h('h3', {}, 'Output schema'), h('pre', {}, JSON.stringify(t.outputSchema, null, 2))] : null,
      h('p', {}, h('a', { href: '#/playground/' + encodeURIComponent(t.name) }, 'Try it in the playground'))));
    schema.querySelector('h3').focus();
  }
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load().catch(failed), 200); });
  await load();
}
