// Playground: pick a tool, fill in the form built from its inputSchema, call it through the admin API
// (POST tools/call) and see the result by content kind: text, structured JSON, images, audio, resources and links.
import { api } from '../api.js';
import { h, field } from '../dom.js';
import { build } from '../schema-form.js';

export async function render(view, { failed, params }) {
  const { tools } = await api('tools');
  const select = h('select', { id: 'pg-tool', name: 'tool' },
    h('option', { value: '' }, '(choose a tool)'),
    tools.map(t => h('option', { value: t.name, selected: t.name === params[0] }, t.name)));
  const formHolder = h('div');
  const result = h('section', { id: 'pg-result', class: 'result', 'aria-live': 'polite' });
  const call = h('button', { type: 'submit', class: 'primary', id: 'pg-call', disabled: true }, 'Call tool');
  const form = h('form', { id: 'pg-form', novalidate: true }, formHolder, call);
  view.append(h('h2', {}, 'Playground'), field('Tool', select), form, result);
  let current = null;

  function choose() {
    const tool = tools.find(t => t.name === select.value);
    result.replaceChildren();
    if (!tool) { formHolder.replaceChildren(); call.disabled = true; current = null; return; }
    current = { tool, form: build(tool.inputSchema, 'Arguments') };
    formHolder.replaceChildren(tool.description ? h('p', { class: 'muted' }, tool.description) : '', current.form.element);
    call.disabled = false;
    if (location.hash !== '#/playground/' + encodeURIComponent(tool.name))
      history.replaceState(null, '', '#/playground/' + encodeURIComponent(tool.name));
  }
  select.addEventListener('change', choose);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!current) return;
    const args = current.form.value() || {};
    call.disabled = true;
    result.replaceChildren(h('p', { class: 'muted' }, 'Calling ' + current.tool.name + '…'));
    try {
      const r = await api('tools/call', { method: 'POST', json: { name: current.tool.name, arguments: args } });
      show(r, args);
    } catch (err) {
      result.replaceChildren(h('p', { class: 'failed', id: 'pg-error' }, err.message));
      failed(err);
    } finally {
      call.disabled = false;
    }
  });

  function show(r, args) {
    result.replaceChildren(h('div', {},
      h('h3', {}, r.isError ? 'The tool reported an error' : 'Result'),
      h('details', {}, h('summary', {}, 'Arguments sent'), h('pre', { id: 'pg-args' }, JSON.stringify(args, null, 2))),
      (r.content || []).map(content),
      r.structuredContent !== undefined
        ? [h('h3', {}, 'Structured content'), h('pre', { class: 'structured' }, JSON.stringify(r.structuredContent, null, 2))]
        : null));
  }
  if (params[0]) choose();
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
