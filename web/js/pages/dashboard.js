// Dashboard: the live state over the WebSocket "status" stream (1 Hz). Data older than the
// gateway's stale timeout (the document's "stale" flag), or no message for 5 s (connection
// lost), greys every live value and says so in a banner: never shown as live when it is not.
import { Live, get } from '../api.js';
import { el, fmt, duration, kv, setText } from '../format.js';

const STALE_AFTER_MS = 5000;

function skeleton() {
  return el('div', { id: 'dash' },
    el('h1', {}, 'Dashboard'),
    el('div', { id: 'stale', class: 'stale-banner', role: 'status', hidden: true }, ''),
    el('div', { class: 'grid' },
      el('section', { class: 'card', 'aria-labelledby': 'h-soc' },
        el('h2', { id: 'h-soc' }, 'State of charge'),
        el('div', { class: 'big live', id: 'soc' }, '–'),
        el('div', { class: 'socbar', 'aria-hidden': 'true' }, el('div', { id: 'socbar' })),
        kv([['Health (SOH)', '–', 'soh'], ['Time to full / empty', '–', 'ttg'], ['BMS', '–', 'online']])),
      el('section', { class: 'card', 'aria-labelledby': 'h-pack' },
        el('h2', { id: 'h-pack' }, 'Pack'),
        el('div', { class: 'big live', id: 'power' }, '–'),
        kv([['Direction', '–', 'direction'], ['Voltage', '–', 'voltage'], ['Current', '–', 'current']])),
      el('section', { class: 'card', 'aria-labelledby': 'h-limits' },
        el('h2', { id: 'h-limits' }, 'Limits sent to the GX'),
        kv([['Charge voltage (CVL)', '–', 'cvl'], ['', '', 'cvl-reason'],
          ['Charge current (CCL)', '–', 'ccl'], ['', '', 'ccl-reason'],
          ['Discharge current (DCL)', '–', 'dcl'], ['', '', 'dcl-reason'],
          ['Charge phase', '–', 'phase'],
          ['Charge profile', '–', 'profile-chem'], ['', '', 'profile'], ['', '', 'profile-temp']])),
      el('section', { class: 'card', 'aria-labelledby': 'h-temps' },
        el('h2', { id: 'h-temps' }, 'Temperatures and links'),
        kv([['BMS internal', '–', 't0'], ['Sensor 1', '–', 't1'], ['Sensor 2', '–', 't2'],
          ['TinyBMS link', '–', 'link'], ['CAN / GX', '–', 'gx']])),
      el('section', { class: 'card wide', 'aria-labelledby': 'h-cells' },
        el('h2', { id: 'h-cells' }, 'Cells'),
        el('p', { class: 'muted num', id: 'cellsum' }, '–'),
        el('div', { class: 'cells', id: 'cells', role: 'list' })),
      el('section', { class: 'card wide', 'aria-labelledby': 'h-alerts' },
        el('h2', { id: 'h-alerts' }, 'Active alerts'),
        el('ul', { id: 'active-alerts' }, el('li', { class: 'muted' }, 'none')))));
}

function renderCells(b) {
  const box = document.getElementById('cells');
  const cells = b.cells || [];
  if (box.children.length !== cells.length) {
    box.replaceChildren(...cells.map((c) => el('div', { class: 'cell', role: 'listitem', id: `cell-${c.index}` },
      el('div', {}, `#${c.index}`), el('div', { class: 'bar' }, el('div')),
      el('div', { class: 'num v' }, ''), el('div', { class: 'tag' }, ''))));
  }
  const lo = Math.min(...cells.map((c) => c.cell_mv)) - 20;
  const hi = Math.max(...cells.map((c) => c.cell_mv)) + 20;
  cells.forEach((c, i) => {
    const node = box.children[i];
    const pct = hi > lo ? ((c.cell_mv - lo) / (hi - lo)) * 100 : 50;
    node.querySelector('.bar > div').style.setProperty('height', `${pct.toFixed(1)}%`);
    node.querySelector('.v').textContent = `${Math.round(c.cell_mv)} mV`;
    node.querySelector('.tag').textContent = c.balancing ? 'balancing' : '';
    node.classList.toggle('balancing', !!c.balancing);
    node.classList.toggle('min', Math.round(c.cell_mv) === Math.round(b.min_cell_mv));
    node.classList.toggle('max', Math.round(c.cell_mv) === Math.round(b.max_cell_mv));
    node.setAttribute('aria-label', `Cell ${c.index}: ${Math.round(c.cell_mv)} millivolts${c.balancing ? ', balancing' : ''}`);
  });
  setText('cellsum', `min ${b.min_cell_mv} mV · max ${b.max_cell_mv} mV · delta ${b.delta_cell_mv} mV`);
}

function renderAlerts(list) {
  const ul = document.getElementById('active-alerts');
  if (!list || list.length === 0) { ul.replaceChildren(el('li', { class: 'muted' }, 'none')); return; }
  ul.replaceChildren(...list.map((a) => el('li', {},
    el('span', { class: `sev-${a.severity}` }, a.severity), ' ', a.message,
    a.acknowledged ? el('span', { class: 'muted' }, ' (acknowledged)') : '')));
}

export function render(doc, connectionLost) {
  const root = document.getElementById('dash');
  if (!root) return;
  const b = doc && doc.battery;
  const stale = connectionLost || !doc || doc.stale || !b;
  root.classList.toggle('is-stale', stale);
  const banner = document.getElementById('stale');
  banner.hidden = !stale;
  if (stale) {
    banner.textContent = connectionLost ? 'Connection to the gateway lost: values below are the last received, not live.'
      : !b ? 'Waiting for the first data from the TinyBMS.'
        : `No fresh data from the TinyBMS for ${duration((doc.age_ms || 0) / 1000)}: values below are old.`;
  }
  if (b) {
    setText('soc', fmt(b.soc_pct, 1, '%'));
    document.getElementById('socbar').style.setProperty('width', `${Math.max(0, Math.min(100, b.soc_pct))}%`);
    setText('soh', b.soh_pct === null ? '–' : fmt(b.soh_pct, 1, '%'));
    const cur = b.current_a;
    setText('ttg', b.time_left_s ? `${duration(b.time_left_s)} (${cur > 0 ? 'to full' : 'to empty'})` : '–');
    setText('online', b.online_status);
    setText('power', fmt(Math.abs(b.power_w), 0, 'W'));
    setText('direction', Math.abs(cur) < 0.05 ? 'idle' : cur > 0 ? 'charging' : 'discharging');
    setText('voltage', fmt(b.pack_voltage_v, 2, 'V'));
    setText('current', fmt(cur, 2, 'A'));
    setText('t0', fmt(b.temp_internal_c, 1, '°C'));
    setText('t1', fmt(b.temp_external1_c, 1, '°C'));
    setText('t2', fmt(b.temp_external2_c, 1, '°C'));
    renderCells(b);
  }
  const l = doc && doc.limits;
  if (l) {
    setText('cvl', l.valid ? fmt(l.cvl_v, 2, 'V') : 'not sent');
    setText('ccl', l.valid ? fmt(l.ccl_a, 1, 'A') : 'not sent');
    setText('dcl', l.valid ? fmt(l.dcl_a, 1, 'A') : 'not sent');
    setText('cvl-reason', l.cvl_reason || '');
    setText('ccl-reason', l.ccl_reason || '');
    setText('dcl-reason', l.dcl_reason || '');
    setText('phase', `${l.charge_phase}${l.phase_reason ? ` (${l.phase_reason})` : ''}`);
  }
  // The charge profile the gateway derived from the BMS's own settings (docs/victron.md).
  const p = doc && doc.charge_profile;
  if (p) {
    const clamped = (p.clamps || []).map((c) => c.text).join('; ');
    setText('profile-chem', `${p.chemistry_name} from the BMS`);
    setText('profile', `${p.text.replace(/^charge profile: /, '')}${clamped ? ` — clamped: ${clamped}` : ''}`);
    setText('profile-temp', p.temperature_text || '');
  } else if (doc) {
    setText('profile-chem', 'waiting for the BMS settings');
    setText('profile', '');
    setText('profile-temp', '');
  }
  if (doc && doc.link) setText('link', doc.link.status === 'up' ? 'up' : `${doc.link.status} (${doc.link.reason})`);
  if (doc && doc.can) {
    const gx = doc.can.gx || {};
    setText('gx', `${doc.can.transmitting ? 'sending' : 'not sending'} · GX ${gx.present ? 'seen' : 'not seen'}`);
  }
  if (doc && doc.alerts) {
    renderAlerts(doc.alerts.active);
    const badge = document.getElementById('nav-alert-count');
    badge.hidden = !doc.alerts.active_count;
    badge.textContent = doc.alerts.active_count || '';
  }
}

export function mount(root) {
  root.append(skeleton());
  let last = null;
  let lastAt = 0;
  const live = new Live(['status', 'alerts'], (msg) => {
    if (msg.stream === 'status') {
      last = msg.data;
      lastAt = Date.now();
      render(last, false);
    }
  }, (state) => {
    const c = document.getElementById('conn');
    c.textContent = state === 'open' ? 'live' : state === 'connecting' ? 'connecting…' : 'disconnected';
    c.classList.toggle('bad', state !== 'open');
  });
  // The stream's first message can be up to a second away: show the current state at once.
  get('/api/status').then((doc) => {
    if (lastAt === 0) { last = doc; lastAt = Date.now(); render(doc, false); }
  }).catch(() => {});
  const watchdog = setInterval(() => {
    if (Date.now() - lastAt > STALE_AFTER_MS) render(last, true);
  }, 1000);
  return () => { clearInterval(watchdog); live.close(); };
}
