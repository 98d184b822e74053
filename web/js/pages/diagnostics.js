// Diagnostics: everything an installer or a support request needs, from the documented API only:
// GET /api/diagnostics (link, CAN, storage, bus, MQTT and HTTP figures), the CAN frames as the GX
// sees them with their decode (GET /api/can/frames, refreshed over the WebSocket "can" stream),
// the live log ("log" stream), versions, and a support bundle: one JSON file with all of it
// (the configuration's secrets stay masked, as the API serves them).
import { get, Live } from '../api.js';
import { el, toast } from '../format.js';

function valueText(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// A nested object as a heading per section and a key/value table per level.
function objectView(obj, depth = 0) {
  const dl = el('dl', { class: 'kv' });
  const nested = [];
  for (const [k, v] of Object.entries(obj || {})) {
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < 2) nested.push([k, v]);
    else dl.append(el('dt', {}, k.replace(/_/g, ' ')), el('dd', { class: 'num' }, valueText(v)));
  }
  return el('div', {}, dl, ...nested.map(([k, v]) => el('div', {}, el('h3', {}, k.replace(/_/g, ' ')), objectView(v, depth + 1))));
}

function framesTable(doc) {
  return el('div', { class: 'scroll' }, el('table', { id: 'can-frames' },
    el('thead', {}, el('tr', {}, el('th', {}, 'ID'), el('th', {}, 'Data'), el('th', {}, 'Decoded'))),
    el('tbody', {}, ...(doc.frames || []).map((f) => el('tr', {},
      el('td', { class: 'num' }, f.id), el('td', { class: 'num diff' }, f.data_hex),
      el('td', {}, Object.entries(f.decoded || {}).map(([k, v]) => `${k}: ${valueText(v)}`).join(', ')))))));
}

export function mount(root) {
  const diag = el('div', { id: 'diag' }, 'Loading…');
  const frames = el('div', { id: 'frames' }, 'Waiting for frames…');
  const log = el('pre', { class: 'log', id: 'log', 'aria-live': 'off', tabindex: '0' });
  const lines = [];
  const bundle = el('button', { type: 'button', id: 'bundle' }, 'Download support bundle');
  root.append(el('h1', {}, 'Diagnostics'),
    el('div', { class: 'actions' }, bundle),
    el('div', { class: 'grid' },
      el('section', { class: 'card wide', 'aria-labelledby': 'h-can' }, el('h2', { id: 'h-can' }, 'CAN frames as the GX sees them'), frames),
      el('section', { class: 'card wide', 'aria-labelledby': 'h-log' }, el('h2', { id: 'h-log' }, 'Live log'), log),
      el('section', { class: 'card wide', 'aria-labelledby': 'h-diag' }, el('h2', { id: 'h-diag' }, 'Gateway'), diag)));

  async function refresh() {
    try { diag.replaceChildren(objectView(await get('/api/diagnostics'))); } catch (e) { diag.textContent = `Could not load: ${e.message}`; }
  }
  get('/api/can/frames').then((d) => frames.replaceChildren(framesTable(d))).catch(() => {});
  const live = new Live(['can', 'log'], (m) => {
    if (m.stream === 'can') frames.replaceChildren(framesTable(m.data));
    if (m.stream === 'log') {
      lines.push(typeof m.data === 'string' ? m.data : JSON.stringify(m.data));
      if (lines.length > 500) lines.splice(0, lines.length - 500);
      const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.textContent = lines.join('\n');
      if (atEnd) log.scrollTop = log.scrollHeight;
    }
  }, () => {});
  bundle.addEventListener('click', async () => {
    try {
      const [diagnostics, status, config, can, alerts] = await Promise.all([get('/api/diagnostics'),
        get('/api/status'), get('/api/config'), get('/api/can/frames'), get('/api/alerts')]);
      const doc = { created: new Date().toISOString(), diagnostics, status, config, can, alerts, log: lines };
      const a = el('a', { href: URL.createObjectURL(new Blob([JSON.stringify(doc, null, 1)], { type: 'application/json' })), download: `tinybms-gw-support-${Date.now()}.json` });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) { toast(`Support bundle failed: ${e.message}`); }
  });
  refresh();
  const timer = setInterval(refresh, 5000);
  return () => { clearInterval(timer); live.close(); };
}
