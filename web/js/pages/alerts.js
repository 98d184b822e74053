// Alerts: the active alerts with acknowledge (POST /api/alerts/{id}/ack, /api/alerts/ack-all),
// and the log: the stored one (GET /api/alerts/history: our alerts and the TinyBMS's own events,
// across restarts) with the in-memory edges of this run as a fallback when storage is down.
import { get, post, Live } from '../api.js';
import { el, when, toast } from '../format.js';

function activeTable(list, refresh) {
  if (!list.length) return el('p', { class: 'muted', id: 'no-active' }, 'No active alerts.');
  return el('div', { class: 'scroll' }, el('table', { id: 'active-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Severity'), el('th', {}, 'Alert'), el('th', {}, 'Since'), el('th', {}, ''))),
    el('tbody', {}, ...list.map((a) => el('tr', { 'data-id': a.id },
      el('td', { class: `sev-${a.severity}` }, a.severity),
      el('td', {}, a.message),
      el('td', { class: 'num' }, when(a.since_ms)),
      el('td', {}, a.acknowledged ? el('span', { class: 'muted' }, 'acknowledged')
        : el('button', {
          type: 'button', class: 'secondary', 'aria-label': `Acknowledge ${a.message}`,
          onclick: async () => {
            try { await post(`/api/alerts/${encodeURIComponent(a.id)}/ack`); refresh(); } catch (e) { toast(`Not acknowledged: ${e.message}`); }
          },
        }, 'Acknowledge')))))));
}

function logTable(entries) {
  if (!entries.length) return el('p', { class: 'muted' }, 'Nothing in the log yet.');
  return el('div', { class: 'scroll' }, el('table', { id: 'log-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Time'), el('th', {}, 'Source'), el('th', {}, 'Event'), el('th', {}, 'Severity'), el('th', {}, 'Message'))),
    el('tbody', {}, ...entries.map((e) => el('tr', {},
      el('td', { class: 'num' }, when(e.time_ms)),
      el('td', {}, e.source === 'bms' ? 'TinyBMS' : e.source || 'gateway'),
      el('td', {}, e.edge),
      el('td', { class: `sev-${e.severity}` }, e.severity),
      el('td', {}, e.message))))));
}

export function mount(root) {
  const active = el('div', { id: 'active' });
  const log = el('div', { id: 'log' });
  const ackAll = el('button', { type: 'button', id: 'ack-all' }, 'Acknowledge all');
  root.append(el('h1', {}, 'Alerts'),
    el('section', { class: 'card', 'aria-labelledby': 'h-active' }, el('h2', { id: 'h-active' }, 'Active'),
      el('div', { class: 'actions' }, ackAll), active),
    el('section', { class: 'card', 'aria-labelledby': 'h-log' }, el('h2', { id: 'h-log' }, 'Log (newest first)'), log));
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const a = await get('/api/alerts');
      active.replaceChildren(activeTable(a.active, refresh));
      ackAll.disabled = !a.active.some((x) => !x.acknowledged);
      let entries;
      try {
        const to = Date.now();
        const h = await get(`/api/alerts/history?from=${to - 30 * 86400e3}&to=${to + 60e3}&max_points=500`);
        entries = [...h.entries].reverse();
      } catch {
        entries = a.log.map((e) => ({ ...e, source: 'gateway' }));
      }
      log.replaceChildren(logTable(entries));
    } catch (e) {
      active.replaceChildren(el('p', { class: 'bad' }, `Could not load alerts: ${e.message}`));
    } finally {
      busy = false;
    }
  }
  ackAll.addEventListener('click', async () => {
    try { await post('/api/alerts/ack-all'); refresh(); } catch (e) { toast(e.message); }
  });
  refresh();
  const live = new Live(['alerts'], (m) => { if (m.stream === 'alerts') refresh(); }, () => {});
  const timer = setInterval(refresh, 10000);
  return () => { clearInterval(timer); live.close(); };
}
