// Gateway settings: a form generated from the one configuration schema (GET /api/config/schema:
// type, unit, range, allowed values, default, live or restart, description) filled from
// GET /api/config. Only changed keys are sent (PATCH /api/config); the API validates the whole
// change and applies nothing unless all of it is valid, so its errors are shown at each field.
import { get, patch } from '../api.js';
import { el, toast } from '../format.js';

const GROUP_TITLES = {
  serial: 'TinyBMS serial port', poll: 'Polling', bms: 'TinyBMS', can: 'Victron CAN', stale: 'Stale data',
  energy: 'Energy counters', log: 'Logging', charge: 'Charge control', alert: 'Alerts', http: 'Web and API',
  mqtt: 'MQTT', venus: 'Venus OS D-Bus',
};
const MASK = '********';

function inputFor(k, value, id) {
  const common = { id, name: k.key, 'aria-describedby': `${id}-help ${id}-err` };
  if (k.type === 'bool') {
    return el('select', common, el('option', { value: 'true', selected: value === true }, 'yes'),
      el('option', { value: 'false', selected: value === false }, 'no'));
  }
  if (k.enum) {
    return el('select', common, ...k.enum.map((n) => el('option', { value: n, selected: n === value }, n)));
  }
  if (k.allowed) {
    return el('select', common, ...k.allowed.map((n) => el('option', { value: String(n), selected: n === value }, String(n))));
  }
  if (k.type === 'int' || k.type === 'float') {
    // 0 = from the BMS (the charge profile) for the per-cell charge voltages.
    const min = k.from_bms ? '0' : String(k.min);
    return el('input', { ...common, type: 'number', inputmode: 'decimal', step: k.type === 'int' ? '1' : 'any', min, max: String(k.max), value: String(value), placeholder: k.from_bms ? '0 = from the BMS' : undefined });
  }
  return el('input', { ...common, type: k.secret ? 'password' : 'text', autocomplete: k.secret ? 'new-password' : 'off', maxlength: k.max_length ? String(k.max_length) : undefined, value: value === null ? '' : String(value) });
}

function parse(k, text) {
  if (k.type === 'bool') return text === 'true';
  if (k.type === 'int') return /^-?\d+$/.test(text.trim()) ? Number(text) : text;  // let the API name a bad number
  if (k.type === 'float') return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  return text;
}

export function mount(root) {
  const status = el('p', { class: 'muted', role: 'status', id: 'settings-status' }, 'Loading…');
  const form = el('form', { class: 'settings', id: 'settings-form', novalidate: true });
  root.append(el('h1', {}, 'Gateway settings'), status, form);
  let schema = [];
  let config = {};

  function render() {
    form.replaceChildren();
    const groups = new Map();
    for (const k of schema) {
      const g = k.key.split('.')[0];
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(k);
    }
    for (const [g, keys] of groups) {
      const fs = el('fieldset', {}, el('legend', {}, GROUP_TITLES[g] || g));
      for (const k of keys) {
        const id = `cfg-${k.key.replace(/\./g, '-')}`;
        const value = config[k.key];
        const input = inputFor(k, value, id);
        const field = el('div', { class: 'field', 'data-key': k.key },
          el('label', { for: id }, k.key, k.unit ? ` (${k.unit})` : '', k.apply === 'restart' ? el('span', { class: 'restart', title: 'takes effect after a restart' }, 'restart') : ''),
          input,
          el('span', { class: 'help', id: `${id}-help` }, `${k.description}. ${k.allowed_text || ''}`),
          el('span', { class: 'err', id: `${id}-err`, role: 'alert' }, ''));
        input.addEventListener('input', () => field.classList.toggle('changed', input.value !== String(value ?? '')));
        input.addEventListener('change', () => field.classList.toggle('changed', input.value !== String(value ?? '')));
        fs.append(field);
      }
      form.append(fs);
    }
    form.append(el('div', { class: 'actions' },
      el('button', { type: 'submit', id: 'settings-save' }, 'Save'),
      el('button', { type: 'button', class: 'secondary', onclick: load }, 'Discard changes')));
  }

  function clearErrors() {
    for (const e of form.querySelectorAll('.err')) e.textContent = '';
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const body = {};
    for (const k of schema) {
      const input = form.elements.namedItem(k.key);
      if (!input) continue;
      if (k.secret && input.value === MASK) continue;
      const v = parse(k, input.value);
      if (String(v) !== String(config[k.key] ?? '')) body[k.key] = v;
    }
    if (!Object.keys(body).length) { toast('Nothing changed.'); return; }
    try {
      const r = await patch('/api/config', body);
      const restart = r.restart_required || [];
      status.textContent = `Saved ${r.changed.length} setting(s).${restart.length ? ` These take effect after a restart: ${restart.join(', ')}.` : ' Applied now.'}`;
      await load(true);
    } catch (e) {
      status.textContent = `Nothing was saved: ${e.message}`;
      let first = null;
      for (const d of e.details || []) {
        const field = form.querySelector(`[data-key="${CSS.escape(d.key)}"]`);
        if (!field) continue;
        field.querySelector('.err').textContent = d.message;
        const input = field.querySelector('input, select');
        input.setAttribute('aria-invalid', 'true');
        first = first || input;
      }
      if (first) first.focus();
    }
  });

  async function load(keepStatus) {
    try {
      const [s, c] = await Promise.all([get('/api/config/schema'), get('/api/config')]);
      schema = s.keys;
      config = c.config;
      if (keepStatus !== true) status.textContent = 'Changes are checked by the gateway before anything is saved.';
      render();
    } catch (e) {
      status.textContent = `Could not load the settings: ${e.message}`;
    }
  }
  load();
  return () => {};
}
