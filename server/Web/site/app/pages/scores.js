// 考核计分 (the assessment scores): a period's ranking of the grids under a score sheet (003's 百分制 for townships and
// counties, 002's 12-point village sheet), one grid's items with each deduction and the records that caused it (links to
// the problems and complaints), publishing a period's scores (county and city officials), and the registers the ledgers
// cannot compute (联席会议, 培训, 督查) with their evidence.
import { get, post, query } from '../api.js';
import { t, language } from '../i18n.js';
import { h, v, table, badge, clear, toast, errorText, useStyles } from '../ui.js';
import { gridsByCode, chinaDate } from './ledgers.js';

const levelName = { 1: 'city', 2: 'county', 3: 'township', 4: 'village' };
const gradeTone = { excellent: 'ok', good: 'ok', pass: 'warn', fail: 'bad' };
const registerKinds = ['meeting', 'training', 'supervision'];

// The quarter holding today in China time, as the API labels it: 2026-Q4.
function currentQuarter() {
  const [year, month] = chinaDate(0).split('-').map(Number);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

export async function render(root, { session, params }) {
  useStyles('pages/scores.css');
  const [gridParam, periodParam, sheetParam] = params.map(decodeURIComponent);
  const grids = await gridsByCode();
  const sheets = await get('/api/scores/sheets').catch(() => []);
  const scope = session.grid ?? [...grids.values()].find(g => g.level === 2)?.code ?? [...grids.keys()][0];
  const state = { period: periodParam || currentQuarter(), sheet: sheetParam || '', grid: gridParam || null };
  const name = code => grids.get(code)?.name ?? code;

  const ranking = h('div', { class: 'score-ranking' });
  const detail = h('div', { class: 'score-detail' });
  const registers = h('div', { class: 'score-registers' });
  const canPublish = session.permissions.includes('PublishScores');
  const canKeep = session.permissions.includes('KeepRegisters');

  const form = h('form', {
    class: 'card row', 'data-form': 'scores',
    onsubmit: e => {
      e.preventDefault();
      const f = Object.fromEntries(new FormData(form).entries());
      location.hash = ['#/scores', encodeURIComponent(state.grid ?? ''), encodeURIComponent(f.period.trim()), encodeURIComponent(f.sheet)].join('/');
    },
  },
  h('label', null, t('scores.period'), h('input', { name: 'period', value: state.period, required: true, pattern: '\\d{4}(-Q[1-4]|-H[12]|-\\d{2}|-W\\d{2})?', placeholder: '2026-Q4' })),
  h('label', null, t('scores.sheet'), h('select', { name: 'sheet' },
    h('option', { value: '' }, t('scores.sheetDefault')),
    sheets.map(s => h('option', { value: s.id, selected: s.id === state.sheet, 'data-v': '' }, sheetName(s))))),
  h('button', { class: 'primary', type: 'submit', 'data-action': 'show' }, t('scores.show')));

  async function load() {
    let report;
    try {
      report = await get('/api/scores' + query({ grid: scope, period: state.period, sheet: state.sheet }));
    } catch (e) { clear(ranking).append(h('p', { class: 'error' }, errorText(e))); return; }
    const published = report.published
      ? h('p', { class: 'published', 'data-published': report.published.sha256 }, badge(t('scores.published'), 'ok'), ' ',
        v(report.published.by), ' ', v(report.published.at), ' ', h('code', null, v(report.published.sha256.slice(0, 16))))
      : h('p', { class: 'muted' }, t('scores.live'),
        canPublish ? h('button', { type: 'button', 'data-action': 'publish', onclick: () => publish(report) }, t('scores.publish')) : '');
    clear(ranking).append(h('div', { class: 'card' },
      h('h2', null, t('scores.ranking'), ' ', v(report.label), ' · ', v(report.sheetName)),
      h('p', { class: 'muted' }, v(report.source)),
      published,
      table([
        { label: t('scores.rank'), cell: r => String(r.rank) },
        { label: t('scores.grid'), cell: r => v(r.name, { title: r.grid, 'data-grid': r.grid }) },
        { label: t('scores.level'), optional: true, cell: r => t('level.' + levelName[r.level]) },
        { label: t('scores.total'), cell: r => h('strong', { 'data-total': r.grid }, String(r.total)) },
        { label: t('scores.grade'), cell: r => badge(t('scores.grade.' + r.grade), gradeTone[r.grade]) },
      ], report.ranking, r => {
        location.hash = ['#/scores', encodeURIComponent(r.grid), encodeURIComponent(state.period), encodeURIComponent(state.sheet)].join('/');
      })));
    const row = report.rows.find(r => r.grid === state.grid) ?? (state.grid ? null : report.rows[0]);
    clear(detail).append(row ? gridDetail(row) : '');
  }

  async function publish(report) {
    try {
      await post('/api/scores/publish', { grid: report.grid, period: report.label, sheet: report.sheet });
      toast(t('scores.published'));
      await load();
    } catch (e) { toast(errorText(e), 'bad'); }
  }

  async function loadRegisters() {
    try {
      const entries = await get('/api/scores/registers/all' + query({ grid: scope, period: state.period }));
      clear(registers).append(h('div', { class: 'card' }, h('h2', null, t('scores.registers')),
        canKeep ? registerForm(grids, async () => { await loadRegisters(); await load(); }) : '',
        table([
          { label: t('scores.register.kind'), cell: e => t('scores.register.' + e.kind) },
          { label: t('scores.register.date'), cell: e => v(e.date) },
          { label: t('scores.grid'), cell: e => v(name(e.grid), { title: e.grid }) },
          { label: t('scores.register.attendees'), optional: true, cell: e => v(e.attendees.join('、')) },
          { label: t('scores.register.minutes'), cell: e => v(e.minutes, { 'data-register': e.id }) },
          { label: t('scores.register.photo'), optional: true, cell: e => e.photoSha256 ? h('code', null, v(e.photoSha256.slice(0, 12))) : '' },
        ], entries)));
    } catch (e) { clear(registers).append(h('p', { class: 'error' }, errorText(e))); }
  }

  root.append(h('h1', null, t('nav.scores')), form, ranking, detail, registers);
  await Promise.all([load(), loadRegisters()]);
}

function sheetName(s) { return language() === 'en' && s.nameEn ? s.nameEn : s.name; }

// One grid's items: points of maximum, and under each rule what it counted, with links to the records.
function gridDetail(row) {
  return h('div', { class: 'card', 'data-score': row.grid },
    h('h2', null, v(row.name, { title: row.grid }), ' ', h('strong', null, `${row.total} / ${row.max}`), ' ',
      badge(t('scores.grade.' + row.grade), gradeTone[row.grade])),
    row.items.map(item => h('div', { class: 'score-item', 'data-item': item.id },
      h('h3', null, v(sheetName(item)), ' ', h('span', { class: 'points' }, `${item.points} / ${item.max}`),
        item.bonus ? [' ', badge(t('scores.bonus'), 'ok')] : '', item.computed ? '' : [' ', badge(t('scores.onSite'))]),
      item.rules.length === 0 ? '' : h('ul', null, item.rules.map(rule => h('li', { 'data-rule': rule.kind },
        t('scores.rule.' + rule.kind), rule.register ? [' (', t('scores.register.' + rule.register), ')'] : '', ': ',
        h('span', { class: rule.points < 0 ? 'deduct' : rule.points > 0 ? 'add' : 'muted' }, `${rule.points > 0 ? '+' : ''}${rule.points}`),
        ' ', t('scores.count', { n: rule.count }),
        rule.records.length ? h('span', { class: 'records' }, ' ', rule.records.slice(0, 50).map(record => [recordLink(record), ' ']),
          rule.records.length > 50 ? t('scores.more', { n: rule.records.length - 50 }) : '') : ''))))));
}

function recordLink(record) {
  const href = record.type === 'problem' ? '#/problems/' + encodeURIComponent(record.id)
    : record.type === 'complaint' ? '#/complaints/' + encodeURIComponent(record.id) : null;
  const label = record.type === 'grid-week' ? record.detail : record.type === 'register' ? '#' + record.id : record.type === 'grid' ? record.id
    : record.type === 'week' ? record.id : '#' + record.id;
  return href ? h('a', { href, 'data-record': record.type + ':' + record.id }, v(label))
    : h('span', { class: 'record', 'data-record': record.type + ':' + record.id }, v(label));
}

function registerForm(grids, done) {
  const error = h('p', { class: 'error' });
  const form = h('form', {
    class: 'row', 'data-form': 'register',
    onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      const f = new FormData(form);
      try {
        const photo = f.get('photo');
        const photoSha256 = photo && photo.size ? [...new Uint8Array(await crypto.subtle.digest('SHA-256', await photo.arrayBuffer()))]
          .map(b => b.toString(16).padStart(2, '0')).join('') : undefined;
        await post('/api/scores/registers/' + f.get('kind'), {
          date: f.get('date'), grid: f.get('grid'), minutes: String(f.get('minutes')).trim(), photoSha256,
          attendees: String(f.get('attendees')).split(/[,，、\n]/).map(s => s.trim()).filter(Boolean),
        });
        toast(t('scores.register.saved'));
        form.reset();
        await done();
      } catch (err) { error.textContent = errorText(err); }
    },
  },
  h('label', null, t('scores.register.kind'), h('select', { name: 'kind' }, registerKinds.map(k => h('option', { value: k }, t('scores.register.' + k))))),
  h('label', null, t('scores.register.date'), h('input', { name: 'date', type: 'date', required: true, value: chinaDate(0) })),
  h('label', null, t('scores.grid'), h('select', { name: 'grid', required: true },
    [...grids.values()].filter(g => g.level >= 2).map(g => h('option', { value: g.code, 'data-v': '' }, g.name)))),
  h('label', null, t('scores.register.attendees'), h('input', { name: 'attendees', required: true, placeholder: t('scores.register.attendeesHint') })),
  h('label', { class: 'wide' }, t('scores.register.minutes'), h('textarea', { name: 'minutes', required: true, maxlength: 8000, rows: 3 })),
  h('label', null, t('scores.register.photo'), h('input', { name: 'photo', type: 'file', accept: 'image/*' })),
  h('button', { class: 'primary', type: 'submit', 'data-action': 'register' }, t('scores.register.add')),
  error);
  return form;
}
