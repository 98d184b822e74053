// Number and time formatting, and tiny DOM helpers (no innerHTML with data: text only).
export function fmt(v, digits = 2, unit = '') {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const s = Number(v).toFixed(digits);
  return unit ? `${s} ${unit}` : s;
}

export function duration(s) {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '–';
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.round(h / 24)} days`;
}

export function when(ms) {
  if (!ms) return '–';
  return new Date(ms).toLocaleString();
}

// el('div', {class: 'card'}, 'text', child...) - attributes set as properties or attributes.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function kv(pairs) {
  const dl = el('dl', { class: 'kv' });
  for (const [k, v, id] of pairs) {
    // A row without a label is a note on the row above, across the whole width.
    if (k === '') dl.append(el('dd', { id, class: 'note' }, v));
    else dl.append(el('dt', {}, k), el('dd', id ? { id, class: 'live' } : { class: 'live' }, v));
  }
  return dl;
}

export function setText(id, text) {
  const e = document.getElementById(id);
  if (e) e.textContent = text;
}

export function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
}
