// Small SVG charts: a time line chart (several series, shared y axis) and a bar chart. Written
// here instead of pulling a chart library: the dashboard stays a few tens of kB and needs nothing
// from outside the LAN. Long series are reduced to a min/max pair per pixel column, so a year of
// points draws as fast as a day and no spike disappears.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['var(--chart1)', 'var(--chart2)', 'var(--chart3)', 'var(--chart4)',
  '#d4a72c', '#57ab5a', '#db61a2', '#768390'];

function svgEl(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function niceTicks(lo, hi, n) {
  if (!(hi > lo)) { hi = lo + 1; lo -= 1; }
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
  return ticks;
}

// Keeps the first, min, max and last point of each pixel column.
function reduce(points, x0, x1, width) {
  if (points.length <= width * 2) return points;
  const out = [];
  let col = -1;
  let bucket = [];
  const flush = () => {
    if (!bucket.length) return;
    let mn = bucket[0]; let mx = bucket[0];
    for (const p of bucket) { if (p[1] < mn[1]) mn = p; if (p[1] > mx[1]) mx = p; }
    const pts = [bucket[0], mn, mx, bucket[bucket.length - 1]].sort((a, b) => a[0] - b[0]);
    for (const p of pts) if (out[out.length - 1] !== p) out.push(p);
  };
  for (const p of points) {
    const c = Math.floor(((p[0] - x0) / (x1 - x0)) * width);
    if (c !== col) { flush(); bucket = []; col = c; }
    bucket.push(p);
  }
  flush();
  return out;
}

function timeLabel(ms, spanMs) {
  const d = new Date(ms);
  if (spanMs <= 2 * 86400e3) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (spanMs <= 90 * 86400e3) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  return d.toLocaleDateString([], { year: 'numeric', month: 'short' });
}

// series: [{name, unit, points: [[time_ms, value|null], ...]}]
export function lineChart(series, { from, to, label }) {
  const W = 800; const H = 220; const L = 48; const R = 8; const T = 8; const B = 24;
  const svg = svgEl('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label || 'chart', preserveAspectRatio: 'none' });
  let lo = Infinity; let hi = -Infinity;
  for (const s of series) for (const p of s.points) if (p[1] !== null) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); }
  if (lo === Infinity) {
    const t = svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' });
    t.textContent = 'no data in this range';
    svg.append(t);
    return svg;
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
  lo -= pad; hi += pad;
  const x = (t) => L + ((t - from) / (to - from)) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const grid = svgEl('g', { class: 'grid' });
  for (const v of niceTicks(lo, hi, 5)) {
    grid.append(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    const t = svgEl('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end' });
    t.textContent = String(v);
    grid.append(t);
  }
  for (let i = 0; i <= 4; i += 1) {
    const tm = from + ((to - from) * i) / 4;
    const t = svgEl('text', { x: x(tm), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' });
    t.textContent = timeLabel(tm, to - from);
    grid.append(t);
  }
  svg.append(grid);
  series.forEach((s, i) => {
    const pts = reduce(s.points.filter((p) => p[1] !== null), from, to, W - L - R);
    if (!pts.length) return;
    let d = '';
    let prev = null;
    for (const p of pts) {
      // A gap longer than 10 % of the range is drawn as a gap (the gateway was off).
      const jump = prev === null || p[0] - prev > (to - from) / 10;
      d += `${jump ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`;
      prev = p[0];
    }
    svg.append(svgEl('path', { d, fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }));
  });
  return svg;
}

export function legend(names) {
  const div = document.createElement('div');
  div.className = 'legend';
  names.forEach((n, i) => {
    const span = document.createElement('span');
    const sw = document.createElement('i');
    sw.style.setProperty('background', COLORS[i % COLORS.length]);
    span.append(sw, n);
    div.append(span);
  });
  return div;
}

// bars: [{label, values: [a, b]}], two series (e.g. charged / discharged), same unit.
export function barChart(bars, { names, unit, label }) {
  const W = 800; const H = 220; const L = 48; const R = 8; const T = 8; const B = 24;
  const svg = svgEl('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label || 'bar chart', preserveAspectRatio: 'none' });
  const max = Math.max(1e-9, ...bars.flatMap((b) => b.values));
  const y = (v) => T + (1 - v / max) * (H - T - B);
  const grid = svgEl('g', { class: 'grid' });
  for (const v of niceTicks(0, max, 4)) {
    grid.append(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    const t = svgEl('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end' });
    t.textContent = `${v}`;
    grid.append(t);
  }
  svg.append(grid);
  const slot = (W - L - R) / Math.max(1, bars.length);
  const bw = Math.max(1, (slot * 0.8) / names.length);
  bars.forEach((b, i) => {
    b.values.forEach((v, k) => {
      const r = svgEl('rect', { x: L + i * slot + slot * 0.1 + k * bw, y: y(v), width: bw, height: Math.max(0, H - B - y(v)), fill: COLORS[k] });
      const title = svgEl('title', {});
      title.textContent = `${b.label}: ${names[k]} ${v} ${unit}`;
      r.append(title);
      svg.append(r);
    });
    if (bars.length <= 16 || i % Math.ceil(bars.length / 12) === 0) {
      const t = svgEl('text', { x: L + i * slot + slot / 2, y: H - 6, 'text-anchor': 'middle' });
      t.textContent = b.label;
      svg.append(t);
    }
  });
  return svg;
}
