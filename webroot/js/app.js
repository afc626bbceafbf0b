// The console shell: sign-in, the page router on location.hash (#/dashboard, #/services, …), the live event stream
// shared by every page, and one message line for errors. Each page is a module in pages/ exporting render(view, ctx),
// which may return a cleanup function called when the user leaves the page.
import { api, events, token, SignInNeeded } from './api.js';

const PAGES = {
  dashboard: () => import('./pages/dashboard.js'),
  services: () => import('./pages/services.js'),
  tools: () => import('./pages/tools.js'),
  playground: () => import('./pages/playground.js'),
  apps: () => import('./pages/apps.js'),
  chat: () => import('./pages/chat.js'),
  config: () => import('./pages/config.js'),
  users: () => import('./pages/users.js'),
  audit: () => import('./pages/audit.js'),
};

const $ = id => document.getElementById(id);
const signin = $('signin'), content = $('content'), who = $('who'), view = $('view'), message = $('message');
const form = $('signin-form'), userInput = $('signin-user'), passwordInput = $('signin-password');

/** Live events for the pages: live.addEventListener('state', e => e.detail …). */
const live = new EventTarget();
let stream = null, cleanup = null, me = null;
/** Counts page changes: a page still loading when the user moves on must not draw over the next one. */
let generation = 0;

function notify(text, kind = 'error') {
  message.textContent = text || '';
  message.className = 'message ' + kind;
  message.hidden = !text;
}

/** What a page calls when an API call fails: sign-in again, or the error in the message line. */
function failed(e) {
  if (e instanceof SignInNeeded) { showSignIn(e.message); return; }
  notify(e.message);
}

function startLive() {
  stream?.abort();
  stream = new AbortController();
  const status = $('live');
  events((name, data) => live.dispatchEvent(new CustomEvent(name, { detail: data })), stream.signal, s => {
    status.textContent = s === 'live' ? 'live' : s === 'reconnecting' ? 'reconnecting…' : 'offline';
    status.className = 'badge ' + (s === 'live' ? 'ready' : 'degraded');
    if (s === 'signed-out') showSignIn('Your session has ended: sign in again.');
  });
}

function showSignIn(text) {
  stream?.abort();
  stream = null;
  $('live').textContent = 'offline';
  $('live').className = 'badge muted';
  cleanup?.(); cleanup = null;
  token.clear();
  who.hidden = true;
  content.hidden = true;
  $('signin-error').textContent = text || '';
  const wasHidden = signin.hidden;
  signin.hidden = false;
  if (wasHidden) (userInput.value ? passwordInput : userInput).focus();
}

async function route() {
  if (!signin.hidden) return;
  const name = (location.hash.replace(/^#\/?/, '').split('/')[0]) || 'dashboard';
  const load = PAGES[name] || PAGES.dashboard;
  cleanup?.(); cleanup = null;
  notify('');
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === '#/' + name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // Each page draws into its own box: one that is still loading when the user moves on draws into a detached box,
  // and its cleanup runs as soon as its render ends.
  const mine = ++generation;
  const box = document.createElement('div');
  view.replaceChildren(box);
  view.setAttribute('aria-busy', 'true');
  try {
    const page = await load();
    const ctx = { live, me, notify, failed, params: location.hash.split('/').slice(2).map(decodeURIComponent) };
    const done = (await page.render(box, ctx)) || null;
    if (mine !== generation) {
      done?.();
      return;
    }
    cleanup = done;
    document.title = (view.querySelector('h2')?.textContent || 'Console') + ' · MCPStore';
  } catch (e) {
    if (mine === generation) failed(e);
  } finally {
    if (mine === generation) view.removeAttribute('aria-busy');
  }
}

async function start() {
  signin.hidden = true;
  try {
    me = await api('auth/me');
  } catch (e) {
    if (e instanceof SignInNeeded) { showSignIn(e.message); return; }
    me = { kind: 'anonymous', role: 'admin' };
  }
  content.hidden = false;
  if (me.kind !== 'anonymous') {
    $('who-name').textContent = me.name ?? me.subject;
    $('who-role').textContent = me.role;
    who.hidden = false;
  } else {
    who.hidden = true;
  }
  startLive();
  await route();
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  const error = $('signin-error');
  if (!userInput.value || !passwordInput.value) {
    error.textContent = 'Enter your user name and password.';
    (userInput.value ? passwordInput : userInput).focus();
    return;
  }
  const button = $('signin-submit');
  button.disabled = true;
  try {
    const res = await fetch('api/v1/auth/login', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: userInput.value, password: passwordInput.value }),
    });
    if (!res.ok) {
      error.textContent = res.status === 401 || res.status === 403 ? 'Wrong user name or password.'
        : res.status === 429 ? 'Too many attempts: wait a moment and try again.' : `Sign-in failed: HTTP ${res.status}`;
      passwordInput.value = '';
      passwordInput.focus();
      return;
    }
    token.set((await res.json()).token);
    passwordInput.value = '';
    error.textContent = '';
    await start();
    $('view').focus();
  } catch (e) {
    error.textContent = 'Sign-in failed: ' + e.message;
  } finally {
    button.disabled = false;
  }
});

$('sign-out').addEventListener('click', () => showSignIn('Signed out.'));
window.addEventListener('hashchange', () => { route().then(() => view.focus({ preventScroll: true })); });
start();
