// 报表 (reports): a grid's report of a week, month, quarter, half-year or year — its figures per grid in a table, the XLSX and
// CSV downloads the server writes (GET /api/reports/{kind}), the submission of the report (审定上报, POST /api/reports/submissions)
// and the board of who has submitted the period (GET /api/reports/board).
import { get, post, query } from '../api.js';
import { t, language } from '../i18n.js';
import { h, v, table, badge, clear, errorText, toast, useStyles } from '../ui.js';
import { dateTime, isoWeek } from '../time.js';
import { gridsByCode } from './ledgers.js';

const kinds = ['week', 'month', 'quarter', 'half', 'year'];

// The latest labels of a kind (this one first): 2026-Q4, 2026-Q3 …; 2026-H2 …; 2026, 2025 ….
function recent(kind, now = new Date()) {
  const year = now.getFullYear(), month = now.getMonth() + 1;
  const labels = [];
  for (let i = 0; i < 8; i++) {
    if (kind === 'quarter') { const n = Math.floor((month - 1) / 3) - i; const y = year + Math.floor(n / 4); labels.push(`${y}-Q${((n % 4) + 4) % 4 + 1}`); }
    else if (kind === 'half') { const n = (month <= 6 ? 0 : 1) - i; const y = year + Math.floor(n / 2); labels.push(`${y}-H${((n % 2) + 2) % 2 + 1}`); }
    else labels.push(String(year - i));
  }
  return labels;
}

const thisMonth = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`; };

export async function render(root, { session }) {
  useStyles('pages/ledgers.css');
  const grids = await gridsByCode();
  // Grids a report can be asked for: the user's own first, then every grid it sees above village level.
  const choices = [...grids.values()].filter(g => g.level < 4 || g.code === session.grid);
  const filters = { grid: session.grid ?? choices[0]?.code ?? '', kind: 'week', period: isoWeek() };
  const maySubmit = session.permissions.includes('SubmitReports');
  const periodField = h('span');
  const downloads = h('div', { class: 'downloads' });
  const submitBox = h('div', { class: 'submit' });
  const figures = h('section', { class: 'figures' });
  const board = h('section', { class: 'board' });

  root.append(
    h('h1', null, t('reports.title')),
    h('div', { class: 'row card' },
      h('label', null, t('reports.grid'), h('select', { name: 'grid', onchange: e => { filters.grid = e.target.value; load(); } },
        choices.map(g => h('option', { value: g.code, selected: g.code === filters.grid ? true : null }, v(g.name))))),
      h('label', null, t('reports.kind'), h('select', { name: 'kind', onchange: e => { filters.kind = e.target.value; periodInput(); load(); } },
        kinds.map(k => h('option', { value: k }, t('reports.kind.' + k))))),
      periodField, downloads, submitBox),
    figures, board);

  function periodInput() {
    const set = value => { if (value) { filters.period = value; load(); } };
    let input;
    if (filters.kind === 'week') {
      filters.period = isoWeek();
      input = h('input', { type: 'week', name: 'week', value: filters.period, onchange: e => set(e.target.value) });
    } else if (filters.kind === 'month') {
      filters.period = thisMonth();
      input = h('input', { type: 'month', name: 'period', value: filters.period, onchange: e => set(e.target.value) });
    } else {
      const labels = recent(filters.kind);
      filters.period = labels[0];
      input = h('select', { name: 'period', onchange: e => set(e.target.value) }, labels.map(l => h('option', { value: l }, v(l))));
    }
    clear(periodField).append(h('label', null, filters.kind === 'week' ? t('reports.week') : t('reports.periodLabel'), input));
  }

  function links() {
    // The files follow the console's language switch: Chinese sheet names and headers, or English.
    const href = format => `/api/reports/${filters.kind}` + query({ grid: filters.grid, period: filters.period, format, lang: language() === 'en' ? 'en' : undefined });
    downloads.replaceChildren(
      h('a', { href: href('xlsx'), download: '', 'data-format': 'xlsx' }, t('reports.xlsx')),
      h('a', { href: href('csv'), download: '', 'data-format': 'csv' }, t('reports.csv')));
    const grid = grids.get(filters.grid);
    clear(submitBox);
    // A village's figures are in its township's report: only a township, county or city submits.
    if (maySubmit && grid && grid.level <= 3)
      submitBox.append(h('button', { type: 'button', name: 'submit', title: t('submit.confirm', { period: filters.period }), onclick: submit }, t('submit.button')));
  }

  async function submit(e) {
    e.target.disabled = true;
    try {
      const s = await post('/api/reports/submissions', { grid: filters.grid, period: filters.period });
      toast(t('submit.done', { period: s.period }), 'ok');
    } catch (err) { toast(errorText(err), 'bad'); }
    e.target.disabled = false;
    await loadBoard();
  }

  const pair = (a, b) => `${a}/${b}`;
  async function loadFigures() {
    clear(figures).append(h('p', { class: 'muted' }, t('common.loading')));
    try {
      const r = await get('/api/compliance' + query({ grid: filters.grid, period: filters.period }));
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
        h('p', { class: 'muted' }, v(r.name), ' · ', v(r.label), ' · ', t('reports.period', { from: dateTime(r.periodFrom), to: dateTime(r.periodTo) }), ' · ', t('reports.due', { due: dateTime(r.dueAt) })),
        tableEl);
    } catch (e) { clear(figures).append(h('p', { class: 'error' }, errorText(e))); }
  }

  async function loadBoard() {
    try {
      const b = await get('/api/reports/board' + query({ grid: filters.grid, period: filters.period }));
      const state = s => badge(t('board.' + s), s === 'submitted' ? 'ok' : s === 'overdue' ? 'bad' : 'muted');
      clear(board).append(
        h('h2', null, t('board.title')),
        h('p', { class: 'muted' }, v(b.period), ' · ', t('reports.due', { due: dateTime(b.dueAt) }), ' · ', t('board.summary', { submitted: b.submitted, missing: b.missing })),
        b.rows.length === 0 ? h('p', { class: 'muted' }, t('board.none')) : table([
          { label: t('board.grid'), cell: x => v(x.name, { title: x.grid }) },
          { label: t('board.state'), cell: x => h('span', { 'data-state': x.state }, state(x.state)) },
          { label: t('board.by'), cell: x => x.submittedBy ? v(x.submittedBy) : '' },
          { label: t('board.at'), optional: true, cell: x => x.submittedAt ? dateTime(x.submittedAt) : '' },
          { label: t('board.late'), cell: x => x.late ? badge(t('board.late'), 'bad') : '' },
        ], b.rows));
    } catch (e) { clear(board).append(h('p', { class: 'error' }, errorText(e))); }
  }

  async function load() {
    links();
    await Promise.all([loadFigures(), loadBoard()]);
  }
  periodInput();
  await load();
}
