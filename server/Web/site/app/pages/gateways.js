// 网关 (gateways): each gateway's health (online, last seen, software and the config version in force), every stream's
// last seq, stored records and gaps, its HJ 212 monitors, the tasks its terminals get (任务: problems and complaints handed
// to members, with the steps expected and any refused) and the commands sent to it with their results, live.
import { get, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, errorText } from '../ui.js';
import { dateTime } from '../time.js';
import { onLive } from '../live.js';

export async function render(root, { params }) {
  const list = h('div');
  const detail = h('div');
  let selected = params[0] || null;
  root.append(h('h1', null, t('nav.gateways')), h('p', { class: 'muted' }, badge(t('gw.live'), 'info')), list, detail);

  async function load() {
    try {
      const gateways = await get('/api/gateways');
      clear(list).append(table([
        { label: t('gw.id'), cell: g => v(g.id, { 'data-gateway': g.id }) },
        { label: t('gw.state'), cell: g => badge(g.online ? t('gw.online') : t('gw.offline'), g.online ? 'ok' : 'bad') },
        { label: t('gw.lastSeen'), cell: g => dateTime(g.lastSeen) },
        { label: t('gw.software'), optional: true, cell: g => v(g.softwareVersion ?? '') },
        { label: t('gw.config'), optional: true, cell: g => v(g.configVersion ?? '') },
        { label: t('gw.lastSeq'), optional: true, cell: g => g.streams.map(s => h('div', null, termOf('gw.stream', s.stream), ' ', s.lastSeq)) },
        { label: t('gw.missing'), cell: g => { const n = g.streams.reduce((a, s) => a + s.missing, 0); return n ? badge(String(n), 'warn') : '0'; } },
      ], gateways, g => { selected = g.id; show(g); }));
      const current = gateways.find(g => g.id === selected);
      if (current) show(current);
    } catch (e) { clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }

  async function show(g) {
    const id = encodeURIComponent(g.id);
    const gaps = h('div');
    const monitors = h('div', null, t('common.loading'));
    const commands = h('div', null, t('common.loading'));
    const tasks = h('div', { class: 'gateway-tasks' }, t('common.loading'));
    clear(detail).append(h('div', { class: 'card', 'data-detail': g.id },
      h('h2', null, v(g.id), ' ', badge(g.online ? t('gw.online') : t('gw.offline'), g.online ? 'ok' : 'bad')),
      h('p', null, t('gw.lastSeen'), ': ', dateTime(g.lastSeen), ' · ', t('gw.software'), ': ', v(g.softwareVersion ?? ''), ' · ', t('gw.config'), ': ', v(g.configVersion ?? '')),
      h('h3', null, t('gw.streams')),
      table([
        { label: t('gw.stream'), cell: s => termOf('gw.stream', s.stream) },
        { label: t('gw.lastSeq'), cell: s => s.lastSeq },
        { label: t('gw.stored'), optional: true, cell: s => s.stored },
        { label: t('gw.gaps'), cell: s => s.gaps ? badge(String(s.gaps), 'warn') : '0' },
        { label: t('gw.missing'), cell: s => s.missing },
      ], g.streams, s => showGaps(g.id, s.stream, gaps)),
      gaps,
      h('h3', null, t('gw.monitors')), monitors,
      h('h3', null, t('gw.tasks')), tasks,
      h('h3', null, t('gw.commands')), commands));
    await Promise.all([
      (async () => {
        try {
          const r = await get(`/api/gateways/${id}/monitors`);
          clear(monitors).append(table([
            { label: t('gw.mn'), cell: m => v(m.mn) },
            { label: t('gw.station'), cell: m => v(m.station ?? '') },
            { label: t('gw.lastContact'), cell: m => dateTime(m.lastContact) },
            { label: t('gw.warnings'), optional: true, cell: m => m.conformanceWarnings },
          ], r.monitors));
        } catch (e) { clear(monitors).append(h('p', { class: 'muted' }, errorText(e))); }
      })(),
      loadCommands(g.id, commands),
      loadTasks(g.id, tasks),
    ]);
  }

  async function showGaps(gateway, stream, el) {
    try {
      const r = await get(`/api/gateways/${encodeURIComponent(gateway)}/gaps` + query({ stream }));
      clear(el).append(h('h3', null, t('gw.gaps'), ' · ', termOf('gw.stream', stream)), r.gaps.length === 0 ? h('p', { class: 'muted' }, t('gw.noGaps')) : table([
        { label: t('gw.gapRange'), cell: x => x.from === x.to ? String(x.from) : `${x.from}–${x.to}` },
        { label: t('gw.gapCount'), cell: x => x.count },
        { label: t('gw.gapReason'), cell: x => t('gw.gapReason.' + (x.reason ?? 'unknown')) },
      ], r.gaps));
    } catch (e) { clear(el).append(h('p', { class: 'error' }, errorText(e))); }
  }

  async function loadCommands(gateway, el) {
    try {
      const r = await get(`/api/gateways/${encodeURIComponent(gateway)}/commands` + query({ limit: 50 }));
      clear(el).append(table([
        { label: t('gw.command'), cell: c => termOf('gw.command', c.name) },
        { label: t('gw.sentAt'), cell: c => dateTime(c.issuedAt) },
        { label: t('gw.by'), optional: true, cell: c => v(c.by ?? '') },
        { label: t('gw.result'), cell: c => c.result
          ? [badge(t('outcome.' + c.result.outcome), c.result.outcome === 'ok' ? 'ok' : 'bad'), ' ', v(c.result.detail)]
          : badge(t('gw.waiting'), 'muted') },
      ], r.items));
    } catch (e) { clear(el).append(h('p', { class: 'error' }, errorText(e))); }
  }

  async function loadTasks(gateway, el) {
    try {
      const r = await get(`/api/gateways/${encodeURIComponent(gateway)}/tasks`);
      const open = task => { location.hash = task.kind === 'complaint' ? '#/complaints/' + task.ref : '#/problems/' + task.ref; };
      clear(el).append(table([
        { label: t('gw.task'), cell: x => [termOf('gw.taskKind', x.kind), ' ', v('#' + x.ref, { 'data-task': x.taskId })] },
        { label: t('gw.taskCategory'), optional: true, cell: x => termOf('category', x.category) },
        { label: t('gw.taskDescription'), optional: true, cell: x => v(x.description) },
        { label: t('gw.taskMembers'), optional: true, cell: x => v(x.members.join(', ')) },
        { label: t('gw.taskDeadline'), cell: x => x.deadline ? dateTime(x.deadline) : '' },
        { label: t('gw.taskState'), cell: x => x.kind === 'complaint' ? termOf('gw.complaintState', x.state) : termOf('state', x.state) },
        { label: t('gw.taskSteps'), cell: x => [x.steps.map(s => [termOf('steps.step', s), ' ']),
          x.refused ? badge([t('gw.taskRefused'), ' ', termOf('steps.step', x.refused.step), ': ', v(x.refused.reason)], 'bad') : null] },
      ], r.tasks, open));
    } catch (e) { clear(el).append(h('p', { class: 'muted' }, errorText(e))); }
  }

  let pending = null;
  const soon = () => { if (!pending) pending = setTimeout(() => { pending = null; load(); }, 300); };
  const stops = [onLive('gateway', soon), onLive('command', c => { if (c.gateway === selected) soon(); })];
  await load();
  return () => { stops.forEach(f => f()); clearTimeout(pending); };
}
