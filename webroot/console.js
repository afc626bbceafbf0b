// The console's first page: the services and their state, refreshed every two seconds. With security on, the API
// answers 401 until the user signs in; the token lives in sessionStorage (gone when the tab closes) and goes out as a
// bearer on every API call.
const tbody = document.querySelector('#services tbody');
const overall = document.getElementById('overall');
const signin = document.getElementById('signin');
const form = document.getElementById('signin-form');
const userInput = document.getElementById('signin-user');
const passwordInput = document.getElementById('signin-password');
const signinError = document.getElementById('signin-error');
const content = document.getElementById('content');
const who = document.getElementById('who');
const TOKEN = 'mcpstore.token';
document.getElementById('mcp-url').textContent = new URL('mcp', location.href).href;
document.getElementById('sse-url').textContent = new URL('sse', location.href).href;

/** The API said 401: the caller shows the sign-in form instead of an error. */
class SignInNeeded extends Error {}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const token = sessionStorage.getItem(TOKEN);
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch('api/v1/' + path, { ...options, headers });
  if (res.status === 401) throw new SignInNeeded(token ? 'Your session has ended: sign in again.' : '');
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try { detail += ': ' + ((await res.json()).detail || ''); } catch (ignored) { /* not a problem document */ }
    throw new Error(detail);
  }
  return res.json();
}

function showSignIn(message) {
  sessionStorage.removeItem(TOKEN);
  who.hidden = true;
  content.hidden = true;
  overall.textContent = 'sign-in needed';
  overall.className = 'badge muted';
  signinError.textContent = message || '';
  const wasHidden = signin.hidden;
  signin.hidden = false;
  if (wasHidden) (userInput.value ? passwordInput : userInput).focus();
}

async function showWho() {
  const me = await api('auth/me');
  // With security off everyone is the anonymous admin: nothing to show, nothing to sign out of.
  if (me.kind === 'anonymous') { who.hidden = true; return; }
  document.getElementById('who-name').textContent = me.name ?? me.subject;
  const role = document.getElementById('who-role');
  role.textContent = me.role;
  role.title = 'role';
  who.hidden = false;
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (cls) td.className = cls;
  return td;
}

function render(services) {
  tbody.replaceChildren();
  if (services.length === 0) {
    const tr = document.createElement('tr');
    tr.append(cell('No services configured.', 'muted'));
    tr.firstChild.colSpan = 7;
    tbody.append(tr);
  }
  for (const s of services) {
    const tr = document.createElement('tr');
    tr.dataset.service = s.name;
    const state = cell('', 'state');
    const badge = document.createElement('span');
    badge.className = 'badge ' + s.state;
    badge.textContent = s.state;
    state.append(badge);
    tr.append(cell(s.name), cell(s.transport), state, cell(s.tools ?? 0), cell(s.resources ?? 0),
      cell(s.prompts ?? 0), cell(s.error, 'muted'));
    tbody.append(tr);
  }
  const up = services.filter(s => s.state === 'ready' || s.state === 'degraded').length;
  overall.textContent = `${up} of ${services.length} services up`;
  overall.className = 'badge ' + (up === services.length ? 'ready' : up === 0 ? 'down' : 'degraded');
}

async function refresh() {
  if (!signin.hidden) return;
  try {
    render((await api('services')).services);
  } catch (e) {
    if (e instanceof SignInNeeded) { showSignIn(e.message); return; }
    overall.textContent = 'gateway unreachable: ' + e.message;
    overall.className = 'badge down';
  }
}

async function start() {
  signin.hidden = true;
  content.hidden = false;
  try {
    await showWho();
  } catch (e) {
    if (e instanceof SignInNeeded) { showSignIn(e.message); return; }
    // an older gateway without /auth/me: show the services anyway
  }
  await refresh();
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  if (!userInput.value || !passwordInput.value) {
    signinError.textContent = 'Enter your user name and password.';
    (userInput.value ? passwordInput : userInput).focus();
    return;
  }
  const button = document.getElementById('signin-submit');
  button.disabled = true;
  try {
    const res = await fetch('api/v1/auth/login', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: userInput.value, password: passwordInput.value }),
    });
    if (!res.ok) {
      signinError.textContent = res.status === 401 || res.status === 403
        ? 'Wrong user name or password.'
        : res.status === 429 ? 'Too many attempts: wait a moment and try again.' : `Sign-in failed: HTTP ${res.status}`;
      passwordInput.value = '';
      passwordInput.focus();
      return;
    }
    sessionStorage.setItem(TOKEN, (await res.json()).token);
    passwordInput.value = '';
    signinError.textContent = '';
    await start();
  } catch (e) {
    signinError.textContent = 'Sign-in failed: ' + e.message;
  } finally {
    button.disabled = false;
  }
});

document.getElementById('sign-out').addEventListener('click', () => {
  showSignIn('Signed out.');
});

start();
setInterval(refresh, 2000);
