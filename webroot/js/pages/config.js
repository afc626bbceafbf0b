// Config: the revisions with when and who (who from the audit log, for admins), a line diff between any two, roll
// back to one, export of the current config, and import (pasted or uploaded YAML/JSON, or mcpServers JSON) with the
// error naming the key at fault.
import { api } from '../api.js';
import { h, field, table } from '../dom.js';

export async function render(view, { notify, failed, live }) {
  const list = h('div', { class: 'scroll' });
  const from = h('select', { id: 'diff-from', name: 'from' }), to = h('select', { id: 'diff-to', name: 'to' });
  const diff = h('pre', { id: 'diff', class: 'diff', 'aria-live': 'polite' });
  view.append(h('h2', {}, 'Config'),
    h('p', {}, h('a', { href: 'api/v1/config/export', download: 'mcpstore.yaml', id: 'export' }, 'Export the current config')),
    list,
    h('h3', {}, 'Compare two revisions'),
    h('form', { class: 'row', id: 'diff-form', onsubmit: e => { e.preventDefault(); compare().catch(failed); } },
      field('From', from), field('To', to), h('button', { type: 'submit' }, 'Show diff')),
    diff,
    importForm());

  function importForm() {
    const text = h('textarea', { name: 'document', rows: 10, spellcheck: 'false',
      placeholder: 'services:\n  github:\n    command: npx\n    args: [-y, "@modelcontextprotocol/server-github"]' });
    const file = h('input', { name: 'file', type: 'file', accept: '.yaml,.yml,.json,application/json,application/yaml' });
    file.addEventListener('change', async () => { if (file.files[0]) text.value = await file.files[0].text(); });
    const mode = h('select', { name: 'mode' },
      h('option', { value: 'replace' }, 'replace: the sections given replace the current ones'),
      h('option', { value: 'merge' }, 'merge: add and change by name, keep the rest'));
    const out = h('div', { id: 'import-result', 'aria-live': 'polite' });
    const form = h('form', { id: 'import-config', 'aria-labelledby': 'import-title' },
      h('h3', { id: 'import-title' }, 'Import a config'),
      field('YAML or JSON (our format, or mcpServers JSON)', text, 'Secrets given as *** keep what is stored here.'),
      field('Or upload a file', file), field('Mode', mode),
      h('button', { type: 'submit', class: 'primary' }, 'Import'), out);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      if (!text.value.trim()) { out.replaceChildren(h('p', { class: 'failed', id: 'import-error' }, 'Paste a config or choose a file first.')); return; }
      if (mode.value === 'replace' && !confirm('Replace the sections this document has with its content?')) return;
      const type = /^\s*[{\[]/.test(text.value) ? 'application/json' : 'application/yaml';
      try {
        const r = await api('config/import?mode=' + mode.value, { method: 'POST', text: text.value, contentType: type });
        out.replaceChildren(h('p', { class: 'ok', id: 'import-ok' }, r.changed === false
          ? `Nothing changed (revision ${r.revision}).` : `Imported: now revision ${r.revision}.`));
        notify('Imported the config: revision ' + r.revision, 'ok');
        form.reset();
        await load();
      } catch (err) {
        // The problem names the key (services.x.comand): show it beside the form, where the text is.
        out.replaceChildren(h('p', { class: 'failed', id: 'import-error' }, err.message));
        failed(err);
      }
    });
    return form;
  }

  let latest = null;
  async function load() {
    const { revisions } = await api('config/revisions?limit=50');
    latest = revisions[0]?.revision;
    const who = await whoChanged();
    list.replaceChildren(table(['Revision', 'When', 'Who', 'Change', ''], revisions.map((r, i) =>
      h('tr', { dataset: { revision: r.revision } },
        h('td', {}, String(r.revision)), h('td', {}, new Date(r.at).toLocaleString()),
        h('td', {}, who.get(r.revision) || ''), h('td', {}, r.summary || ''),
        h('td', {}, i === 0 ? h('span', { class: 'muted' }, 'current') : h('button', { type: 'button', class: 'small',
          'aria-label': 'Roll back to revision ' + r.revision, onclick: () => rollback(r.revision) }, 'Roll back'))))));
    const options = sel => revisions.map(r => h('option', { value: r.revision, selected: sel(r) }, String(r.revision)));
    from.replaceChildren(...options(r => r === revisions[1]));
    to.replaceChildren(...options(r => r === revisions[0]));
  }

  async function whoChanged() {
    try {
      const { entries } = await api('audit?kind=admin&limit=200');
      return new Map(entries.filter(e => e.revision).map(e => [e.revision, e.who]));
    } catch (e) {
      return new Map(); // not an admin: the audit log is not ours to read
    }
  }

  async function rollback(n) {
    if (!confirm('Roll back to revision ' + n + '? This makes a new revision with its content.')) return;
    try {
      const before = latest;
      const r = await api('config/rollback/' + n, { method: 'POST' });
      notify(`Rolled back to revision ${n}: now revision ${r.revision}`, 'ok');
      await load();
      from.value = String(before); to.value = String(r.revision);
      await compare();
    } catch (e) { failed(e); }
  }

  async function compare() {
    const [a, b] = await Promise.all([api('config/revisions/' + from.value), api('config/revisions/' + to.value)]);
    diff.replaceChildren(h('span', { class: 'muted' }, `revision ${a.revision} → ${b.revision}\n`),
      ...lineDiff(pretty(a.document), pretty(b.document)));
  }
  const onConfig = () => load().catch(() => {});
  live.addEventListener('config', onConfig);
  await load();
  return () => live.removeEventListener('config', onConfig);
}

/** Keys sorted, so that a diff shows changes, not reordering. */
function pretty(doc) {
  const sort = v => Array.isArray(v) ? v.map(sort) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sort(v[k])])) : v;
  return JSON.stringify(sort(doc), null, 2).split('\n');
}

/** A line diff by longest common subsequence (config documents are small). */
function lineDiff(a, b) {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0, same = 0;
  const line = (cls, sign, text) => h('span', { class: cls }, sign + ' ' + text + '\n');
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push(line('same', ' ', a[i])); i++; j++; same++; }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) out.push(line('add', '+', b[j++]));
    else out.push(line('del', '-', a[i++]));
  }
  if (out.every(l => l.className === 'same')) return [h('span', { class: 'muted' }, 'The two revisions are the same.')];
  // Only the changes and three lines around each, as diff -u shows them.
  const near = new Set();
  out.forEach((l, k) => { if (l.className !== 'same') for (let d = -3; d <= 3; d++) near.add(k + d); });
  return out.filter((l, k) => near.has(k));
}
