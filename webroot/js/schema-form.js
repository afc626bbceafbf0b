// A form built from a tool's inputSchema (JSON Schema 2020-12): objects become fieldsets, arrays get add/remove
// buttons, enums become selects, booleans checkboxes, defaults pre-fill, oneOf/anyOf offer a choice of branch, and
// local $refs (#/$defs/…) resolve. build() returns the element and a value() that reads the form back to JSON.
import { h, field } from './dom.js';

export function build(schema, label = 'Arguments') {
  const root = schema || { type: 'object' };
  return node(resolve(root, root), label, root, 'arg', true);
}

function resolve(s, root) {
  let seen = 0;
  while (s && s.$ref && seen++ < 20) {
    if (!s.$ref.startsWith('#/')) break;
    s = s.$ref.slice(2).split('/').reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root) || {};
  }
  return s || {};
}

function typeOf(s) {
  if (Array.isArray(s.type)) return s.type.find(t => t !== 'null') || 'string';
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  if (s.enum) return 'enum';
  return 'string';
}

function node(s, label, root, path, required) {
  s = resolve(s, root);
  const branches = s.oneOf || s.anyOf;
  if (branches) return choice(s, branches, label, root, path);
  if (s.enum) return enumField(s, label, path, required);
  switch (typeOf(s)) {
    case 'object': return object(s, label, root, path);
    case 'array': return array(s, label, root, path);
    case 'boolean': {
      const box = h('input', { type: 'checkbox', name: path, checked: s.default === true });
      const el = h('div', { class: 'field row' }, box, h('label', { for: box.id = path }, label));
      return { element: el, value: () => box.checked };
    }
    case 'integer': case 'number': {
      const input = h('input', { type: 'number', name: path, step: s.type === 'integer' ? '1' : 'any',
        value: s.default ?? '', required, min: s.minimum, max: s.maximum });
      input.id = path;
      return { element: field(label + (required ? ' *' : ''), input, s.description),
        value: () => input.value === '' ? undefined : Number(input.value) };
    }
    default: {
      const long = (s.maxLength ?? 0) > 200 || /text|body|content|prompt/i.test(label);
      const input = long ? h('textarea', { name: path, rows: 3 }) : h('input', { name: path, spellcheck: 'false' });
      input.id = path;
      if (s.default !== undefined) input.value = s.default;
      input.required = !!required;
      return { element: field(label + (required ? ' *' : ''), input, s.description),
        value: () => input.value === '' ? undefined : input.value };
    }
  }
}

function object(s, label, root, path) {
  const req = new Set(s.required || []);
  const children = Object.entries(s.properties || {}).map(([k, v]) => [k, node(v, k, root, path + '.' + k, req.has(k))]);
  const el = h('fieldset', { dataset: { path } }, h('legend', {}, label), s.description ? h('p', { class: 'muted' }, s.description) : null,
    children.map(([, c]) => c.element), children.length ? null : h('p', { class: 'muted' }, 'No arguments.'));
  return { element: el, value: () => {
    const out = {};
    for (const [k, c] of children) { const v = c.value(); if (v !== undefined) out[k] = v; }
    return path === 'arg' || Object.keys(out).length ? out : undefined;
  } };
}

function array(s, label, root, path) {
  const items = [];
  const list = h('div');
  const add = h('button', { type: 'button', class: 'small' }, 'Add ' + label + ' item');
  const addItem = () => {
    const i = items.length;
    const c = node(s.items || {}, `${label} [${i + 1}]`, root, `${path}.${i}`, false);
    const wrap = h('div', { class: 'row' }, c.element,
      h('button', { type: 'button', class: 'small', 'aria-label': `Remove ${label} item ${i + 1}`, onclick: () => {
        items.splice(items.indexOf(entry), 1); wrap.remove();
      } }, 'Remove'));
    const entry = { c, wrap };
    items.push(entry);
    list.append(wrap);
  };
  add.addEventListener('click', addItem);
  for (const _ of (Array.isArray(s.default) ? s.default : [])) addItem();
  return { element: h('fieldset', { dataset: { path } }, h('legend', {}, label), list, add),
    value: () => { const v = items.map(e => e.c.value()).filter(x => x !== undefined); return v.length ? v : undefined; } };
}

function enumField(s, label, path, required) {
  const select = h('select', { name: path },
    required ? null : h('option', { value: '' }, '(none)'),
    s.enum.map((v, i) => h('option', { value: String(i), selected: v === s.default }, String(v))));
  select.id = path;
  return { element: field(label + (required ? ' *' : ''), select, s.description),
    value: () => select.value === '' ? undefined : s.enum[Number(select.value)] };
}

function choice(s, branches, label, root, path) {
  const select = h('select', { name: path + '.choice' },
    branches.map((b, i) => h('option', { value: String(i) }, resolve(b, root).title || typeOf(resolve(b, root)) + ' ' + (i + 1))));
  select.id = path + '.choice';
  const holder = h('div');
  let current;
  const pick = () => {
    current = node({ ...branches[Number(select.value)] }, label, root, path + '.' + select.value, false);
    holder.replaceChildren(current.element);
  };
  select.addEventListener('change', pick);
  pick();
  return { element: h('fieldset', {}, h('legend', {}, label), field('Which form', select), holder), value: () => current.value() };
}
