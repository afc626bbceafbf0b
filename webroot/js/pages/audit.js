// Audit log: who did what and how it went, newest first, with filters (who, tool, outcome, kind, time) and paging
// by the API's "next" cursor.
import { api } from '../api.js';
import { h, field, table, badge } from '../dom.js';

export async function render(view, { failed }) {
  const who = h('input', { name: 'who', spellcheck: 'false' }), tool = h('input', { name: 'tool', spellcheck: 'false' });
  const outcome = h('select', { name: 'outcome' }, ['', 'ok', 'tool_error', 'error', 'timeout', 'denied', 'unauthenticated', 'rate_limited']
    .map(o => h('option', { value: o }, o || '(any)')));
  const kind = h('select', { name: 'kind' }, ['', 'admin', 'tool', 'auth'].map(o => h('option', { value: o }, o || '(any)')));
  const fromInput = h('input', { name: 'from', type: 'datetime-local' });
  const list = h('div', { class: 'scroll', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, 'Older entries');
  const form = h('form', { id: 'audit-filter', class: 'row' }, field('Who', who), field('Tool', tool), field('Outcome', outcome),
    field('Kind', kind), field('Since', fromInput), h('button', { type: 'submit' }, 'Filter'));
  view.append(h('h2', {}, 'Audit log'), form, list, more);
  let next = null, rows = [];

  async function load(append) {
    const q = new URLSearchParams({ limit: '50' });
    if (who.value) q.set('who', who.value.trim());
    if (tool.value) q.set('tool', tool.value.trim());
    if (outcome.value) q.set('outcome', outcome.value);
    if (kind.value) q.set('kind', kind.value);
    if (fromInput.value) q.set('from', new Date(fromInput.value).toISOString());
    if (append && next) q.set('before', next);
    const page = await api('audit?' + q);
    if (!append) rows = [];
    rows.push(...page.entries.map(e => h('tr', {},
      h('td', {}, new Date(e.at).toLocaleString()), h('td', {}, e.kind), h('td', {}, e.who || ''),
      h('td', {}, e.action || ''), h('td', {}, e.tool || e.target || ''), h('td', {}, badge(e.outcome || '')),
      h('td', { class: 'muted hide-narrow' }, e.detail || (e.revision ? 'revision ' + e.revision : '')))));
    list.replaceChildren(table(['When', 'Kind', 'Who', 'Action', 'Tool / target', 'Outcome', 'Detail'], rows, 'No entries match.'));
    next = page.next || null;
    more.hidden = !next;
  }
  form.addEventListener('submit', e => { e.preventDefault(); load(false).catch(failed); });
  more.addEventListener('click', () => load(true).catch(failed));
  await load(false);
}
