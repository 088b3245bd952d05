// 信访举报 (complaints): the complaints of the user's grid with their response clock (按时 / 超时 / 待到达), filtered by grid
// and days; a complaint's page with its place, contact (township and up), what was done (答复, 回访) and the steps members
// took from their terminals; receiving a complaint (routed to the village of its place) for the roles that act on problems.
import { get, post, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, toast, errorText, useStyles } from '../ui.js';
import { dateTime } from '../time.js';
import { categories, gridsByCode, chinaDate, startOfChinaDate, chinaDateTimeLocal, withChinaOffset } from './ledgers.js';
import { taskSteps } from './task-steps.js';

const channels = ['phone', 'hotline', 'wechat', 'letter', 'upper_level'];
const responseTone = { met: 'ok', missed: 'bad', pending: 'warn' };
// The figures a township's row may carry, in the order shown; any the server does not send is left out.
const figureKeys = ['received', 'met', 'missed', 'pending', 'repeats', 'replied', 'visited', 'dissatisfied'];
const methods = ['phone', 'sms', 'letter', 'in_person'];
const satisfactions = ['satisfied', 'basically_satisfied', 'dissatisfied'];

export async function render(root, { session, params }) {
  useStyles('pages/ledgers.css');
  const grids = await gridsByCode();
  const grid = code => v(grids.get(code)?.name ?? code, { title: code, 'data-grid': code });
  if (params[0]) return detail(root, session, params[0], grid);
  return ledger(root, session, grids, grid);
}

function response(c) {
  return c.response ? badge(t('complaints.response.' + c.response), responseTone[c.response]) : '';
}

async function ledger(root, session, grids, grid) {
  const filters = { grid: '', from: chinaDate(-30), to: chinaDate(0) };
  const list = h('div', { class: 'complaint-list' });
  const figures = h('div');
  const change = name => e => { filters[name] = e.target.value; load(); };
  root.append(
    h('h1', null, t('nav.complaints')),
    session.permissions.includes('ActOnProblems') ? receiveForm(() => load()) : '',
    h('div', { class: 'row card' },
      h('label', null, t('complaints.filter.grid'), h('select', { name: 'grid', onchange: change('grid') },
        h('option', { value: '' }, t('common.all')),
        [...grids.values()].filter(g => g.level >= 3).map(g => h('option', { value: g.code, 'data-v': '' }, g.name)))),
      h('label', null, t('complaints.filter.from'), h('input', { type: 'date', name: 'from', value: filters.from, onchange: change('from') })),
      h('label', null, t('complaints.filter.to'), h('input', { type: 'date', name: 'to', value: filters.to, onchange: change('to') }))),
    list, figures);

  const columns = [
    { label: t('complaints.id'), cell: c => v(c.id) },
    { label: t('complaints.receivedAt'), cell: c => dateTime(c.receivedAt) },
    { label: t('complaints.channel'), optional: true, cell: c => termOf('complaints.channel', c.channel) },
    { label: t('complaints.category'), cell: c => termOf('category', c.category) },
    { label: t('complaints.grid'), cell: c => grid(c.grid) },
    { label: t('complaints.description'), optional: true, cell: c => v(c.description) },
    { label: t('complaints.response'), cell: c => [response(c), c.repeatOf ? [' ', badge(t('complaints.repeat'), 'info')] : null] },
    { label: t('complaints.dueAt'), optional: true, cell: c => c.dueAt ? dateTime(c.dueAt) : '' },
  ];
  async function load() {
    try {
      const page = await get('/api/complaints' + query({
        grid: filters.grid, from: filters.from ? startOfChinaDate(filters.from) : '', to: filters.to ? startOfChinaDate(filters.to, 1) : '', limit: 1000,
      }));
      clear(list).append(table(columns, page.items, c => { location.hash = '#/complaints/' + c.id; }));
    } catch (e) { clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }
  await Promise.all([load(), townshipFigures(figures, grid)]);
}

// The per-township figures of the response clock, when the server offers them (GET /api/complaints/figures).
async function townshipFigures(el, grid) {
  let r;
  try { r = await get('/api/complaints/figures'); } catch { return; }
  const rows = Array.isArray(r) ? r : r?.townships ?? r?.items;
  if (!Array.isArray(rows) || rows.length === 0) return;
  const keys = figureKeys.filter(k => rows.some(x => typeof x[k] === 'number'));
  el.append(h('h2', null, t('complaints.figures')), table([
    { label: t('complaints.township'), cell: x => x.name ? v(x.name, { title: x.township ?? x.grid }) : grid(x.township ?? x.grid) },
    ...keys.map(k => ({ label: t('complaints.figure.' + k), cell: x => x[k] ?? '' })),
  ], rows));
  // The missed ones of the week, each a link to its page (004: the response rule).
  if (Array.isArray(r.missed) && r.missed.length) el.append(h('h3', null, t('complaints.missedList')), table([
    { label: t('complaints.id'), cell: m => h('a', { href: '#/complaints/' + m.id }, v('#' + m.id)) },
    { label: t('complaints.grid'), cell: m => grid(m.grid) },
    { label: t('complaints.receivedAt'), cell: m => dateTime(m.receivedAt) },
    { label: t('complaints.dueAt'), cell: m => dateTime(m.dueAt) },
    { label: t('complaints.arrivedAt'), cell: m => m.arrivedAt ? dateTime(m.arrivedAt) : t('complaints.notArrived') },
  ], r.missed));
}

function receiveForm(done) {
  const input = (name, attrs = {}) => h('label', null, t('complaints.field.' + name),
    attrs.multiline ? h('textarea', { name, rows: 2, required: attrs.required ? true : null })
      : h('input', { name, type: attrs.type ?? 'text', required: attrs.required ? true : null, value: attrs.value ?? null, step: attrs.step ?? null }));
  const select = (name, group, values) => h('label', null, t('complaints.field.' + name),
    h('select', { name, required: true }, values.map(x => h('option', { value: x }, t(group + '.' + x)))));
  const status = h('p', { class: 'muted status' });
  const form = h('form', {
    class: 'card action-form', 'data-form': 'complaint',
    onsubmit: async e => {
      e.preventDefault();
      const f = new FormData(form);
      const text = name => (f.get(name) ?? '').toString().trim() || undefined;
      const number = name => text(name) === undefined ? undefined : Number(text(name));
      const contact = text('contactName') || text('contactPhone') ? { name: text('contactName'), phone: text('contactPhone') } : undefined;
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        const r = await post('/api/complaints', {
          receivedAt: withChinaOffset(text('receivedAt')), channel: text('channel'), category: text('category'), description: text('description'),
          address: text('address'), latitude: number('latitude'), longitude: number('longitude'), contact,
        });
        status.replaceChildren(t('complaints.received', { id: r.id }), ' ', v(r.grid),
          r.repeatOf ? [' · ', t('complaints.repeatOf'), ' ', v('#' + r.repeatOf)] : '');
        toast(t('complaints.received', { id: r.id }));
        form.reset();
        form.querySelector('input[name=receivedAt]').value = chinaDateTimeLocal(0);
        await done();
      } catch (err) { toast(errorText(err), 'bad'); }
      submit.disabled = false;
    },
  },
  h('h3', null, t('complaints.receive')),
  h('div', { class: 'row' },
    input('receivedAt', { type: 'datetime-local', required: true, value: chinaDateTimeLocal(0) }),
    select('channel', 'complaints.channel', channels),
    select('category', 'category', categories),
    input('description', { required: true, multiline: true }),
    input('address'),
    input('latitude', { type: 'number', step: 'any' }),
    input('longitude', { type: 'number', step: 'any' }),
    input('contactName'),
    input('contactPhone', { type: 'tel' })),
  h('button', { class: 'primary', type: 'submit', 'data-action': 'receive' }, t('complaints.receive')), status);
  return form;
}

async function detail(root, session, id, grid) {
  const back = h('p', null, h('a', { href: '#/complaints' }, t('complaints.back')));
  let c;
  try {
    c = await get('/api/complaints/' + encodeURIComponent(id));
  } catch (e) {
    root.append(back, h('h1', { class: 'error', 'data-error': String(e.status ?? '') }, errorText(e)));
    return;
  }
  const fact = (label, value) => h('div', { class: 'fact' }, h('span', { class: 'muted' }, label), value);
  const repeats = typeof c.repeats === 'number' ? c.repeats : 0;
  root.append(back,
    h('h1', null, t('nav.complaints'), ' ', v('#' + c.id), ' ', termOf('category', c.category), ' ', response(c)),
    h('div', { class: 'card problem-facts', 'data-complaint': c.id },
      fact(t('complaints.description'), v(c.description)),
      fact(t('complaints.grid'), grid(c.grid)),
      fact(t('complaints.receivedAt'), dateTime(c.receivedAt)),
      fact(t('complaints.channel'), termOf('complaints.channel', c.channel)),
      fact(t('complaints.receivedBy'), v(c.receivedBy)),
      c.address ? fact(t('complaints.field.address'), v(c.address)) : null,
      c.latitude !== null && c.latitude !== undefined ? fact(t('complaints.position'), v(`${c.latitude.toFixed(5)}, ${c.longitude.toFixed(5)}`)) : null,
      c.contact ? fact(t('complaints.contact'), v([c.contact.name, c.contact.phone].filter(Boolean).join(' '))) : null,
      c.dueAt ? fact(t('complaints.dueAt'), dateTime(c.dueAt)) : null,
      c.arrivedAt ? fact(t('complaints.arrivedAt'), dateTime(c.arrivedAt)) : null,
      c.repeatOf ? fact(t('complaints.repeatOf'), h('a', { href: '#/complaints/' + c.repeatOf }, v('#' + c.repeatOf))) : null,
      repeats > 0 ? fact(t('complaints.repeatCount'), v(String(repeats))) : null),
    Array.isArray(c.steps) ? h('section', { class: 'complaint-steps' }, h('h2', null, t('complaints.steps')), table([
      { label: t('steps.at'), cell: s => s.at ? dateTime(s.at) : '' },
      { label: t('complaints.step.by'), cell: s => v(s.by ?? '') },
      { label: t('complaints.step.kind'), cell: s => termOf('complaints.step', s.step) },
      { label: t('complaints.step.how'), cell: s => s.method ? termOf('complaints.method', s.method) : s.satisfaction ? termOf('complaints.satisfaction', s.satisfaction) : '' },
      { label: t('complaints.step.content'), cell: s => v(s.text ?? s.note ?? '') },
    ], c.steps)) : '',
    session.permissions.includes('AnswerComplaints') ? stepForms(c, () => { clear(root); return detail(root, session, id, grid); }) : '',
    h('h2', null, t('steps.title')),
    await taskSteps('complaint-' + c.id, m => v(m)));
}

// 答复 and 回访: the township records its reply to the complainant, then the follow-up visit (refused before a reply).
function stepForms(c, done) {
  const form = (kind, fields, body) => {
    const f = h('form', {
      class: 'card action-form', 'data-form': kind,
      onsubmit: async e => {
        e.preventDefault();
        const data = new FormData(f);
        const submit = f.querySelector('button[type=submit]');
        submit.disabled = true;
        try {
          await post(`/api/complaints/${c.id}/${kind}`, body(name => (data.get(name) ?? '').toString().trim() || undefined));
          toast(t('complaints.step.' + kind));
          await done();
        } catch (err) { toast(errorText(err), 'bad'); submit.disabled = false; }
      },
    }, h('h3', null, t('complaints.step.' + kind)), h('div', { class: 'row' }, fields),
    h('button', { class: 'primary', type: 'submit', 'data-action': kind }, t('complaints.step.' + kind)));
    return f;
  };
  const select = (name, group, values) => h('label', null, t('complaints.field.' + name),
    h('select', { name, required: true }, values.map(x => h('option', { value: x }, t(group + '.' + x)))));
  return h('section', { class: 'complaint-actions' },
    form('reply', [select('method', 'complaints.method', methods), h('label', null, t('complaints.field.text'), h('textarea', { name: 'text', rows: 2, required: true }))],
      text => ({ method: text('method'), text: text('text') })),
    form('visit', [select('satisfaction', 'complaints.satisfaction', satisfactions), h('label', null, t('complaints.field.note'), h('textarea', { name: 'note', rows: 2 }))],
      text => ({ satisfaction: text('satisfaction'), note: text('note') })));
}
