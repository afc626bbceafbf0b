// The console's first page: the services and their state, refreshed every two seconds.
const tbody = document.querySelector('#services tbody');
const overall = document.getElementById('overall');
document.getElementById('mcp-url').textContent = new URL('mcp', location.href).href;
document.getElementById('sse-url').textContent = new URL('sse', location.href).href;

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
  try {
    const res = await fetch('api/v1/services', { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    render((await res.json()).services);
  } catch (e) {
    overall.textContent = 'gateway unreachable: ' + e.message;
    overall.className = 'badge down';
  }
}

refresh();
setInterval(refresh, 2000);
