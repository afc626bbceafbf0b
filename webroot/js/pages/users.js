// Users & keys: create users (name, role, password), change a user's role (in the row) or password (a form), and API
// keys (the key text is shown once, right after it is made); remove or revoke them. Needs the admin role; others see
// what the API says.
import { api } from '../api.js';
import { h, field, table, copyButton } from '../dom.js';

const ROLES = ['admin', 'operator', 'viewer', 'client'];
const roleSelect = name => h('select', { name }, ROLES.map(r => h('option', { value: r, selected: r === 'viewer' }, r)));

export async function render(view, { notify, failed }) {
  const users = h('div', { class: 'scroll' }), keys = h('div', { class: 'scroll' });
  const shown = h('div', { id: 'new-key', 'aria-live': 'polite' });
  const pwUser = h('select', { name: 'user' });
  view.append(h('h2', {}, 'Users & keys'), h('h3', {}, 'Users'), users, userForm(), passwordForm(),
    h('h3', {}, 'API keys'), shown, keys, keyForm());

  async function load() {
    const [u, k] = await Promise.all([api('users'), api('keys')]);
    users.replaceChildren(table(['User', 'Role', ''], u.users.map(x => h('tr', { dataset: { user: x.name } },
      h('td', {}, x.name), h('td', {}, roleOf(x)),
      h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': 'Remove user ' + x.name, onclick: () => del('users/', x.name) }, 'Remove')))),
    'No users.'));
    const chosen = pwUser.value;
    pwUser.replaceChildren(...u.users.map(x => h('option', { value: x.name, selected: x.name === chosen }, x.name)));
    keys.replaceChildren(table(['Key', 'Name', 'Role', 'Apps', 'Tools', 'Expires', ''], k.keys.map(x => h('tr', { dataset: { key: x.id } },
      h('td', {}, h('code', {}, x.id)), h('td', {}, x.name || ''), h('td', {}, x.role),
      h('td', {}, (x.apps || []).join(', ') || 'all'), h('td', {}, (x.tools || []).join(', ') || 'all'), h('td', {}, x.expiresAt || 'never'),
      h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': 'Revoke key ' + (x.name || x.id), onclick: () => del('keys/', x.id) }, 'Revoke')))),
    'No API keys.'));
  }

  /** The user's role as a select: choosing another saves it at once (PUT users/<name> {role}). */
  function roleOf(user) {
    const select = h('select', { name: 'role', 'aria-label': 'Role of ' + user.name },
      ROLES.map(r => h('option', { value: r, selected: r === user.role }, r)));
    select.addEventListener('change', async () => {
      try {
        await api('users/' + encodeURIComponent(user.name), { method: 'PUT', json: { role: select.value } });
        notify(`${user.name} is now ${select.value}`, 'ok');
        await load();
      } catch (e) { select.value = user.role; failed(e); }
    });
    return select;
  }

  function passwordForm() {
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true });
    const form = h('form', { id: 'set-password', 'aria-labelledby': 'pw-title' }, h('h3', { id: 'pw-title' }, 'Set a password'),
      field('User', pwUser), field('New password', password, 'Hashed by the gateway; never shown again.'),
      h('button', { type: 'submit' }, 'Set password'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        await api('users/' + encodeURIComponent(pwUser.value), { method: 'PUT', json: { password: password.value } });
        notify('Changed the password of ' + pwUser.value, 'ok');
        password.value = '';
      } catch (err) { failed(err); }
    });
    return form;
  }

  async function del(kind, id) {
    if (!confirm((kind === 'keys/' ? 'Revoke the key ' : 'Remove the user ') + id + '?')) return;
    try { await api(kind + encodeURIComponent(id), { method: 'DELETE' }); notify('Done: ' + id, 'ok'); await load(); }
    catch (e) { failed(e); }
  }

  function userForm() {
    const name = h('input', { name: 'name', autocomplete: 'off', spellcheck: 'false', required: true });
    const role = roleSelect('role');
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true });
    const form = h('form', { id: 'add-user' }, field('User name', name), field('Role', role), field('Password', password),
      h('button', { type: 'submit' }, 'Create user'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try { await api('users', { method: 'POST', json: { name: name.value.trim(), role: role.value, password: password.value } });
        notify('Created user ' + name.value, 'ok'); form.reset(); await load(); }
      catch (err) { failed(err); }
    });
    return form;
  }

  function keyForm() {
    const name = h('input', { name: 'name', autocomplete: 'off', spellcheck: 'false', required: true });
    const role = roleSelect('role');
    // Limits: the apps the key may use, the tool name patterns it may call (both blank: no limit), when it stops.
    const apps = h('input', { name: 'apps', autocomplete: 'off', spellcheck: 'false', placeholder: 'all apps' });
    const tools = h('input', { name: 'tools', autocomplete: 'off', spellcheck: 'false', placeholder: 'all tools, e.g. github__*' });
    const expires = h('input', { name: 'expires', type: 'date' });
    const list = input => input.value.split(',').map(x => x.trim()).filter(Boolean);
    const form = h('form', { id: 'add-key' }, field('Key name', name), field('Role', role),
      field('Apps (comma-separated)', apps), field('Tools (comma-separated patterns)', tools),
      field('Expires (start of the day, UTC)', expires), h('button', { type: 'submit' }, 'Create key'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const json = { name: name.value.trim(), role: role.value };
      if (list(apps).length) json.apps = list(apps);
      if (list(tools).length) json.tools = list(tools);
      if (expires.value) json.expiresAt = expires.value + 'T00:00:00Z';
      try {
        const key = await api('keys', { method: 'POST', json });
        const text = h('code', { id: 'key-text' }, key.key);
        shown.replaceChildren(h('div', { class: 'card' }, h('p', {}, h('strong', {}, 'Your new key — copy it now: it is shown only this once.')),
          h('p', { class: 'row' }, text, copyButton(text, 'Copy key'))));
        form.reset();
        await load();
      } catch (err) { failed(err); }
    });
    return form;
  }
  await load();
}
