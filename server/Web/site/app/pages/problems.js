// 问题台账 (the problem ledger): problems by state, category, grid, or overdue, 100 at a time; a problem's page with its
// photos, its handling record (who, when, what) and the transitions the user's role may make in its state: 交办, 移交移送,
// 整改计划 (五定), 整改 with a photo, 核查, 销号; a department's 受理, 退回 and 反馈 of a problem transferred to it, the two
// closes (双销号) and the major flag (重大问题); the printable transfer form, an alert's chart, the steps members took
// from their terminals. Each is signed by the signed-in user (the server records who).
import { get, post, request, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, toast, errorText, useStyles } from '../ui.js';
import { taskSteps } from './task-steps.js';
import { dateTime } from '../time.js';
import { categories, gridsByCode, membersById, chinaDateTimeLocal, withChinaOffset } from './ledgers.js';

const states = ['reported', 'assigned', 'transferred', 'planned', 'rectified', 'verified', 'closed'];
const stateTone = { reported: 'bad', assigned: 'warn', transferred: 'warn', planned: 'info', rectified: 'info', verified: 'ok', closed: 'muted' };
// Which transition may start from which state (server/Problems/ProblemLifecycle.cs), and the permission it needs.
const transitions = [
  { action: 'assign', from: ['reported', 'assigned', 'transferred'], permission: 'ActOnProblems' },
  { action: 'transfer', from: ['reported', 'assigned', 'transferred'], permission: 'ActOnProblems' },
  { action: 'plan', from: ['assigned', 'transferred', 'planned'], permission: 'ActOnProblems' },
  { action: 'rectify', from: ['reported', 'assigned', 'transferred', 'planned'], permission: 'ActOnProblems' },
  { action: 'verify', from: ['rectified'], permission: 'ActOnProblems' },
  // 双销号: the township closes its part, the department (which reported back) its own; the last of the two closes the problem.
  { action: 'close', from: ['verified'], permission: 'CloseProblems', when: (p, s) => s.role === 'department'
    ? p.handling?.reportedBackAt && !p.handling?.departmentClosedAt : !p.handling?.townshipClosedAt },
  { action: 'accept', from: ['transferred'], permission: 'HandleTransfers', when: p => !p.handling?.acceptedAt },
  { action: 'report', from: ['transferred'], permission: 'HandleTransfers', when: p => p.handling?.acceptedAt },
  { action: 'return', from: ['transferred'], permission: 'HandleTransfers' },
  { action: 'major', from: ['reported', 'assigned', 'transferred', 'planned', 'rectified', 'verified'], permission: 'FlagMajor', when: p => !p.handling?.major },
];
const maxPhoto = 10 * 1024 * 1024;

export async function render(root, { session, params }) {
  useStyles('pages/ledgers.css');
  // Grid and member names arrive beside the list, not before it: the first rows show at once, named when they come.
  const grids = new Map(), members = new Map();
  let loading = null;
  const lookups = () => loading ??= Promise.all([gridsByCode(), membersById()]).then(([g, m]) => {
    for (const [k, x] of g) grids.set(k, x);
    for (const [k, x] of m) members.set(k, x);
  });
  const names = { grid: code => v(grids.get(code)?.name ?? code, { title: code }), member: id => v(members.get(id)?.name ?? id) };
  if (params[0]) { await lookups(); return detail(root, session, params[0], names); }
  return ledger(root, grids, names, lookups);
}

function ledger(root, grids, names, lookups) {
  const filters = { state: '', category: '', grid: '', overdue: false, major: false, escalated: false };
  const list = h('div', { class: 'problem-list' });
  const select = (name, options) => h('label', null, t('problems.filter.' + name),
    h('select', { name, onchange: e => { filters[name] = e.target.value; load(); } },
      h('option', { value: '' }, t('common.all')), options.map(o => h('option', { value: o.value }, o.label))));
  let redraw = () => {};
  const gridFilter = select('grid', []);
  // Asked for once the first rows are drawn, so they do not compete with the list for the server.
  let namedOnce = null;
  const named = () => namedOnce ??= lookups().then(() => {
    gridFilter.querySelector('select').append(...[...grids.values()].map(g => h('option', { value: g.code, 'data-v': '' }, g.name)));
    redraw();
  });
  root.append(
    h('h1', null, t('nav.problems')),
    h('div', { class: 'row card' },
      select('state', states.map(s => ({ value: s, label: t('state.' + s) }))),
      select('category', categories.map(c => ({ value: c, label: t('category.' + c) }))),
      gridFilter,
      ['overdue', 'major', 'escalated'].map(name => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, onchange: e => { filters[name] = e.target.checked; load(); } }), t('problems.filter.' + name)))),
    list);

  const open = p => { location.hash = '#/problems/' + p.id; };
  const columns = [
    { label: t('problems.id'), cell: p => v(p.id) },
    { label: t('problems.reportedAt'), cell: p => dateTime(p.reportedAt) },
    { label: t('problems.category'), cell: p => p.category ? termOf('category', p.category) : '' },
    { label: t('problems.grid'), optional: true, cell: p => names.grid(p.gridCode ?? p.grid) },
    { label: t('problems.description'), cell: p => v(p.description ?? '') },
    { label: t('problems.member'), optional: true, cell: p => p.memberId ? names.member(p.memberId) : '' },
    { label: t('problems.state'), cell: p => [badge(t('state.' + p.state), stateTone[p.state]), markers(p)] },
    { label: t('problems.deadline'), optional: true, cell: p => p.deadline ? dateTime(p.deadline) : '' },
  ];

  let generation = 0, firstDrawn = false;
  async function load() {
    const mine = ++generation;
    clear(list).append(h('p', { class: 'muted' }, t('common.loading')));
    try {
      if (filters.overdue) {
        // Overdue problems carry only their lifecycle fields; the filters other than grid do not apply to them.
        const overdue = await get('/api/problems/overdue' + query({ grid: filters.grid, limit: 1000 }));
        if (mine === generation) clear(list).append(table(columns, overdue.items, open));
        return;
      }
      const rows = [];
      let cursor = null;
      const more = h('button', { type: 'button', 'data-action': 'more', onclick: () => page() }, t('common.more'));
      const count = h('span', { class: 'muted' });
      const slot = h('div');
      clear(list).append(slot, h('div', { class: 'row' }, count, more));
      async function page() {
        more.disabled = true;
        try {
          // The county's escalation list (重大问题 of the subtree) takes only the grid; the ledger every filter.
          const got = await get(filters.escalated ? '/api/problems/escalated' + query({ grid: filters.grid, limit: 100, cursor })
            : '/api/problems' + query({ state: filters.state, category: filters.category, grid: filters.grid, major: filters.major ? 'true' : '', limit: 100, cursor }));
          if (mine !== generation) return;
          rows.push(...got.items);
          cursor = got.nextCursor;
          redraw = () => slot.replaceChildren(table(columns, rows, open));
          redraw();
          if (!firstDrawn) { firstDrawn = true; performance.mark('gridedge:first'); named(); }
          count.textContent = t('problems.shown', { n: rows.length });
          more.hidden = !cursor;
        } catch (e) { toast(errorText(e), 'bad'); }
        more.disabled = false;
      }
      await page();
    } catch (e) { if (mine === generation) clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }
  load().finally(() => named());
}

async function detail(root, session, id, names) {
  const back = h('p', null, h('a', { href: '#/problems' }, t('problems.back')));
  let problem;
  try {
    problem = await get('/api/problems/' + encodeURIComponent(id));
  } catch (e) {
    root.append(back, h('h1', { class: 'error', 'data-error': String(e.status ?? '') }, errorText(e)));
    return;
  }
  const allowed = transitions.filter(x => session.permissions.includes(x.permission) && x.from.includes(problem.state) && (!x.when || x.when(problem, session)));
  const departments = allowed.some(x => x.action === 'transfer') ? await transferChoices(problem) : null;
  const handling = problem.handling ?? {};
  const transferred = problem.events.some(e => e.action === 'transfer');
  const departmentName = [...problem.events].reverse().find(e => e.action === 'transfer')?.detail?.departmentName;
  const photos = [...new Set([...problem.attachments, ...problem.events.flatMap(e => e.detail?.attachments ?? [])])];
  const reload = () => { clear(root); detail(root, session, id, names); };

  root.append(back,
    h('h1', null, t('nav.problems'), ' ', v('#' + problem.id), ' ', termOf('category', problem.category), ' ',
      badge(t('state.' + problem.state), stateTone[problem.state]), markers(problem)),
    h('div', { class: 'card problem-facts' },
      fact(t('problems.description'), v(problem.description)),
      fact(t('problems.grid'), names.grid(problem.gridCode)),
      fact(t('problems.member'), names.member(problem.memberId)),
      fact(t('problems.reportedAt'), dateTime(problem.reportedAt)),
      problem.address ? fact(t('problems.address'), v(problem.address)) : null,
      fact(t('problems.position'), v(`${problem.latitude.toFixed(5)}, ${problem.longitude.toFixed(5)}`)),
      problem.assignee || problem.department ? fact(t('problems.handler'), v(problem.assignee ?? departmentName ?? problem.department)) : null,
      problem.deadline ? fact(t('problems.deadline'), dateTime(problem.deadline)) : null,
      fact(t('problems.source'), t('problems.source.' + (problem.source ?? 'terminal'))),
      handling.major ? fact(t('problems.majorReason'), v(handling.majorReason ?? '')) : null,
      ['acceptedAt', 'reportedBackAt', 'townshipClosedAt', 'departmentClosedAt', 'closedAt', 'majorAt', 'finishedAt', 'finishDeadline']
        .filter(k => handling[k]).map(k => fact(t('problems.handling.' + k), dateTime(handling[k]))),
      typeof handling.lateHours === 'number' && handling.lateHours > 0 ? fact(t('problems.handling.lateHours'), t('problems.hours', { n: handling.lateHours })) : null,
      transferred ? fact(t('problems.transferForm'), h('a', { href: `/api/problems/${problem.id}/transfer-form`, target: '_blank', rel: 'noopener', 'data-link': 'transfer-form' },
        t('problems.transferForm.open'))) : null),
    problem.source === 'alert' ? alertFigures(problem) : '',
    h('h2', null, t('problems.photos')),
    photos.length
      ? h('div', { class: 'photos' }, photos.map(sha => h('a', { href: '/api/attachments/' + sha, target: '_blank', rel: 'noopener' },
        h('img', { src: '/api/attachments/' + sha, alt: sha.slice(0, 12), loading: 'lazy', 'data-sha256': sha }))))
      : h('p', { class: 'muted' }, t('problems.noPhotos')),
    h('h2', null, t('problems.plan'), ' ', h('small', { class: 'muted' }, t('problems.plan.note'))),
    planTable(problem.plan),
    h('h2', null, t('problems.events')),
    h('div', { class: 'events' }, table([
      { label: t('problems.event.at'), cell: e => dateTime(e.at) },
      { label: t('problems.event.by'), cell: e => e.n === 0 ? names.member(e.by) : v(e.by, { class: 'by' }) },
      { label: t('problems.event.action'), cell: e => termOf('problems.action', e.action) },
      { label: t('problems.event.states'), optional: true, cell: e => [e.fromState ? t('state.' + e.fromState) + ' → ' : '', t('state.' + e.toState)] },
      { label: t('problems.event.detail'), cell: e => eventDetail(e.detail) },
    ], problem.events)),
    h('h2', null, t('steps.title')),
    await taskSteps('problem-' + problem.id, names.member),
    h('div', { class: 'actions' }, allowed.length
      ? allowed.map(x => actionForm(x.action, problem, reload, { session, departments }))
      : h('p', { class: 'muted' }, t('problems.noActions'))));
}

// The marks beside a problem's state: flagged major (重大问题), opened by an alert, critical (a fire point in a straw-burning ban).
function markers(p) {
  return [p.handling?.major ? [' ', badge(t('problems.major'), 'bad')] : null, p.source === 'alert' ? [' ', badge(t('problems.source.alert'), 'info')] : null,
    p.critical ? [' ', badge(t('problems.critical'), 'bad')] : null];
}

// The alert that opened the problem: its figures, and its readings around it as the server charts them (same-origin SVG).
function alertFigures(problem) {
  const a = problem.alert ?? {};
  return h('section', { class: 'alert-figures' }, h('h2', null, t('problems.alert')),
    h('div', { class: 'card problem-facts' },
      a.kind ? fact(t('problems.alert.kind'), termOf('kind', a.kind)) : null,
      a.severity ? fact(t('problems.alert.severity'), termOf('severity', a.severity)) : null,
      a.gateway ? fact(t('problems.alert.source'), v([a.gateway, a.sensor].filter(Boolean).join(' / '))) : null,
      typeof a.value === 'number' ? fact(t('problems.alert.value'), v(`${a.value}${a.unit ? ' ' + a.unit : ''}`)) : null,
      typeof a.threshold === 'number' ? fact(t('problems.alert.threshold'), v(`${a.threshold}${a.unit ? ' ' + a.unit : ''}`)) : null,
      a.at ? fact(t('problems.alert.at'), dateTime(a.at)) : null),
    h('img', { class: 'alert-chart', src: `/api/problems/${problem.id}/chart.svg`, alt: t('problems.alert.chart'), 'data-chart': problem.id }));
}

// The departments a transfer may go to (those serving the problem's county and city) and the one the register routes its category to.
async function transferChoices(problem) {
  const [list, routed] = await Promise.all([
    get('/api/departments' + query({ grid: problem.gridCode })).catch(() => []),
    get('/api/departments/route' + query({ grid: problem.gridCode, category: problem.category })).catch(() => null),
  ]);
  return { list, routed: routed?.id ?? null };
}

function fact(label, value) { return h('div', { class: 'fact' }, h('span', { class: 'muted' }, label), value); }

function planTable(plan) {
  if (!plan) return h('p', { class: 'muted' }, t('common.none'));
  return h('dl', { class: 'card plan' },
    h('dt', null, t('problems.field.owner')), h('dd', null, v(plan.owner)),
    h('dt', null, t('problems.field.measures')), h('dd', null, v(plan.measures)),
    h('dt', null, t('problems.field.planDeadline')), h('dd', null, dateTime(plan.deadline)),
    h('dt', null, t('problems.field.goal')), h('dd', null, v(plan.goal)));
}

// What a transition carried, as label: value pairs (photos by count; deadlines in China time).
function eventDetail(detail) {
  if (!detail || typeof detail !== 'object') return '';
  const fields = ['assignee', 'departmentName', 'department', 'deadline', 'owner', 'measures', 'goal', 'result', 'passed', 'comment', 'note', 'reason', 'part',
    'attachments'];
  // A department's name is enough beside its id.
  const shown = fields.filter(k => detail[k] !== undefined && detail[k] !== null && !(k === 'department' && detail.departmentName));
  return shown.map(k => h('div', null, t('problems.field.' + k), ': ',
    k === 'deadline' ? dateTime(detail[k]) : k === 'passed' ? t(detail[k] ? 'problems.verify.pass' : 'problems.verify.reject')
      : k === 'part' ? termOf('problems.part', detail[k]) : k === 'attachments' ? v(detail[k].length) : v(detail[k])));
}

// One transition's form: its fields, and a submit that posts it (after uploading the photo, for 整改).
function actionForm(action, problem, done, { session, departments }) {
  const input = (name, attrs = {}) => h('label', null, t('problems.field.' + (attrs.label ?? name)),
    attrs.multiline ? h('textarea', { name, rows: 2, required: attrs.required ? true : null })
      : h('input', { name, type: attrs.type ?? 'text', required: attrs.required ? true : null, value: attrs.value ?? null, accept: attrs.accept ?? null }));
  const deadline = (label = 'deadline') => input('deadline', { type: 'datetime-local', required: true, value: chinaDateTimeLocal(3), label });
  const fields = {
    assign: () => [input('assignee', { required: true }), deadline(), input('note')],
    transfer: () => [departmentSelect(departments), deadline(), input('note')],
    plan: () => [input('owner', { required: true, value: problem.plan?.owner }), input('measures', { required: true, multiline: true }),
      deadline('planDeadline'), input('goal', { required: true })],
    rectify: () => [input('result', { required: true, multiline: true }), input('photo', { type: 'file', accept: 'image/jpeg,image/png' })],
    verify: () => [h('fieldset', { class: 'verdict' }, h('legend', null, t('problems.field.passed')),
      h('label', { class: 'check' }, h('input', { type: 'radio', name: 'passed', value: 'true', checked: true }), t('problems.verify.pass')),
      h('label', { class: 'check' }, h('input', { type: 'radio', name: 'passed', value: 'false' }), t('problems.verify.reject'))),
    input('comment', { multiline: true })],
    close: () => [input('comment', { multiline: true })],
    accept: () => [input('note')],
    return: () => [input('reason', { required: true, multiline: true })],
    report: () => [input('result', { required: true, multiline: true }), input('photo', { type: 'file', accept: 'image/jpeg,image/png' })],
    major: () => [input('majorReason', { required: true, multiline: true })],
  }[action]();
  // 双销号: whose part this close is, when a department reported back on the problem.
  const title = action === 'close' && problem.handling?.reportedBackAt
    ? t('problems.action.close') + ' · ' + t('problems.part.' + (session.role === 'department' ? 'department' : 'township')) : t('problems.action.' + action);
  const status = h('p', { class: 'muted status' });
  const form = h('form', {
    class: 'card action-form', 'data-form': action,
    onsubmit: async e => {
      e.preventDefault();
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        await post(`/api/problems/${problem.id}/${action}`, await bodyOf(action, form, status, problem.id));
        toast(t('problems.done', { action: t('problems.action.' + action) }));
        done();
      } catch (err) {
        status.textContent = '';
        toast(err.message === 'photoTooLarge' ? t('problems.photoTooLarge') : errorText(err), 'bad');
        submit.disabled = false;
      }
    },
  }, h('h3', null, title), h('div', { class: 'row' }, fields),
  h('button', { class: 'primary', type: 'submit', 'data-action': action }, t('problems.action.' + action)), status);
  return form;
}

// The department a transfer goes to: one of the register serving the problem's county, the routed one chosen; or, when the
// register has none listed, the server's routing.
function departmentSelect(departments) {
  const { list = [], routed = null } = departments ?? {};
  return h('label', null, t('problems.field.department'), h('select', { name: 'department' },
    list.length === 0 ? h('option', { value: '' }, t('problems.department.routed')) : null,
    list.map(d => h('option', { value: d.id, selected: d.id === routed ? true : null, 'data-v': '' }, d.name))));
}

async function bodyOf(action, form, status, id) {
  const f = new FormData(form);
  const text = name => (f.get(name) ?? '').toString().trim() || undefined;
  switch (action) {
    case 'assign': return { assignee: text('assignee'), deadline: withChinaOffset(text('deadline')), note: text('note') };
    case 'transfer': return { department: text('department'), deadline: withChinaOffset(text('deadline')), note: text('note') };
    case 'accept': return { note: text('note') };
    case 'return': return { reason: text('reason') };
    case 'major': return { reason: text('majorReason') };
    case 'plan': return { owner: text('owner'), measures: text('measures'), deadline: withChinaOffset(text('deadline')), goal: text('goal') };
    case 'verify': return { passed: f.get('passed') === 'true', comment: text('comment') };
    case 'close': return { comment: text('comment') };
    case 'rectify': case 'report': {
      const file = form.querySelector('input[type=file]').files[0];
      const attachments = [];
      if (file) {
        if (file.size > maxPhoto) throw new Error('photoTooLarge');
        status.textContent = t('problems.uploading');
        const uploaded = await request('POST', `/api/problems/${id}/photos`, file, { contentType: file.type || 'image/jpeg' });
        attachments.push(uploaded.sha256);
      }
      return { result: text('result'), attachments: attachments.length ? attachments : undefined };
    }
  }
  return {};
}
