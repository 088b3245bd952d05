// 巡查台账 (the patrol ledger): check-ins and patrol records by grid, member and day, summed per member and day; a
// patrol's track and visited places on a small map with its village boundary; geofence verdicts in words; the shown rows
// exported as CSV.
import { get, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, errorText, useStyles } from '../ui.js';
import { dateTime } from '../time.js';
import { gridsByCode, membersById, chinaDate, startOfChinaDate, downloadCsv } from './ledgers.js';

const geofenceTone = { inside: 'ok', outside: 'bad', inaccurate: 'warn', no_boundary: 'muted' };
const verdicts = ['inside', 'outside', 'inaccurate', 'no_boundary'];

export async function render(root) {
  useStyles('pages/ledgers.css');
  const [grids, members] = await Promise.all([gridsByCode(), membersById()]);
  const gridName = code => grids.get(code)?.name ?? code;
  const memberName = id => members.get(id)?.name ?? id;
  const filters = { tab: 'checkins', grid: '', member: '', from: chinaDate(-6), to: chinaDate(0) };
  const summary = h('div');
  const list = h('div');
  const detail = h('div');
  let shown = { header: [], rows: [] };

  const select = (name, options) => h('label', null, t('patrols.filter.' + name),
    h('select', { name, onchange: e => { filters[name] = e.target.value; load(); } },
      h('option', { value: '' }, t('common.all')), options.map(o => h('option', { value: o.value }, v(o.label)))));
  const day = name => h('label', null, t('patrols.filter.' + name),
    h('input', { type: 'date', name, value: filters[name], onchange: e => { filters[name] = e.target.value; load(); } }));
  const tabs = h('div', { class: 'tabs', role: 'tablist' }, ['checkins', 'patrols'].map(tab => h('button', {
    type: 'button', 'data-tab': tab, 'aria-pressed': String(tab === filters.tab),
    onclick: () => { filters.tab = tab; tabs.querySelectorAll('button').forEach(b => b.setAttribute('aria-pressed', String(b.dataset.tab === tab))); load(); },
  }, t('patrols.tab.' + tab))));

  root.append(
    h('h1', null, t('nav.patrols')),
    h('div', { class: 'row card' },
      select('grid', [...grids.values()].map(g => ({ value: g.code, label: g.name }))),
      select('member', [...members.values()].map(m => ({ value: m.id, label: m.name }))),
      day('from'), day('to'),
      h('button', { type: 'button', 'data-action': 'export', onclick: () => downloadCsv(`patrols-${filters.tab}-${filters.from}-${filters.to}.csv`, shown.header, shown.rows) },
        t('patrols.export'))),
    h('h2', null, t('patrols.summary')), summary,
    tabs, list, detail);

  // Every page of a listing in the period (at most 5,000 rows: a month of a township).
  async function all(path) {
    const items = [];
    let cursor = null;
    do {
      const page = await get(path + query({ grid: filters.grid, member: filters.member, from: startOfChinaDate(filters.from), to: startOfChinaDate(filters.to, 1), limit: 1000, cursor }));
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < 5000);
    return items;
  }

  let generation = 0;
  async function load() {
    const mine = ++generation;
    clear(detail);
    clear(list).append(h('p', { class: 'muted' }, t('common.loading')));
    try {
      const [checkins, patrols] = await Promise.all([all('/api/checkins'), all('/api/patrols')]);
      if (mine !== generation) return;
      showSummary(checkins, patrols);
      if (filters.tab === 'checkins') showCheckIns(checkins); else showPatrols(patrols);
    } catch (e) { if (mine === generation) clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }

  function showSummary(checkins, patrols) {
    const rows = new Map();
    const row = (member, at) => {
      const day = new Date(new Date(at).getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10); // the China-time day, sortable
      const key = day + '|' + member;
      if (!rows.has(key)) rows.set(key, { day, member, checkins: 0, patrols: 0, ...Object.fromEntries(verdicts.map(x => [x, 0])) });
      return rows.get(key);
    };
    for (const c of checkins) { const r = row(c.memberId, c.fixTime); r.checkins++; r[c.geofence]++; }
    for (const p of patrols) row(p.memberId, p.startedAt).patrols++;
    const sorted = [...rows.values()].sort((a, b) => b.day.localeCompare(a.day) || a.member.localeCompare(b.member));
    clear(summary).append(table([
      { label: t('patrols.day'), cell: r => r.day },
      { label: t('patrols.member'), cell: r => v(memberName(r.member)) },
      { label: t('patrols.checkins'), cell: r => r.checkins },
      ...verdicts.map(x => ({ label: t('geofence.' + x), optional: x !== 'outside', cell: r => r[x] ? badge(String(r[x]), geofenceTone[x]) : '0' })),
      { label: t('patrols.patrols'), cell: r => r.patrols },
    ], sorted));
  }

  function showCheckIns(items) {
    const rows = [...items].reverse();
    shown = {
      header: [t('patrols.time'), t('patrols.member'), t('patrols.grid'), t('patrols.position'), t('patrols.accuracy'), t('patrols.geofence'), t('patrols.note')],
      rows: rows.map(c => [dateTime(c.fixTime), memberName(c.memberId), gridName(c.gridCode), `${c.latitude.toFixed(6)} ${c.longitude.toFixed(6)}`,
        Math.round(c.accuracyMeters), t('geofence.' + c.geofence), c.note ?? '']),
    };
    clear(list).append(table([
      { label: t('patrols.time'), cell: c => dateTime(c.fixTime) },
      { label: t('patrols.member'), cell: c => v(memberName(c.memberId)) },
      { label: t('patrols.grid'), optional: true, cell: c => v(gridName(c.gridCode)) },
      { label: t('patrols.position'), optional: true, cell: c => v(`${c.latitude.toFixed(5)}, ${c.longitude.toFixed(5)}`) },
      { label: t('patrols.accuracy'), optional: true, cell: c => t('patrols.meters', { n: Math.round(c.accuracyMeters) }) },
      { label: t('patrols.geofence'), cell: c => badge(termOf('geofence', c.geofence), geofenceTone[c.geofence]) },
      { label: t('patrols.note'), optional: true, cell: c => v(c.note ?? '') },
    ], rows));
  }

  function showPatrols(items) {
    const rows = [...items].reverse();
    shown = {
      header: [t('patrols.started'), t('patrols.ended'), t('patrols.member'), t('patrols.grid'), t('patrols.places'), t('patrols.findings')],
      rows: rows.map(p => [dateTime(p.startedAt), dateTime(p.endedAt), memberName(p.memberId), gridName(p.gridCode),
        p.places.map(x => x.name).join('; '), p.findings]),
    };
    clear(list).append(table([
      { label: t('patrols.started'), cell: p => dateTime(p.startedAt) },
      { label: t('patrols.ended'), optional: true, cell: p => dateTime(p.endedAt) },
      { label: t('patrols.member'), cell: p => v(memberName(p.memberId)) },
      { label: t('patrols.grid'), optional: true, cell: p => v(gridName(p.gridCode)) },
      { label: t('patrols.places'), cell: p => p.places.length },
      { label: t('patrols.findings'), optional: true, cell: p => v(p.findings) },
    ], rows, showPatrol));
  }

  async function showPatrol(p) {
    const boundary = await get('/api/grids/' + encodeURIComponent(p.gridCode)).then(g => g.boundary).catch(() => null);
    clear(detail).append(h('div', { class: 'card', 'data-patrol': p.recordId },
      h('h2', null, t('patrols.track'), ' · ', v(memberName(p.memberId)), ' · ', dateTime(p.startedAt)),
      p.track.length ? trackMap(p, boundary) : h('p', { class: 'muted' }, t('patrols.noTrack')),
      table([
        { label: t('patrols.time'), cell: x => dateTime(x.at) },
        { label: t('patrols.places'), cell: x => [termOf('place', x.kind), ' ', v(x.name)] },
      ], p.places)));
    detail.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  await load();
  return () => { generation++; };
}

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, val] of Object.entries(attrs || {})) if (val !== undefined && val !== null) el.setAttribute(k, val);
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// The outer rings of a GeoJSON Polygon or MultiPolygon, as [[lon, lat], …] lists (holes drawn too, as rings).
function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

// Where the member was at a moment: the track point nearest in time (places carry no position of their own).
function positionAt(track, at) {
  const ms = new Date(at).getTime();
  return track.reduce((best, p) => Math.abs(new Date(p.time) - ms) < Math.abs(new Date(best.time) - ms) ? p : best, track[0]);
}

// An equirectangular plot of the track, the places on it and the village boundary: longitude scaled by cos(latitude).
function trackMap(patrol, boundary) {
  const W = 640, H = 400, pad = 16;
  const ringList = rings(boundary);
  const points = [...patrol.track.map(p => [p.longitude, p.latitude]), ...ringList.flat()];
  const lat0 = points.reduce((a, p) => a + p[1], 0) / points.length;
  const k = Math.cos(lat0 * Math.PI / 180);
  const xs = points.map(p => p[0] * k), ys = points.map(p => p[1]);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const scale = Math.min((W - 2 * pad) / Math.max(maxX - minX, 1e-6), (H - 2 * pad) / Math.max(maxY - minY, 1e-6));
  const x = lon => pad + (lon * k - minX) * scale + ((W - 2 * pad) - (maxX - minX) * scale) / 2;
  const y = lat => H - pad - (lat - minY) * scale - ((H - 2 * pad) - (maxY - minY) * scale) / 2;
  const svg = s('svg', { class: 'track', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('patrols.track') });
  for (const ring of ringList)
    svg.append(s('polygon', { class: 'boundary', points: ring.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ') }, s('title', null, t('patrols.boundary'))));
  svg.append(s('polyline', { class: 'route', points: patrol.track.map(p => `${x(p.longitude).toFixed(1)},${y(p.latitude).toFixed(1)}`).join(' ') }));
  patrol.places.forEach((place, i) => {
    const at = positionAt(patrol.track, place.at);
    svg.append(s('circle', { class: 'place', cx: x(at.longitude), cy: y(at.latitude), r: 6 }, s('title', null, place.name)),
      s('text', { x: x(at.longitude) + 8, y: y(at.latitude) - 6, 'data-v': '' }, String(i + 1)));
  });
  return svg;
}
