// 告警 (alerts): open ones first with severity, kind and the values that raised them; an alert's readings around it;
// acknowledging from the page (a command to the gateway, whose answer shows here); response times against the rule.
import { get, post, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, toast, errorText } from '../ui.js';
import { dateTime, isoWeek } from '../time.js';
import { timeChart } from '../chart.js';
import { onLive } from '../live.js';

const severityTone = { critical: 'bad', warning: 'warn', info: 'info' };
const stateTone = { raised: 'bad', acknowledged: 'warn', cleared: 'ok' };

export async function render(root, { session }) {
  const canAcknowledge = session.permissions.includes('SendCommands');
  const filters = { state: 'open', kind: '', severity: '' };
  const list = h('div');
  const detail = h('div');
  const figures = h('div');

  const select = (name, options) => h('label', null, t('alerts.filter.' + name),
    h('select', { name, onchange: e => { filters[name] = e.target.value; load(); } },
      options.map(o => h('option', { value: o.value, selected: filters[name] === o.value ? true : null }, o.label))));

  root.append(
    h('h1', null, t('nav.alerts')),
    h('div', { class: 'row card' },
      select('state', [{ value: 'open', label: t('alerts.open') }, { value: 'all', label: t('common.all') }, { value: 'closed', label: t('alerts.closed') }]),
      select('kind', [{ value: '', label: t('common.all') }, ...['dust', 'straw_burning', 'sensor_fault'].map(k => ({ value: k, label: t('kind.' + k) }))]),
      select('severity', [{ value: '', label: t('common.all') }, ...['critical', 'warning', 'info'].map(k => ({ value: k, label: t('severity.' + k) }))])),
    list, detail,
    h('h2', null, t('alerts.responseTimes')), figures);

  async function load() {
    try {
      const page = await get('/api/alerts' + query({ state: filters.state, kind: filters.kind, severity: filters.severity, limit: 200 }));
      clear(list).append(table([
        { label: t('alerts.severity'), cell: a => badge(t('severity.' + a.severity), severityTone[a.severity]) },
        { label: t('alerts.kind'), cell: a => t('kind.' + a.kind) },
        { label: t('alerts.gateway'), cell: a => v(a.gateway) },
        { label: t('alerts.rule'), optional: true, cell: a => v(a.rule) },
        { label: t('alerts.values'), optional: true, cell: a => [v(a.sensor), ' ', termOf('quantity', a.quantity), ': ', a.values.map(x => v(`${x.name} ${x.value}`))] },
        { label: t('alerts.opened'), cell: a => dateTime(a.openedAt) },
        { label: t('alerts.state'), cell: a => badge(t('alertState.' + a.state), stateTone[a.state]) },
        { label: t('alerts.acknowledgedBy'), optional: true, cell: a => a.acknowledgedBy ? v(a.acknowledgedBy) : '' },
        { label: t('alerts.response'), optional: true, cell: a => a.responseMinutes !== null ? t('common.minutes', { n: a.responseMinutes }) : '' },
      ], page.items, show));
    } catch (e) { clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }

  async function show(alert) {
    clear(detail).append(h('div', { class: 'card', 'data-alert': alert.alertId },
      h('h2', null, t('kind.' + alert.kind), ' · ', v(alert.gateway), ' · ', dateTime(alert.openedAt)),
      h('p', null, t('alerts.rule'), ': ', v(alert.rule), ' · ', t('alerts.values'), ': ', alert.values.map(x => v(`${x.name} ${x.value} `))),
      h('div', { class: 'chart-slot' }, t('common.loading')),
      canAcknowledge && !alert.acknowledgedAt && !alert.clearedAt ? acknowledgeButton(alert) : null,
      h('p', { class: 'answer muted' })));
    const from = new Date(new Date(alert.openedAt).getTime() - 3600000), to = new Date((alert.clearedAt ? new Date(alert.clearedAt) : new Date()).getTime() + 1800000);
    try {
      const readings = await get('/api/readings' + query({ gateway: alert.gateway, quantity: alert.quantity, sensor: alert.sensor, from: from.toISOString(), to: to.toISOString(), limit: 1000 }));
      const points = readings.items.map(r => ({ t: r.timestamp, v: r.window ? r.window.avg : r.value, min: r.window?.min, max: r.window?.max }));
      const marks = [{ t: alert.openedAt, label: t('alertState.raised') }];
      if (alert.clearedAt) marks.push({ t: alert.clearedAt, label: t('alertState.cleared'), color: '#1f8a4c' });
      detail.querySelector('.chart-slot').replaceChildren(points.length
        ? timeChart({ points, from, to, marks, gapMs: 5 * 60000, unit: readings.items[0]?.unit, label: t('alerts.chart') })
        : h('p', { class: 'muted' }, t('readings.none')));
    } catch (e) { detail.querySelector('.chart-slot').replaceChildren(h('p', { class: 'error' }, errorText(e))); }
  }

  function acknowledgeButton(alert) {
    return h('button', {
      class: 'primary', type: 'button', 'data-action': 'acknowledge',
      onclick: async e => {
        e.target.disabled = true;
        const answer = detail.querySelector('.answer');
        try {
          const sent = await post(`/api/alerts/${encodeURIComponent(alert.gateway)}/${encodeURIComponent(alert.alertId)}/acknowledge`);
          answer.textContent = t('alerts.sent');
          awaitAnswer(alert.gateway, sent.commandId, answer);
        } catch (err) { e.target.disabled = false; toast(errorText(err), 'bad'); }
      },
    }, t('alerts.acknowledge'));
  }

  // The gateway's answer: from the live feed, or from the command list should the feed be late.
  function awaitAnswer(gateway, commandId, el) {
    const shown = result => {
      el.className = 'answer';
      el.replaceChildren(badge(t('outcome.' + result.outcome), result.outcome === 'ok' ? 'ok' : 'bad'), ' ', t('alerts.answer'), ': ', v(result.detail));
      stop(); clearInterval(poll); load();
    };
    const stop = onLive('command', c => { if (c.commandId === commandId) shown(c); });
    const poll = setInterval(async () => {
      const commands = await get(`/api/gateways/${encodeURIComponent(gateway)}/commands?limit=20`).catch(() => null);
      const found = commands?.items.find(c => c.commandId === commandId && c.result);
      if (found) shown(found.result);
    }, 3000);
    cleanups.push(() => { stop(); clearInterval(poll); });
  }

  async function loadFigures() {
    try {
      const week = isoWeek();
      const r = await get('/api/alerts/response-times' + query({ week }));
      clear(figures).append(
        h('p', { class: 'muted' }, t('alerts.rule.text', { working: r.rule.workingHoursLimitMinutes, other: r.rule.otherLimitMinutes, hours: r.rule.workingHours, week })),
        table([
          { label: t('alerts.gateway'), cell: f => v(f.gateway) },
          { label: t('alerts.count'), cell: f => f.count },
          { label: t('alerts.met'), cell: f => f.met },
          { label: t('alerts.missed'), cell: f => f.missed ? badge(String(f.missed), 'bad') : '0' },
          { label: t('alerts.pending'), cell: f => f.pending },
          { label: t('alerts.median'), optional: true, cell: f => f.medianMinutes !== null ? t('common.minutes', { n: f.medianMinutes }) : '' },
        ], r.items));
    } catch (e) { clear(figures).append(h('p', { class: 'error' }, errorText(e))); }
  }

  const cleanups = [];
  let pending = null;
  // A new or changed alert anywhere in the user's grid: the list again, at most once a second.
  cleanups.push(onLive('alert', () => { if (!pending) pending = setTimeout(() => { pending = null; load(); loadFigures(); }, 300); }));
  await Promise.all([load(), loadFigures()]);
  return () => { cleanups.forEach(f => f()); clearTimeout(pending); };
}
