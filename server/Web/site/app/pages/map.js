// 网格作战图 (grid map): the user's village grids drawn from their registry boundaries and coloured by this week's work
// (red: overdue problems; amber: no patrol yet this ISO week; green otherwise), the townships' gateways with their state,
// HJ 212 stations and open alerts, today's check-ins as dots. A village or a gateway opens its details beside the map.
import { get, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, badge, termOf, clear, errorText, useStyles } from '../ui.js';
import { dateTime, startOfToday } from '../time.js';
import { onLive } from '../live.js';
import { s, rings, centroid, projection, pathOf, panZoom } from './map-view.js';

const colours = { overdue: '#c62828', noPatrol: '#e0a100', ok: '#2e9d5b' };

export function statusOf(f) { return f.overdueProblems > 0 ? 'overdue' : f.patrolsThisWeek === 0 ? 'noPatrol' : 'ok'; }

export async function render(root, { session }) {
  useStyles('pages/map.css');
  const data = await get('/api/map');
  const withBoundary = data.villages.filter(x => rings(x.boundary).length);
  const project = projection(withBoundary.flatMap(x => rings(x.boundary).flat()));

  // A gateway (and its alerts and stations) stands at the centroid of its township's village boundaries.
  const places = new Map();
  for (const g of data.gateways) {
    const cs = data.villages.filter(x => x.parent === g.township).map(x => centroid(x.boundary)).filter(Boolean);
    if (cs.length) places.set(g.id, project([cs.reduce((a, c) => a + c[0], 0) / cs.length, cs.reduce((a, c) => a + c[1], 0) / cs.length]));
  }

  const svg = s('svg', { class: 'map', role: 'img', 'aria-label': t('nav.map') });
  const layers = { villages: s('g'), labels: s('g'), checkins: s('g'), gateways: s('g') };
  svg.append(layers.villages, layers.labels, layers.checkins, layers.gateways);
  // Sizes meant on the screen whatever the zoom: each a function of the SVG units per screen pixel, run at every zoom.
  let sized = [];
  let upp = 1;
  const size = (el, f) => { sized.push({ el, f }); f(upp); };
  const px = (el, attr, n) => size(el, u => el.setAttribute(attr, n * u));
  const view = panZoom(svg, u => { upp = u; sized = sized.filter(x => x.el.isConnected || !svg.isConnected); for (const x of sized) x.f(u); });
  const panel = h('aside', { class: 'map-panel card' }, h('p', { class: 'muted' }, t('map.select')));

  for (const village of withBoundary) {
    const status = statusOf(village.figures);
    const path = s('path', { class: 'village', d: pathOf(rings(village.boundary), project), fill: colours[status], 'data-code': village.code, 'data-status': status },
      s('title', { 'data-v': '' }, village.name));
    path.addEventListener('click', () => { if (!view.dragged()) showVillage(village); });
    layers.villages.append(path);
    const c = centroid(village.boundary);
    if (c) {
      const [x, y] = project(c);
      const label = s('text', { x, y, class: 'village-label', 'data-v': '' }, village.name);
      px(label, 'font-size', 12);
      layers.labels.append(label);
    }
  }

  const gatewayMarks = new Map();
  for (const g of data.gateways) {
    const at = places.get(g.id);
    if (!at) continue;
    const mark = s('g', { class: 'gateway', 'data-gateway': g.id, 'data-online': String(g.online), transform: `translate(${at[0]} ${at[1]})` });
    const dot = s('circle', { class: g.online ? 'gw-on' : 'gw-off' });
    const label = s('text', { class: 'gw-label', 'data-v': '' }, g.id);
    const alerts = s('g', { class: 'alerts' });
    const stations = s('g', { class: 'stations' });
    px(dot, 'r', 8); px(label, 'font-size', 11); px(label, 'x', 11); px(label, 'y', 4);
    mark.append(stations, dot, label, alerts, s('title', { 'data-v': '' }, g.id));
    mark.addEventListener('click', () => { if (!view.dragged()) showGateway(g); });
    layers.gateways.append(mark);
    gatewayMarks.set(g.id, { mark, alerts, stations });
  }

  const legend = h('div', { class: 'map-legend card' },
    h('strong', null, t('map.legend')),
    ['overdue', 'noPatrol', 'ok'].map(k => h('span', { class: 'key' }, h('i', { class: 'swatch ' + k }), t('map.status.' + k))),
    h('span', { class: 'key' }, h('i', { class: 'dot gw-on' }), t('map.gateway.online')),
    h('span', { class: 'key' }, h('i', { class: 'dot gw-off' }), t('map.gateway.offline')),
    h('span', { class: 'key' }, h('i', { class: 'square' }), t('map.monitor')),
    h('span', { class: 'key' }, h('i', { class: 'triangle' }), t('map.alert')),
    h('span', { class: 'key' }, h('i', { class: 'dot checkin' }), t('map.checkin')),
    h('p', { class: 'muted' }, t('map.placement')));
  const note = h('p', { class: 'muted' }, t('map.week', { week: data.week }), ' · ', t('map.villages', { n: data.villages.length }),
    data.villages.length > withBoundary.length ? [' · ', t('map.status.noBoundary'), ': ', data.villages.length - withBoundary.length] : null);

  root.append(h('h1', null, t('nav.map')), note,
    h('div', { class: 'map-tools' },
      h('button', { type: 'button', 'data-action': 'fit', onclick: () => fit() }, t('map.fit')),
      h('button', { type: 'button', 'aria-label': t('map.zoomIn'), onclick: () => view.zoom(0.7) }, '+'),
      h('button', { type: 'button', 'aria-label': t('map.zoomOut'), onclick: () => view.zoom(1 / 0.7) }, '−')),
    h('div', { class: 'map-layout' }, svg, panel), legend);
  if (data.villages.length === 0) panel.replaceChildren(h('p', { class: 'muted' }, t('map.noVillages')));

  const fit = () => view.fit(withBoundary.flatMap(x => rings(x.boundary).flat().map(project)).concat([...places.values()]));
  fit();
  // The villages are drawn: what "time to a drawn map" measures (GridEdge.Load console); markers and dots follow.
  performance.mark('gridedge:first');

  async function drawAlerts() {
    try {
      const open = await get('/api/alerts' + query({ state: 'open', limit: 1000 }));
      for (const [id, m] of gatewayMarks) {
        const mine = open.items.filter(a => a.gateway === id);
        clear(m.alerts);
        if (!mine.length) continue;
        const tri = s('path', { class: 'alert-mark', d: 'M0,-1L0.9,0.7L-0.9,0.7Z', 'data-alerts': mine.length });
        const n = s('text', { class: 'alert-count' }, String(mine.length));
        m.alerts.append(tri, n);
        // Above the gateway's dot, the same size on the screen at any zoom.
        const f = u => { tri.setAttribute('transform', `translate(0 ${-18 * u}) scale(${9 * u})`); n.setAttribute('y', -14 * u); n.setAttribute('font-size', 9 * u); };
        size(tri, f);
      }
    } catch { /* the map stands without its alerts */ }
  }

  async function drawStations() {
    await Promise.all([...gatewayMarks].map(async ([id, m]) => {
      try {
        const r = await get(`/api/gateways/${encodeURIComponent(id)}/monitors`);
        clear(m.stations);
        r.monitors.forEach((mon, i) => {
          const sq = s('rect', { class: 'station' }, s('title', { 'data-v': '' }, `${mon.mn} ${mon.station ?? ''}`));
          px(sq, 'x', 12 + i * 10); px(sq, 'y', 6); px(sq, 'width', 8); px(sq, 'height', 8);
          m.stations.append(sq);
        });
      } catch { /* a gateway never connected has no stations to show */ }
    }));
  }

  async function drawCheckIns() {
    try {
      const r = await get('/api/checkins' + query({ from: startOfToday().toISOString(), limit: 1000 }));
      clear(layers.checkins);
      for (const c of r.items) {
        const [x, y] = project([c.longitude, c.latitude]);
        const dot = s('circle', { class: 'checkin', cx: x, cy: y });
        px(dot, 'r', 2.5);
        layers.checkins.append(dot);
      }
      if (r.nextCursor) note.append(' · ', t('map.checkins.capped', { n: r.items.length }));
    } catch { /* the map stands without its dots */ }
  }

  async function showVillage(village) {
    for (const p of svg.querySelectorAll('path.village.selected')) p.classList.remove('selected');
    svg.querySelector(`path.village[data-code="${village.code}"]`)?.classList.add('selected');
    const f = village.figures;
    const slot = {
      members: h('div', null, t('common.loading')), keyPoints: h('div', null, t('common.loading')),
      enterprises: h('div', null, t('common.loading')), problems: h('div', null, t('common.loading')),
    };
    panel.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', null, v(village.name)), h('button', { type: 'button', onclick: () => panel.replaceChildren(h('p', { class: 'muted' }, t('map.select'))) }, t('map.close'))),
      h('p', { class: 'muted' }, v(village.code), ' · ', badge(t('map.status.' + statusOf(f)), { overdue: 'bad', noPatrol: 'warn', ok: 'ok' }[statusOf(f)])),
      h('p', { 'data-field': 'chief' }, t('map.chief'), ': ', village.chief ? v(village.chief) : t('map.none')),
      h('h3', null, t('map.figures')),
      h('div', { class: 'figures' }, [
        ['members', f.members], ['patrols', f.patrolsThisWeek], ['keyPoints', f.keyPoints], ['covered', f.keyPointsCoveredThisMonth],
        ['visited', f.keyPointsVisitedThisMonth], ['open', f.openProblems], ['overdue', f.overdueProblems],
      ].map(([k, n]) => h('div', { class: 'figure' }, h('div', { class: 'n' }, n), t('map.fig.' + k)))),
      h('h3', null, t('map.members')), slot.members,
      h('h3', null, t('map.keyPoints')), slot.keyPoints,
      h('h3', null, t('map.enterprises')), slot.enterprises,
      h('h3', null, t('map.openProblems')), slot.problems);
    const code = encodeURIComponent(village.code);
    const list = (items, item) => items.length ? h('ul', null, items.map(x => h('li', null, item(x)))) : h('p', { class: 'muted' }, t('map.none'));
    const fill = async (el, load, item) => {
      try { el.replaceChildren(list(await load(), item)); } catch (e) { el.replaceChildren(h('p', { class: 'error' }, errorText(e))); }
    };
    await Promise.all([
      fill(slot.members, async () => (await get('/api/members' + query({ grid: village.code, limit: 1000 }))).items.filter(m => m.active !== false), m => [v(m.name), m.phone ? [' ', v(m.phone)] : null]),
      fill(slot.keyPoints, async () => (await get(`/api/grids/${code}/key-points`)).items, k => v(k.name)),
      fill(slot.enterprises, async () => (await get(`/api/grids/${code}/enterprises`)).items, e => [v(e.name), ' · ', termOf('map.class', e.class)]),
      fill(slot.problems, async () => (await get('/api/problems' + query({ grid: village.code, limit: 1000 }))).items.filter(p => p.state !== 'closed'),
        p => [h('a', { href: '#/problems/' + p.id }, v('#' + p.id), ' ', v(p.description)), ' · ', termOf('state', p.state),
          p.deadline ? [' · ', t('map.problem.deadline'), ' ', dateTime(p.deadline)] : null]),
    ]);
  }

  async function showGateway(g) {
    const stations = h('div', null, t('common.loading'));
    panel.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', null, t('map.gatewayPanel'), ' ', v(g.id)), h('button', { type: 'button', onclick: () => panel.replaceChildren(h('p', { class: 'muted' }, t('map.select'))) }, t('map.close'))),
      h('p', null, badge(g.online ? t('gw.online') : t('gw.offline'), g.online ? 'ok' : 'bad'), ' · ', t('map.township'), ': ', v(g.townshipName)),
      h('p', null, t('gw.lastSeen'), ': ', g.lastSeen ? dateTime(g.lastSeen) : t('map.none')),
      h('p', null, t('gw.clock'), ': ', g.clock ? badge(t('gw.clock.' + g.clock), g.clock === 'unsynchronised' ? 'warn' : 'ok') : t('map.none'),
        g.lastReadingAt ? [' · ', t('gw.lastReading'), ' ', dateTime(g.lastReadingAt)] : null),
      h('p', null, t('gw.missing'), ': ', g.missing ? badge(String(g.missing), 'warn') : '0'),
      h('p', null, t('gw.software'), ': ', v(g.softwareVersion ?? ''), ' · ', t('gw.config'), ': ', v(g.configVersion ?? '')),
      h('h3', null, t('gw.monitors')), stations,
      h('p', null, h('a', { href: '#/gateways' }, t('nav.gateways')), ' · ', h('a', { href: '#/readings/' + encodeURIComponent(g.id) }, t('nav.readings'))));
    try {
      const r = await get(`/api/gateways/${encodeURIComponent(g.id)}/monitors`);
      stations.replaceChildren(r.monitors.length ? h('ul', null, r.monitors.map(m => h('li', null, v(m.mn), ' ', v(m.station ?? ''), m.lastContact ? [' · ', dateTime(m.lastContact)] : null))) : h('p', { class: 'muted' }, t('map.none')));
    } catch (e) { stations.replaceChildren(h('p', { class: 'muted' }, errorText(e))); }
  }

  await Promise.all([drawAlerts(), drawStations(), drawCheckIns()]);
  const stops = [
    onLive('alert', () => drawAlerts()),
    onLive('gateway', e => {
      const m = gatewayMarks.get(e.gateway);
      if (m && typeof e.online === 'boolean') { m.mark.setAttribute('data-online', String(e.online)); m.mark.querySelector('circle').setAttribute('class', e.online ? 'gw-on' : 'gw-off'); }
    }),
  ];
  return () => stops.forEach(f => f());
}
