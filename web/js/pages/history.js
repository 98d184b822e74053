// History: charts of the stored history (GET /api/history, the gateway picks the tier for the
// range: raw samples for short ranges, minute and 15-minute aggregates for long ones), energy per
// day and month (GET /api/energy) and a CSV download of the same range (GET /api/history.csv).
import { get } from '../api.js';
import { el, fmt } from '../format.js';
import { lineChart, legend, barChart } from '../chart.js';

const RANGES = [['1 h', 3600e3], ['6 h', 6 * 3600e3], ['48 h', 48 * 3600e3], ['7 days', 7 * 86400e3],
  ['30 days', 30 * 86400e3], ['1 year', 365 * 86400e3], ['5 years', 5 * 365 * 86400e3]];
const CHARTS = [
  { title: 'Pack voltage (V)', fields: ['pack_voltage_v'] },
  { title: 'Current (A)', fields: ['pack_current_a'] },
  { title: 'State of charge (%)', fields: ['soc_pct'] },
  { title: 'Temperatures (°C)', fields: ['temp_internal_c', 'temp_external1_c', 'temp_external2_c'] },
  { title: 'Cell voltages (mV)', fields: 'cells' },
];

function column(doc, name) {
  // Raw rows carry the value; aggregate rows carry name_min/_mean/_max: draw the mean.
  let i = doc.columns.indexOf(name);
  if (i < 0) i = doc.columns.indexOf(`${name}_mean`);
  return i;
}

function drawCharts(box, doc, from, to) {
  box.replaceChildren();
  const cellCols = doc.columns.filter((c) => /^cell\d+_mv(_mean)?$/.test(c))
    .map((c) => c.replace(/_mean$/, ''))
    .filter((c) => doc.rows.some((r) => r[column(doc, c)] !== null));
  for (const c of CHARTS) {
    const fields = c.fields === 'cells' ? cellCols : c.fields;
    const series = fields.map((f) => {
      const i = column(doc, f);
      return { name: f, points: i < 0 ? [] : doc.rows.map((r) => [r[0], r[i]]) };
    }).filter((s) => s.points.some((p) => p[1] !== null));
    const names = series.map((s) => s.name.replace(/_mv$|_c$|_v$|_a$|_pct$/, '').replace(/_/g, ' '));
    box.append(el('section', { class: 'card wide', 'aria-label': c.title },
      el('h2', {}, c.title), lineChart(series, { from, to, label: c.title }),
      series.length > 1 ? legend(names) : ''));
  }
}

async function drawEnergy(box) {
  try {
    const e = await get('/api/energy');
    const days = [...(e.previous_days || [])].reverse();
    if (e.today) days.push(e.today);
    const months = [...(e.previous_months || [])].reverse();
    if (e.this_month) months.push(e.this_month);
    const toKwh = (wh) => +(wh / 1000).toFixed(2);
    box.replaceChildren(
      el('section', { class: 'card wide', 'aria-label': 'Energy per day' }, el('h2', {}, 'Energy per day (kWh)'),
        barChart(days.map((d) => ({ label: d.day.slice(5), values: [toKwh(d.wh_charged), toKwh(d.wh_discharged)] })),
          { names: ['charged', 'discharged'], unit: 'kWh', label: 'Energy per day' }),
        legend(['charged', 'discharged'])),
      el('section', { class: 'card wide', 'aria-label': 'Energy per month' }, el('h2', {}, 'Energy per month (kWh)'),
        barChart(months.map((m) => ({ label: m.month, values: [toKwh(m.wh_charged), toKwh(m.wh_discharged)] })),
          { names: ['charged', 'discharged'], unit: 'kWh', label: 'Energy per month' }),
        el('p', { class: 'muted num' }, `Lifetime: ${fmt(e.lifetime.wh_charged / 1000, 1, 'kWh')} charged, `
          + `${fmt(e.lifetime.wh_discharged / 1000, 1, 'kWh')} discharged, ${fmt(e.lifetime.cycles, 1)} cycles`)));
  } catch (err) {
    box.replaceChildren(el('p', { class: 'bad' }, `Energy: ${err.message}`));
  }
}

export function mount(root) {
  let span = 48 * 3600e3;
  const status = el('p', { class: 'muted', role: 'status', id: 'history-status' }, 'Loading…');
  const charts = el('div', { class: 'grid', id: 'history-charts' });
  const energy = el('div', { class: 'grid', id: 'energy-charts' });
  const csv = el('a', { id: 'csv', href: '#', download: 'history.csv' }, 'Download CSV');
  const buttons = RANGES.map(([name, ms]) => el('button', {
    type: 'button', class: ms === span ? '' : 'secondary', 'aria-pressed': String(ms === span),
    onclick: () => { span = ms; for (const b of buttons) { const on = b.textContent === name; b.className = on ? '' : 'secondary'; b.setAttribute('aria-pressed', String(on)); } load(); },
  }, name));
  root.append(el('h1', {}, 'History'),
    el('div', { class: 'actions', role: 'group', 'aria-label': 'Range' }, ...buttons, csv), status, charts,
    el('h1', {}, 'Energy'), energy);
  let seq = 0;
  async function load() {
    const to = Date.now();
    const from = to - span;
    const mine = ++seq;
    status.textContent = 'Loading…';
    csv.href = `/api/history.csv?from=${Math.round(from)}&to=${to}`;
    try {
      const query = `/api/history?from=${Math.round(from)}&to=${to}&max_points=5000`;
      let doc = await get(query);
      // A young installation has raw samples before its first aggregate bucket closes.
      if (!doc.rows.length && span <= 48 * 3600e3 && doc.tier !== 'raw') doc = await get(`${query}&tier=raw`);
      if (mine !== seq) return;
      status.textContent = `${doc.rows.length} points (${doc.tier} tier)${doc.truncated ? ', cut at the limit: choose a shorter range for full detail' : ''}`;
      drawCharts(charts, doc, from, to);
    } catch (err) {
      if (mine === seq) status.textContent = `Could not load the history: ${err.message}`;
    }
  }
  load();
  drawEnergy(energy);
  return () => { seq += 1; };
}
