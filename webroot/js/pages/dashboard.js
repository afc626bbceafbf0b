// Dashboard: every service with its state, tool count, calls/s and error rate, updated live from the event stream
// (state and catalog events change a row, metrics ticks feed the rates and a small chart per service), and a latency
// table: p50/p99 over the last minute per service and per tool, from the same ticks.
import { api } from '../api.js';
import { h, badge, table } from '../dom.js';

const HISTORY = 30; // metrics ticks kept per service for the chart (one a 2 s)

export async function render(view, { live }) {
  const data = await api('services');
  const services = new Map(data.services.map(s => [s.name, s]));
  const history = new Map();
  const overall = h('span', { id: 'overall', class: 'badge' });
  const tbody = h('tbody');
  const latency = h('tbody');
  view.append(
    h('h2', {}, 'Dashboard'),
    h('p', {}, overall),
    h('div', { class: 'scroll' }, h('table', { id: 'services' },
      h('thead', {}, h('tr', {}, ['Service', 'Transport', 'State', 'Tools', 'Calls/s', 'Error rate', 'Last minute', 'Last error']
        .map(x => h('th', { scope: 'col', class: x === 'Last minute' || x === 'Transport' ? 'hide-narrow' : null }, x)))),
      tbody)),
    h('h3', {}, 'Latency, last minute'),
    h('div', { class: 'scroll' }, h('table', { id: 'latency' },
      h('thead', {}, h('tr', {}, ['Service', 'Tool', 'Calls', 'p50', 'p99'].map(x => h('th', { scope: 'col' }, x)))),
      latency)),
    h('h3', {}, 'Connect a client'),
    h('p', {}, 'Streamable HTTP: ', h('code', { id: 'mcp-url' }, new URL('mcp', location.href.split('#')[0]).href),
      ' · legacy SSE: ', h('code', { id: 'sse-url' }, new URL('sse', location.href.split('#')[0]).href)),
    h('p', { class: 'muted' }, 'Health: ', h('a', { href: 'health/ready' }, '/health/ready'), ' · Metrics: ',
      h('a', { href: 'metrics' }, '/metrics')));

  function draw() {
    const rows = [...services.values()].map(s => {
      const m = s.metrics || {};
      const rate = m.callsPerSecond ?? 0;
      const errorRate = m.calls ? Math.round(100 * (m.errors || 0) / m.calls) + ' %' : '–';
      return h('tr', { dataset: { service: s.name } },
        h('td', {}, h('a', { href: '#/services/' + encodeURIComponent(s.name) }, s.name)),
        h('td', { class: 'hide-narrow' }, s.transport), h('td', { class: 'state' }, badge(s.state)),
        h('td', {}, s.tools ?? 0), h('td', { class: 'rate' }, rate.toFixed(2)), h('td', { class: 'errors' }, errorRate),
        h('td', { class: 'hide-narrow' }, spark(history.get(s.name) || [])), h('td', { class: 'muted' }, s.error || ''));
    });
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No services configured: add one on the Services page.')));
    tbody.replaceChildren(...rows);
    drawLatency();
    const all = [...services.values()];
    const up = all.filter(s => s.state === 'ready' || s.state === 'degraded').length;
    overall.textContent = `${up} of ${all.length} services up`;
    overall.className = 'badge ' + (up === all.length ? 'ready' : up === 0 ? 'down' : 'degraded');
  }

  /** One row per service (its tools' calls together), then one per tool, from the last metrics tick. */
  function drawLatency() {
    const rows = [];
    for (const s of services.values()) {
      const m = s.metrics;
      if (!m || m.p50Ms === undefined) continue;
      rows.push(h('tr', { class: 'service', dataset: { service: s.name } },
        h('td', {}, h('strong', {}, s.name)), h('td', { class: 'muted' }, 'all tools'), h('td', {}, String(m.calls ?? 0)),
        h('td', { class: 'p50' }, ms(m.p50Ms)), h('td', { class: 'p99' }, ms(m.p99Ms))));
      for (const [tool, t] of Object.entries(m.tools || {})) {
        rows.push(h('tr', { dataset: { service: s.name, tool } },
          h('td', {}, ''), h('td', {}, tool), h('td', {}, String(t.calls)),
          h('td', { class: 'p50' }, ms(t.p50Ms)), h('td', { class: 'p99' }, ms(t.p99Ms))));
      }
    }
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No tool calls yet.')));
    latency.replaceChildren(...rows);
  }

  const onState = e => {
    const d = e.detail, s = services.get(d.service);
    if (!s) { refresh(); return; }
    s.state = d.state; s.error = d.error;
    if (d.tools !== undefined) s.tools = d.tools;
    draw();
  };
  const onMetrics = e => {
    for (const [name, m] of Object.entries(e.detail.services)) {
      const s = services.get(name);
      if (s) s.metrics = m;
      const list = history.get(name) || [];
      list.push(m.callsPerSecond ?? 0);
      if (list.length > HISTORY) list.shift();
      history.set(name, list);
    }
    draw();
  };
  async function refresh() {
    const fresh = await api('services');
    for (const s of fresh.services) services.set(s.name, { ...s, metrics: services.get(s.name)?.metrics });
    for (const name of [...services.keys()]) if (!fresh.services.some(s => s.name === name)) services.delete(name);
    draw();
  }
  const onConfig = () => refresh().catch(() => {});
  live.addEventListener('state', onState);
  live.addEventListener('catalog', onState);
  live.addEventListener('metrics', onMetrics);
  live.addEventListener('config', onConfig);
  draw();
  return () => {
    live.removeEventListener('state', onState);
    live.removeEventListener('catalog', onState);
    live.removeEventListener('metrics', onMetrics);
    live.removeEventListener('config', onConfig);
  };
}

/** Milliseconds as a person reads them: 0.42 ms, 12 ms, 1.5 s. */
function ms(v) {
  if (v === undefined || v === null) return '–';
  if (v >= 1000) return (v / 1000).toFixed(1) + ' s';
  return (v >= 10 ? Math.round(v) : v.toFixed(2)) + ' ms';
}

/** A sparkline of calls/s, as inline SVG (no chart library needed for one line). */
function spark(values) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${HISTORY} 10`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'calls per second, last minute');
  const max = Math.max(1, ...values);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', values.map((v, i) => `${i + HISTORY - values.length},${10 - 9 * v / max}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  svg.append(line);
  return svg;
}
