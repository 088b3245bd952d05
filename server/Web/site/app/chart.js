// A time chart drawn as SVG from our own data: a line (broken where the data has gaps), an optional min–max band,
// horizontal bands (for example the AQI categories of HJ 633) and vertical marks (an alert's raise and clear).
import { timeOfDay, date } from './time.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// points: [{t: Date|string, v: number, min?, max?}] in time order; gapMs: a longer step between points breaks the line.
export function timeChart({ points, from, to, bands = [], marks = [], gapMs, unit = '', label }) {
  const W = 800, H = 260, L = 48, R = 12, T = 12, B = 28;
  const xs = points.map(p => new Date(p.t).getTime());
  // Loops, not Math.min(...xs): a month of minutes is more arguments than a call takes.
  const fold = (list, f, start) => list.reduce((m, x) => f(m, x), start);
  const t0 = from ? new Date(from).getTime() : fold(xs, Math.min, Infinity), t1 = to ? new Date(to).getTime() : fold(xs, Math.max, -Infinity);
  const values = points.flatMap(p => [p.v, p.min, p.max]).filter(x => typeof x === 'number');
  const highest = fold(values, Math.max, 1);
  const top = fold(bands.map(b => Math.min(b.to, highest * 1.2)), Math.max, highest) * 1.05;
  const x = t => L + (W - L - R) * (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0));
  const y = v => T + (H - T - B) * (1 - v / top);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label || '' });
  for (const b of bands) {
    if (b.from >= top) continue;
    svg.append(s('rect', { x: L, width: W - L - R, y: y(Math.min(b.to, top)), height: y(b.from) - y(Math.min(b.to, top)), fill: b.color, opacity: 0.18 },
      s('title', null, b.label)));
  }
  for (let i = 0; i <= 4; i++) {
    const v = top * i / 4;
    svg.append(s('line', { class: 'axis', x1: L, x2: W - R, y1: y(v), y2: y(v) }), s('text', { x: 4, y: y(v) + 4 }, v.toFixed(v < 10 ? 1 : 0)));
  }
  const span = t1 - t0;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + span * i / 4;
    svg.append(s('text', { x: x(t) - 20, y: H - 8 }, span > 2 * 86400000 ? date(t) : timeOfDay(t)));
  }
  // The line in runs: a gap longer than gapMs starts a new run, so missing data shows as missing.
  const runs = [];
  let run = [];
  points.forEach((p, i) => {
    if (i > 0 && gapMs && xs[i] - xs[i - 1] > gapMs) { runs.push(run); run = []; }
    run.push(p);
  });
  if (run.length) runs.push(run);
  for (const r of runs) {
    if (r.some(p => typeof p.min === 'number')) {
      const upper = r.map(p => `${x(new Date(p.t).getTime())},${y(p.max ?? p.v)}`);
      const lower = r.slice().reverse().map(p => `${x(new Date(p.t).getTime())},${y(p.min ?? p.v)}`);
      svg.append(s('polygon', { points: upper.concat(lower).join(' '), fill: '#1f6f43', opacity: 0.15 }));
    }
    svg.append(s('polyline', { points: r.map(p => `${x(new Date(p.t).getTime())},${y(p.v)}`).join(' '), fill: 'none', stroke: '#1f6f43', 'stroke-width': 1.6 }));
    if (r.length === 1) svg.append(s('circle', { cx: x(new Date(r[0].t).getTime()), cy: y(r[0].v), r: 2.5, fill: '#1f6f43' }));
  }
  for (const m of marks) {
    const mx = x(new Date(m.t).getTime());
    svg.append(s('line', { x1: mx, x2: mx, y1: T, y2: H - B, stroke: m.color || '#c62828', 'stroke-dasharray': '4 3' }), s('text', { x: mx + 3, y: T + 10 }, m.label));
  }
  if (unit) svg.append(s('text', { x: L, y: T + 10 }, unit));
  return svg;
}
