// Battery settings: the TinyBMS settings registers (GET /api/bms/settings) grouped as an owner
// thinks of them, edited with their unit and range, written only after the owner has seen the
// diff (PATCH /api/bms/settings: the gateway writes, reads back and reports each register), with
// warnings where a setting contradicts the charge limits this gateway sends to the GX. Profiles:
// export (GET /api/bms/settings/export) and import (dry run first, then write).
import { get, patch, api } from '../api.js';
import { el, toast } from '../format.js';

const GROUPS = [
  ['Charging', [300, 304, 310, 311, 321, 330, 333, 335]],
  ['Protection', [301, 305, 315, 316, 317, 318, 319, 320, 332]],
  ['Balancing', [303, 308]],
  ['Battery', [306, 307, 322, 323, 328]],
];

function label(name) { return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()); }

// Where the TinyBMS would act before (or against) what the gateway tells the GX.
export function conflicts(values, cfg) {
  const out = [];
  const v = (n) => values[n];
  const cvlCell = cfg['charge.absorption_cell_mv'];
  if (v('over_voltage_cutoff_per_cell') !== undefined && cvlCell !== undefined
      && v('over_voltage_cutoff_per_cell') <= cvlCell) {
    out.push(`Over-voltage cutoff (${v('over_voltage_cutoff_per_cell')} mV per cell) is at or below the charge voltage the GX is told to reach (${cvlCell} mV per cell, charge.absorption_cell_mv): the BMS would disconnect the charger before the battery is full.`);
  }
  if (v('fully_charged_voltage_per_cell') !== undefined && cvlCell !== undefined
      && v('fully_charged_voltage_per_cell') > cvlCell + 100) {
    out.push(`Fully charged voltage (${v('fully_charged_voltage_per_cell')} mV per cell) is well above the gateway's charge voltage (${cvlCell} mV per cell): the BMS SOC will not reach 100 % at the end of a charge.`);
  }
  if (v('charge_over_current_cutoff') !== undefined && cfg['charge.ccl_max_a'] !== undefined
      && v('charge_over_current_cutoff') < cfg['charge.ccl_max_a']) {
    out.push(`Charge over-current cutoff (${v('charge_over_current_cutoff')} A) is below the gateway's largest charge current limit (${cfg['charge.ccl_max_a']} A, charge.ccl_max_a): the BMS would trip before the GX reaches the limit.`);
  }
  if (v('discharge_over_current_cutoff') !== undefined && cfg['charge.dcl_max_a'] !== undefined
      && v('discharge_over_current_cutoff') < cfg['charge.dcl_max_a']) {
    out.push(`Discharge over-current cutoff (${v('discharge_over_current_cutoff')} A) is below the gateway's largest discharge current limit (${cfg['charge.dcl_max_a']} A, charge.dcl_max_a).`);
  }
  return out;
}

function diffView(changes) {
  return el('ul', { class: 'diff', id: 'bms-diff' }, ...changes.map((c) => el('li', {},
    `${label(c.name)}: `, el('span', { class: 'old' }, c.old === null ? '?' : `${c.old}`), ' → ',
    el('span', { class: 'new' }, `${c.new}`), c.unit ? ` ${c.unit}` : '',
    c.verified === false ? el('strong', { class: 'bad' }, ' NOT verified') : c.verified ? el('span', { class: 'ok' }, ' ✓ read back') : '')));
}

export function mount(root) {
  const status = el('p', { role: 'status', id: 'bms-status', class: 'muted' }, 'Loading the TinyBMS settings…');
  const warnings = el('div', { id: 'bms-warnings', role: 'alert' });
  const form = el('form', { class: 'settings', id: 'bms-form', novalidate: true });
  const review = el('div', { id: 'bms-review' });
  const importInput = el('input', { type: 'file', id: 'bms-import', accept: 'application/json,.json' });
  root.append(el('h1', {}, 'Battery settings'),
    el('p', { class: 'muted' }, 'These are the TinyBMS\'s own settings. Every write is read back from the BMS.'),
    el('div', { class: 'actions' }, el('a', { href: '/api/bms/settings/export', download: 'tinybms-profile.json', id: 'bms-export' }, 'Export profile'),
      el('label', { for: 'bms-import' }, 'Import profile:'), importInput),
    status, warnings, form, review);

  let rows = [];
  let cfg = {};
  const inputs = new Map();

  function current() {
    const values = {};
    for (const r of rows) if (r.value !== null) values[r.name] = r.value;
    for (const [name, input] of inputs) if (input.value !== '') values[name] = Number(input.value);
    return values;
  }
  function showWarnings() {
    const list = conflicts(current(), cfg);
    warnings.replaceChildren(...list.map((w) => el('p', { class: 'card warn' }, `Warning: ${w}`)));
  }
  function edits() {
    const out = {};
    for (const r of rows) {
      const input = inputs.get(r.name);
      if (!input || input.value === '') continue;
      const v = Number(input.value);
      if (r.value === null || Math.abs(v - r.value) > r.scale / 2) out[r.name] = v;
    }
    return out;
  }

  function build() {
    form.replaceChildren();
    inputs.clear();
    const byAddress = new Map(rows.map((r) => [r.address, r]));
    const used = new Set();
    const groups = GROUPS.map(([name, addrs]) => [name, addrs.map((a) => byAddress.get(a)).filter(Boolean)]);
    for (const [, list] of groups) for (const r of list) used.add(r.address);
    groups.push(['Hardware and wiring', rows.filter((r) => !used.has(r.address))]);
    for (const [name, list] of groups) {
      const fs = el('fieldset', {}, el('legend', {}, name));
      for (const r of list) {
        const id = `bms-${r.name}`;
        const field = el('div', { class: 'field', 'data-name': r.name });
        const help = `${r.description}${r.range ? ` (${r.range.min}–${r.range.max}${r.unit ? ` ${r.unit}` : ''})` : ''}`;
        if (r.writable) {
          const input = el('input', {
            id, name: r.name, type: 'number', inputmode: 'decimal', step: String(r.scale),
            min: r.range ? String(r.range.min) : undefined, max: r.range ? String(r.range.max) : undefined,
            value: r.value === null ? '' : String(r.value), 'aria-describedby': `${id}-help`,
          });
          input.addEventListener('input', () => { field.classList.toggle('changed', input.value !== String(r.value)); showWarnings(); });
          inputs.set(r.name, input);
          field.append(el('label', { for: id }, `${label(r.name)}${r.unit ? ` (${r.unit})` : ''}`), input);
        } else {
          field.append(el('span', {}, label(r.name)), el('span', { class: 'num' }, r.value === null ? '–' : `${r.value} ${r.unit}`));
        }
        field.append(el('span', { class: 'help', id: `${id}-help` }, help));
        fs.append(field);
      }
      form.append(fs);
    }
    form.append(el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'bms-review-button' }, 'Review changes')));
    showWarnings();
  }

  async function load(message) {
    try {
      const [s, c] = await Promise.all([get('/api/bms/settings'), get('/api/config')]);
      rows = s.settings;
      cfg = c.config;
      status.textContent = message || (s.read ? 'Values as last read from the TinyBMS.' : 'The TinyBMS settings have not been read yet: values may be missing.');
      build();
    } catch (e) {
      status.textContent = `Could not load the settings: ${e.message}`;
    }
  }

  async function write(body, importing) {
    review.replaceChildren(el('p', { role: 'status' }, 'Writing to the TinyBMS and reading back…'));
    try {
      const r = importing ? await api('POST', '/api/bms/settings/import', body) : await patch('/api/bms/settings', body);
      review.replaceChildren(el('section', { class: 'card', id: 'bms-result' }, el('h2', {}, r.status === 'verified' ? 'Written and verified' : `Result: ${r.status}`), diffView(r.changes || [])));
      await load('Values as read back from the TinyBMS after the write.');
    } catch (e) {
      review.replaceChildren(el('p', { class: 'bad', role: 'alert' }, `Not written: ${e.message}`),
        el('ul', {}, ...(e.details || []).map((d) => el('li', {}, `${d.key}: ${d.message}`))));
    }
  }

  function confirmView(changes, onConfirm) {
    review.replaceChildren(el('section', { class: 'card', id: 'bms-confirm', 'aria-labelledby': 'h-confirm' },
      el('h2', { id: 'h-confirm' }, 'Write these changes to the TinyBMS?'), diffView(changes),
      el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'bms-write', onclick: onConfirm }, 'Write to the TinyBMS'),
        el('button', { type: 'button', class: 'secondary', onclick: () => review.replaceChildren() }, 'Cancel'))));
    review.querySelector('#bms-write').focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = edits();
    const changes = Object.entries(body).map(([name, v]) => {
      const r = rows.find((x) => x.name === name);
      return { name, old: r.value, new: v, unit: r.unit };
    });
    if (!changes.length) { toast('Nothing changed.'); return; }
    confirmView(changes, () => write(body, false));
  });

  importInput.addEventListener('change', async () => {
    const file = importInput.files[0];
    if (!file) return;
    let profile;
    try { profile = JSON.parse(await file.text()); } catch { toast('That file is not JSON.'); return; }
    try {
      const dry = await api('POST', '/api/bms/settings/import?dry_run=true', profile);
      if (!dry.changes.length) { toast('The profile matches the TinyBMS: nothing to write.'); return; }
      confirmView(dry.changes, () => write(profile, true));
    } catch (e) {
      review.replaceChildren(el('p', { class: 'bad', role: 'alert' }, `Profile refused: ${e.message}`));
    }
  });

  load();
  return () => {};
}
