// Chat lab: talk to the OpenAI-compatible model an admin set up, with the tools of a chosen app. The gateway holds
// the API key and calls the model (POST chat/transcripts/{id}/messages answers as text/event-stream): the answer
// streams in as it arrives, and each tool call the model makes — name, arguments, result — shows inline. Transcripts
// are kept per user in the gateway's web data store. Admins set the endpoint in the settings form (the key is
// write-only: blank keeps the stored one).
import { api, token, readEvents, ApiError, SignInNeeded } from '../api.js';
import { h, field } from '../dom.js';

export async function render(view, { me, notify, failed, params }) {
  const admin = me?.role === 'admin';
  const [settings, appsAnswer] = await Promise.all([api('chat/settings'), api('apps').catch(() => ({ apps: [] }))]);
  const apps = appsAnswer.apps || [];

  const appSelect = h('select', { id: 'chat-app', name: 'app' },
    h('option', { value: '' }, 'Every service'), apps.map(a => h('option', { value: a.name }, a.name)));
  const newButton = h('button', { type: 'button', id: 'chat-new', class: 'primary' }, 'New chat');
  const list = h('ul', { id: 'chat-list', class: 'chat-list', 'aria-label': 'Your transcripts' });
  const title = h('h3', { id: 'chat-title' }, 'No chat open');
  const meta = h('p', { class: 'muted', id: 'chat-meta' });
  const log = h('ol', { id: 'chat-log', class: 'chat-log', 'aria-label': 'Transcript' });
  const status = h('p', { id: 'chat-status', class: 'muted', role: 'status' });
  const input = h('textarea', { id: 'chat-input', name: 'content', rows: 3, disabled: true,
    placeholder: 'Ask something; the model may call the gateway’s tools. Ctrl+Enter sends.' });
  const send = h('button', { type: 'submit', id: 'chat-send', class: 'primary', disabled: true }, 'Send');
  const form = h('form', { id: 'chat-form', class: 'chat-form' }, field('Message', input), h('div', { class: 'row' }, send, status));

  view.append(h('h2', {}, 'Chat lab'),
    h('p', { class: 'muted' }, 'A model of your choice, with the gateway’s tools. Each tool call and its result is shown as it happens.'),
    settings.configured ? null
      : h('p', { id: 'chat-unset', class: 'message error' },
        admin ? 'The chat endpoint is not set up yet: fill in the settings below.'
          : 'The chat endpoint is not set up yet: ask an admin to set it.'),
    h('div', { class: 'chat' },
      h('aside', { class: 'chat-side', 'aria-label': 'Chats' },
        field('Tools of app', appSelect, 'used by a new chat'), newButton, list),
      h('section', { class: 'chat-main', 'aria-labelledby': 'chat-title' }, title, meta, log, form)),
    admin ? settingsForm() : null);

  let open = null;      // the transcript shown
  let abort = null;     // the stream in flight

  async function refresh() {
    const { transcripts } = await api('chat/transcripts');
    list.replaceChildren(...(transcripts.length ? transcripts.map(item)
      : [h('li', { class: 'muted' }, 'No chats yet.')]));
  }

  function item(t) {
    const openButton = h('button', { type: 'button', class: 'link', 'aria-current': open?.id === t.id ? 'true' : null,
      onclick: () => show(t.id) }, t.title);
    const del = h('button', { type: 'button', class: 'small', 'aria-label': 'Delete chat ' + t.title,
      onclick: async () => {
        if (!confirm('Delete the chat “' + t.title + '”?')) return;
        try {
          await api('chat/transcripts/' + encodeURIComponent(t.id), { method: 'DELETE' });
          if (open?.id === t.id) clear();
          await refresh();
          notify('Deleted chat ' + t.title, 'ok');
        } catch (e) { failed(e); }
      } }, 'Delete');
    return h('li', { dataset: { transcript: t.id } }, openButton,
      h('small', { class: 'muted' }, ' ' + (t.app ? t.app + ' · ' : '') + t.messageCount + ' messages '), del);
  }

  function clear() {
    open = null;
    title.textContent = 'No chat open';
    meta.textContent = '';
    log.replaceChildren();
    input.disabled = send.disabled = true;
    history.replaceState(null, '', '#/chat');
  }

  async function show(id) {
    abort?.abort();
    try {
      open = await api('chat/transcripts/' + encodeURIComponent(id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) { clear(); notify('That chat no longer exists.'); return; }
      throw e;
    }
    title.textContent = open.title;
    meta.textContent = 'Tools: ' + (open.app || 'every service') + ' · started ' + new Date(open.createdAt).toLocaleString();
    log.replaceChildren();
    const calls = new Map();
    for (const m of open.messages) {
      if (m.role === 'user') log.append(bubble('user', m.content));
      else if (m.role === 'assistant') {
        if (m.content) log.append(bubble('assistant', m.content));
        for (const c of m.toolCalls || []) log.append(calls.set(c.id, toolBlock(c)).get(c.id));
      } else if (m.role === 'tool') {
        const block = calls.get(m.toolCallId) || log.appendChild(toolBlock({ id: m.toolCallId, name: m.name }));
        fillResult(block, m.isError ? { error: m.content } : { result: m.content }, m.isError);
      } else if (m.role === 'error') log.append(errorLine(m.content));
    }
    input.disabled = send.disabled = false;
    for (const b of list.querySelectorAll('li[data-transcript] button.link')) {
      if (b.parentElement.dataset.transcript === open.id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    if (location.hash !== '#/chat/' + encodeURIComponent(open.id))
      history.replaceState(null, '', '#/chat/' + encodeURIComponent(open.id));
    log.lastElementChild?.scrollIntoView({ block: 'end' });
  }

  function bubble(role, text) {
    return h('li', { class: 'chat-msg ' + role },
      h('span', { class: 'chat-who' }, role === 'user' ? 'You' : 'Model'),
      h('div', { class: 'chat-text' }, text));
  }

  function toolBlock(c) {
    let args = c.arguments || '';
    try { args = JSON.stringify(JSON.parse(args), null, 2); } catch (e) { /* shown as sent */ }
    return h('li', { class: 'chat-tool', dataset: { call: c.id || '' } },
      h('span', { class: 'chat-who' }, 'Tool call'),
      h('div', {}, h('code', { class: 'chat-tool-name' }, c.name)),
      h('small', { class: 'muted' }, 'Arguments'), h('pre', { class: 'chat-args', 'aria-label': 'Arguments' }, args),
      h('small', { class: 'muted' }, 'Result'), h('pre', { class: 'chat-result muted', 'aria-label': 'Result' }, 'calling…'));
  }

  function fillResult(block, data, isError) {
    const pre = block.querySelector('.chat-result');
    pre.textContent = data.error !== undefined ? data.error : data.result;
    pre.className = 'chat-result' + (isError ? ' failed' : '');
  }

  function errorLine(text) {
    return h('li', { class: 'chat-msg error', role: 'alert' }, h('span', { class: 'chat-who' }, 'Error'),
      h('div', { class: 'chat-text' }, text));
  }

  newButton.addEventListener('click', async () => {
    try {
      const t = await api('chat/transcripts', { method: 'POST', json: { app: appSelect.value || null } });
      await refresh();
      await show(t.id);
      input.focus();
    } catch (e) { failed(e); }
  });

  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const text = input.value.trim();
    if (!open || !text) { input.focus(); return; }
    input.value = '';
    input.disabled = send.disabled = true;
    status.textContent = 'The model is answering…';
    log.append(bubble('user', text));
    let answer = null;
    const calls = new Map();
    const controller = new AbortController();
    abort = controller;
    const onEvent = (name, data) => {
      if (name === 'delta') {
        if (!answer) {
          answer = bubble('assistant', '');
          answer.querySelector('.chat-text').setAttribute('aria-live', 'polite');
          answer.id = 'chat-streaming';
          log.append(answer);
        }
        answer.querySelector('.chat-text').append(data.text);
      } else if (name === 'tool_call') {
        if (answer) answer.removeAttribute('id');
        answer = null; // text after the tool's result is a new bubble
        const block = toolBlock(data);
        calls.set(data.id, block);
        log.append(block);
        status.textContent = 'Calling ' + data.name + '…';
      } else if (name === 'tool_result') {
        const block = calls.get(data.id) || log.appendChild(toolBlock(data));
        fillResult(block, data, data.isError);
        status.textContent = 'The model is answering…';
      } else if (name === 'error') {
        log.append(errorLine(data.message));
      } else if (name === 'done' && data.transcript) {
        open = data.transcript; // its title is the first message now
        title.textContent = open.title;
      }
      log.lastElementChild?.scrollIntoView({ block: 'end' });
    };
    try {
      await stream('chat/transcripts/' + encodeURIComponent(open.id) + '/messages', { content: text }, onEvent, controller.signal);
      status.textContent = 'Done.';
      answer?.removeAttribute('id');
      await refresh();
    } catch (err) {
      if (!controller.signal.aborted) {
        status.textContent = '';
        if (err instanceof SignInNeeded) failed(err);
        else log.append(errorLine(err.message));
      }
    } finally {
      if (abort === controller) abort = null;
      input.disabled = send.disabled = !open;
      if (open) input.focus();
    }
  });

  function settingsForm() {
    const baseUrl = h('input', { id: 'chat-base-url', name: 'baseUrl', type: 'url', spellcheck: 'false',
      value: settings.baseUrl || '', placeholder: 'https://api.openai.com/v1' });
    const model = h('input', { id: 'chat-model', name: 'model', spellcheck: 'false', value: settings.model || '',
      placeholder: 'gpt-4o-mini' });
    const key = h('input', { id: 'chat-key', name: 'apiKey', type: 'password', autocomplete: 'off',
      placeholder: settings.apiKeySet ? 'set — leave blank to keep it' : 'not set' });
    const keyState = h('span', { id: 'chat-key-state', class: 'badge ' + (settings.apiKeySet ? 'ready' : 'muted') },
      settings.apiKeySet ? 'set' : 'not set');
    const f = h('form', { id: 'chat-settings', class: 'card' }, h('h3', {}, 'Chat endpoint (admins)'),
      h('p', { class: 'muted' }, 'An OpenAI-compatible chat-completions API. The gateway keeps the key and never shows it again.'),
      field('Base URL', baseUrl, 'the API root; /chat/completions is added'), field('Model', model),
      field('API key', key, 'write-only: leave blank to keep the stored key'),
      h('p', {}, 'Stored key: ', keyState),
      h('button', { type: 'submit', class: 'primary' }, 'Save settings'));
    f.addEventListener('submit', async e => {
      e.preventDefault();
      const json = { baseUrl: baseUrl.value.trim(), model: model.value.trim() };
      if (key.value) json.apiKey = key.value;
      try {
        const saved = await api('chat/settings', { method: 'PUT', json });
        key.value = '';
        key.placeholder = saved.apiKeySet ? 'set — leave blank to keep it' : 'not set';
        keyState.textContent = saved.apiKeySet ? 'set' : 'not set';
        keyState.className = 'badge ' + (saved.apiKeySet ? 'ready' : 'muted');
        document.getElementById('chat-unset')?.remove();
        notify('Saved the chat settings (revision ' + saved.revision + ')', 'ok');
      } catch (err) { failed(err); }
    });
    return f;
  }

  await refresh();
  if (params[0]) await show(params[0]).catch(failed);
  return () => abort?.abort();
}

/** POSTs json and reads the text/event-stream answer, calling onEvent(name, data) per event as it arrives. */
async function stream(path, json, onEvent, signal) {
  const headers = { Accept: 'text/event-stream', 'Content-Type': 'application/json' };
  const t = token.get();
  if (t) headers.Authorization = 'Bearer ' + t;
  const res = await fetch('api/v1/' + path, { method: 'POST', headers, body: JSON.stringify(json), signal });
  if (res.status === 401) throw new SignInNeeded('Your session has ended: sign in again.');
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch (e) { /* not JSON */ }
    throw new ApiError(res.status, problem || { detail: 'HTTP ' + res.status });
  }
  await readEvents(res, onEvent);
}
