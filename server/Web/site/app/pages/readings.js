// 监测数据 (readings): per station (gateway), quantity and sensor, a chart of the minute averages with their min–max band
// over 24 hours, 7 or 30 days, under the HJ 633-2012 bands for PM2.5 and PM10; missing data shows as a break in the line,
// and points stamped by an unsynchronised clock are counted under the chart.
import { get, query } from '../api.js';
import { t, term } from '../i18n.js';
import { h, v, clear, errorText, termOf, useStyles } from '../ui.js';
import { dateTime } from '../time.js';
import { timeChart } from '../chart.js';

// HJ 633-2012 Table 1, 24-hour averages (µg/m³) at IAQI 0, 50, 100, 150, 200, 300, 400, 500; the last two steps are both 严重污染.
const breakpoints = { pm2_5: [0, 35, 75, 115, 150, 250, 500], pm10: [0, 50, 150, 250, 350, 420, 600] };
const bandColours = ['#00e400', '#ffff00', '#ff7e00', '#ff0000', '#99004c', '#7e0023'];
export function aqiBands(quantity) {
  const b = breakpoints[quantity];
  return b ? bandColours.map((color, i) => ({ from: b[i], to: b[i + 1], color, label: t('rd.aqi.' + (i + 1)) })) : [];
}

const ranges = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 };
// Pages of 1,000 read for a range at most, in this many parallel parts: minute data of 30 days is about 44 pages.
const pageCap = { '24h': 3, '7d': 12, '30d': 48 };
const parts = { '24h': 1, '7d': 2, '30d': 4 };
const maxPoints = 1500;

export async function render(root, { params }) {
  useStyles('pages/readings.css');
  const state = { gateway: params[0] || '', quantity: params[1] || '', sensor: params[2] || '', range: ranges[params[3]] ? params[3] : '24h' };
  const controls = h('div', { class: 'row card' });
  const chart = h('div', { class: 'readings-chart' });
  root.append(h('h1', null, t('nav.readings')), controls, chart);

  const gateways = await get('/api/gateways');
  if (!state.gateway && gateways.length) state.gateway = gateways[0].id;
  let series = [];
  let generation = 0;

  async function loadSeries() {
    series = [];
    if (!state.gateway) return;
    // The sensors and quantities of the station, from its newest readings.
    const recent = await get('/api/readings' + query({ gateway: state.gateway, order: 'desc', limit: 1000 }));
    const seen = new Map();
    for (const r of recent.items) seen.set(r.sensor + '|' + r.quantity, { sensor: r.sensor, quantity: r.quantity });
    series = [...seen.values()].sort((a, b) => (a.quantity + a.sensor).localeCompare(b.quantity + b.sensor));
    if (!series.some(x => x.quantity === state.quantity)) state.quantity = series.find(x => x.quantity === 'pm2_5')?.quantity ?? series[0]?.quantity ?? '';
    if (!series.some(x => x.quantity === state.quantity && x.sensor === state.sensor)) state.sensor = series.find(x => x.quantity === state.quantity)?.sensor ?? '';
  }

  function drawControls() {
    const select = (name, options, onchange) => h('label', null, t('rd.' + name),
      h('select', { name, onchange: e => onchange(e.target.value) },
        options.map(o => h('option', { value: o.value, selected: o.value === state[name] ? true : null, 'data-v': o.data ? '' : null }, o.label))));
    clear(controls).append(
      select('gateway', gateways.map(g => ({ value: g.id, label: g.id, data: true })), async value => { state.gateway = value; await loadSeries(); drawControls(); draw(); }),
      select('quantity', [...new Set(series.map(x => x.quantity))].map(q => ({ value: q, label: term('quantity', q) ?? q, data: term('quantity', q) === null })),
        value => { state.quantity = value; state.sensor = series.find(x => x.quantity === value)?.sensor ?? ''; drawControls(); draw(); }),
      select('sensor', series.filter(x => x.quantity === state.quantity).map(x => ({ value: x.sensor, label: x.sensor, data: true })), value => { state.sensor = value; draw(); }),
      h('span', { class: 'ranges', role: 'group', 'aria-label': t('rd.range') }, Object.keys(ranges).map(r => h('button', {
        type: 'button', 'data-range': r, 'aria-pressed': String(r === state.range), onclick: () => { state.range = r; drawControls(); draw(); },
      }, t('rd.' + r)))));
  }

  async function draw() {
    const mine = ++generation;
    history.replaceState(null, '', '#/readings/' + [state.gateway, state.quantity, state.sensor, state.range].map(encodeURIComponent).join('/'));
    clear(chart).append(h('p', { class: 'muted' }, t('common.loading')));
    if (!state.gateway || !state.quantity) { clear(chart).append(h('p', { class: 'muted' }, t('readings.none'))); return; }
    const to = new Date(), from = new Date(to.getTime() - ranges[state.range] * 3600000);
    try {
      const { items, complete } = await readRange(from, to);
      if (mine !== generation) return;
      if (items.length === 0) { clear(chart).append(h('p', { class: 'muted' }, t('readings.none'))); return; }
      // Folded into buckets only when there are more points than a chart can show.
      const step = items.length > maxPoints ? Math.ceil((to - from) / 60000 / maxPoints) : 1;
      const points = bucket(items, step);
      const poor = items.filter(r => r.clock === 'unsynchronised').length;
      const unit = items[items.length - 1].unit;
      const last = items[items.length - 1];
      clear(chart).append(h('div', null,
        h('h2', null, t('rd.chart', { quantity: termOf('quantity', state.quantity) }), ' · ', v(state.gateway), ' · ', v(state.sensor)),
        timeChart({ points, from, to, bands: aqiBands(state.quantity), gapMs: Math.max(5, 3 * step) * 60000, unit, label: t('rd.chart', { quantity: state.quantity }) }),
        h('p', { class: 'muted' }, t('rd.points', { n: items.length }), ' · ', t('rd.gaps'), ' · ', t('rd.latest'), ': ', v(`${last.window ? last.window.avg : last.value} ${unit}`),
          ' (', dateTime(last.timestamp), ')'),
        step > 1 || !complete ? h('p', { class: 'muted' }, t('rd.capped', { n: points.length, step })) : null,
        poor ? h('p', { class: 'warn-note', 'data-poor-clock': poor }, t('rd.poorClock', { n: poor })) : null,
        aqiBands(state.quantity).length ? legend(state.quantity) : null));
    } catch (e) { if (mine === generation) clear(chart).append(h('p', { class: 'error' }, errorText(e))); }
  }

  // The readings of the range in time order: the range split into parts read side by side, each page after page until
  // its part is covered or its share of the page cap is spent.
  async function readRange(from, to) {
    const n = parts[state.range], span = (to - from) / n, cap = Math.ceil(pageCap[state.range] / n);
    const results = await Promise.all(Array.from({ length: n }, async (_, i) => {
      const items = [];
      let cursor, pages = 0;
      do {
        const page = await get('/api/readings' + query({
          gateway: state.gateway, quantity: state.quantity, sensor: state.sensor, limit: 1000, cursor,
          from: new Date(from.getTime() + span * i).toISOString(), to: new Date(from.getTime() + span * (i + 1)).toISOString(),
        }));
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && ++pages < cap);
      return { items, complete: !cursor };
    }));
    return { items: results.flatMap(r => r.items), complete: results.every(r => r.complete) };
  }

  function legend(quantity) {
    const b = breakpoints[quantity];
    return h('div', { class: 'aqi-legend' }, h('span', null, t('rd.bands'), ':'), bandColours.map((c, i) => {
      const swatch = h('i');
      swatch.style.background = c;
      return h('span', { class: 'key' }, swatch, t('rd.aqi.' + (i + 1)), ` ${b[i]}–${b[i + 1]}`);
    }));
  }

  await loadSeries();
  drawControls();
  await draw();
}

// Minute points folded into buckets of step minutes: the mean of the averages, the lowest minimum and the highest maximum.
export function bucket(items, step) {
  const value = r => (r.window ? r.window.avg : r.value);
  if (step <= 1) return items.map(r => ({ t: r.timestamp, v: value(r), min: r.window?.min, max: r.window?.max }));
  const out = [];
  let current = null;
  for (const r of items) {
    const key = Math.floor(new Date(r.timestamp).getTime() / (step * 60000));
    if (!current || current.key !== key) { current = { key, t: new Date(key * step * 60000), sum: 0, n: 0, min: Infinity, max: -Infinity }; out.push(current); }
    current.sum += value(r); current.n++;
    current.min = Math.min(current.min, r.window?.min ?? value(r));
    current.max = Math.max(current.max, r.window?.max ?? value(r));
  }
  return out.map(b => ({ t: b.t, v: b.sum / b.n, min: b.min, max: b.max }));
}
