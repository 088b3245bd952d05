// 报表 (reports): the weekly report of a grid, its figures per village in a table, and the XLSX and CSV downloads the
// server writes (GET /api/reports/weekly).
import { get, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, clear, errorText, useStyles } from '../ui.js';
import { dateTime, isoWeek } from '../time.js';
import { gridsByCode } from './ledgers.js';

export async function render(root, { session }) {
  useStyles('pages/ledgers.css');
  const grids = await gridsByCode();
  // Grids a report can be asked for: the user's own first, then every grid it sees above village level.
  const choices = [...grids.values()].filter(g => g.level < 4 || g.code === session.grid);
  const filters = { grid: session.grid ?? choices[0]?.code ?? '', week: isoWeek() };
  const figures = h('div');
  const downloads = h('div', { class: 'downloads' });

  root.append(
    h('h1', null, t('reports.title')),
    h('div', { class: 'row card' },
      h('label', null, t('reports.grid'), h('select', { name: 'grid', onchange: e => { filters.grid = e.target.value; load(); } },
        choices.map(g => h('option', { value: g.code, selected: g.code === filters.grid ? true : null }, v(g.name))))),
      h('label', null, t('reports.week'), h('input', { type: 'week', name: 'week', value: filters.week, onchange: e => { if (e.target.value) { filters.week = e.target.value; load(); } } })),
      downloads),
    figures);

  function links() {
    const href = format => '/api/reports/weekly' + query({ grid: filters.grid, week: filters.week, format });
    downloads.replaceChildren(
      h('a', { href: href('xlsx'), download: '', 'data-format': 'xlsx' }, t('reports.xlsx')),
      h('a', { href: href('csv'), download: '', 'data-format': 'csv' }, t('reports.csv')));
  }

  const pair = (a, b) => `${a}/${b}`;
  async function load() {
    links();
    clear(figures).append(h('p', { class: 'muted' }, t('common.loading')));
    try {
      const r = await get('/api/compliance' + query({ grid: filters.grid, week: filters.week }));
      const met = ok => badge(t(ok ? 'reports.met' : 'reports.notMet'), ok ? 'ok' : 'bad');
      const rows = [...r.rows, { totals: true, ...r.totals, name: t('reports.totals') }];
      const tableEl = table([
        { label: t('reports.village'), cell: x => x.totals ? x.name : v(x.name, { title: x.grid }) },
        { label: t('reports.township'), optional: true, cell: x => x.totals ? '' : v(x.township ?? '') },
        { label: t('reports.members'), optional: true, cell: x => pair(x.activeMembers, x.members) },
        { label: t('reports.checkins'), cell: x => x.checkIns },
        { label: t('reports.patrols'), cell: x => x.patrolsRecorded !== undefined && x.patrolsRecorded !== x.patrols ? pair(x.patrols, x.patrolsRecorded) : x.patrols },
        { label: t('reports.patrolMet'), cell: x => x.totals ? pair(x.gridsPatrolMet, x.grids) : met(x.patrolMet) },
        { label: t('reports.keyPoints'), optional: true, cell: x => pair(x.keyPointsCovered, x.keyPoints) },
        { label: t('reports.province'), optional: true, cell: x => pair(x.provinceVisited, x.provinceEnterprises) },
        { label: t('reports.cityCounty'), optional: true, cell: x => pair(x.cityCountyVisited, x.cityCountyEnterprises) },
        { label: t('reports.otherEnterprises'), optional: true, cell: x => pair(x.otherVisited, x.otherEnterprises) },
        { label: t('reports.problems'), cell: x => [x.problemsReported, x.problemsOpen, x.problemsOverdue, x.problemsClosed].join(' / ') },
      ], rows);
      tableEl.querySelector('tbody tr:last-child')?.classList.add('totals');
      clear(figures).append(
        h('p', { class: 'muted' }, v(r.name), ' · ', v(r.week), ' · ', t('reports.period', { from: dateTime(r.periodFrom), to: dateTime(r.periodTo) }), ' · ', t('reports.due', { due: dateTime(r.dueAt) })),
        tableEl);
    } catch (e) { clear(figures).append(h('p', { class: 'error' }, errorText(e))); }
  }
  await load();
}
