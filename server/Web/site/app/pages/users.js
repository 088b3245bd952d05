// 用户管理 (users, administrators): every user with role and grid; creating a user (a password for the browser), changing
// its role or grid, disabling and enabling it. A department user (职能部门) is bound to a department of the register.
import { get, post, request, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, clear, toast, errorText, useStyles } from '../ui.js';
import { dateTime } from '../time.js';

const roles = ['city', 'county', 'township', 'village_chief', 'village_member', 'department', 'auditor', 'admin'];

export async function render(root) {
  useStyles('pages/registry.css');
  const list = h('div');
  const error = h('p', { class: 'error' });
  const patch = (name, body) => request('PATCH', `/api/users/${encodeURIComponent(name)}`, body);
  // The departments of the register, for binding a department user to one.
  const departments = await get('/api/departments').catch(() => []);
  const departmentNames = new Map(departments.map(d => [d.id, d.name]));
  const department = h('label', null, t('users.department'), h('select', { name: 'department' },
    h('option', { value: '' }, t('users.noDepartment')), departments.map(d => h('option', { value: d.id, 'data-v': '' }, d.name))));
  department.style.display = 'none';

  async function load() {
    const users = await get('/api/users' + query({ limit: 1000 }));
    clear(list).append(table([
      { label: t('users.name'), cell: u => v(u.name) },
      { label: t('users.role'), cell: u => t('role.' + u.role) },
      { label: t('users.grid'), cell: u => [u.grid ? v(u.grid) : '', u.department ? [u.grid ? ' · ' : '', v(departmentNames.get(u.department) ?? u.department)] : ''] },
      { label: t('users.created'), optional: true, cell: u => dateTime(u.createdAt) },
      { label: t('users.state'), cell: u => u.disabled ? badge(t('users.disabled'), 'muted') : u.lockedUntil && new Date(u.lockedUntil) > new Date() ? badge(t('users.locked'), 'warn') : badge(t('users.enabled'), 'ok') },
      { label: '', cell: u => h('button', {
        type: 'button', 'data-action': u.disabled ? 'enable' : 'disable',
        onclick: async () => { try { await patch(u.name, { disabled: !u.disabled }); await load(); } catch (e) { toast(errorText(e), 'bad'); } },
      }, u.disabled ? t('users.enable') : t('users.disable')) },
    ], users));
  }

  const form = h('form', {
    class: 'card row', 'data-form': 'users',
    onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      const data = Object.fromEntries(new FormData(e.target).entries());
      if (!data.grid) delete data.grid;
      if (data.role !== 'department' || !data.department) delete data.department;
      try { await post('/api/users', data); e.target.reset(); department.style.display = 'none'; toast(t('registry.saved')); await load(); }
      catch (err) { error.textContent = errorText(err); }
    },
  },
  h('strong', { class: 'grow' }, t('users.add')),
  h('label', null, t('users.name'), h('input', { name: 'name', required: true })),
  h('label', null, t('users.role'), h('select', { name: 'role', onchange: e => { department.style.display = e.target.value === 'department' ? '' : 'none'; } },
    roles.map(r => h('option', { value: r }, t('role.' + r))))),
  department,
  h('label', null, t('users.grid'), h('input', { name: 'grid', placeholder: '370102001000' })),
  h('label', null, t('users.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 10 })),
  h('button', { class: 'primary', type: 'submit' }, t('registry.add')), error);

  root.append(h('h1', null, t('nav.users')), form, list);
  await load();
}
