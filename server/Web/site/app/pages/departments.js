// 职能部门 (the department register, county and city officials): the departments of the user's county and city with the
// problem categories routed to them (移交移送 goes there by default); adding one, or changing one picked from the list.
import { get, put } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, toast, errorText, useStyles } from '../ui.js';
import { categories, gridsByCode } from './ledgers.js';

export async function render(root) {
  useStyles('pages/registry.css');
  useStyles('pages/ledgers.css');
  const grids = await gridsByCode();
  // A department serves a county or a city (levels 1 and 2).
  const served = [...grids.values()].filter(g => g.level <= 2);
  const name = code => v(grids.get(code)?.name ?? code, { title: code });
  const list = h('div', { class: 'department-list' });
  const error = h('p', { class: 'error' });

  const form = h('form', {
    class: 'card', 'data-form': 'department',
    onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      const f = new FormData(form);
      const id = f.get('id').toString().trim();
      try {
        await put('/api/departments/' + encodeURIComponent(id),
          { grid: f.get('grid'), name: f.get('name').toString().trim(), categories: f.getAll('categories').map(String) });
        toast(t('registry.saved'));
        form.reset();
        await load();
      } catch (err) { error.textContent = errorText(err); }
    },
  },
  h('h3', null, t('departments.edit')),
  h('div', { class: 'row' },
    h('label', null, t('departments.id'), h('input', { name: 'id', required: true, pattern: '[A-Za-z0-9._:\\-]{1,64}', placeholder: 'zhujian' })),
    h('label', null, t('departments.name'), h('input', { name: 'name', required: true, maxlength: 128 })),
    h('label', null, t('departments.grid'), h('select', { name: 'grid', required: true },
      served.map(g => h('option', { value: g.code, 'data-v': '' }, g.name))))),
  h('fieldset', { class: 'categories' }, h('legend', null, t('departments.categories')),
    categories.map(c => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'categories', value: c }), t('category.' + c)))),
  h('button', { class: 'primary', type: 'submit', 'data-action': 'save' }, t('common.save')), error);

  // A department picked from the list fills the form for changing it.
  const edit = d => {
    form.elements.id.value = d.id;
    form.elements.name.value = d.name;
    form.elements.grid.value = d.grid;
    for (const box of form.querySelectorAll('input[name=categories]')) box.checked = d.categories.includes(box.value);
    form.scrollIntoView({ block: 'nearest' });
  };

  async function load() {
    try {
      const departments = await get('/api/departments');
      clear(list).append(table([
        { label: t('departments.id'), cell: d => v(d.id) },
        { label: t('departments.name'), cell: d => v(d.name, { 'data-department': d.id }) },
        { label: t('departments.grid'), optional: true, cell: d => name(d.grid) },
        { label: t('departments.categories'), cell: d => d.categories.map(c => [badge(termOf('category', c), 'muted'), ' ']) },
      ], departments, edit));
    } catch (e) { clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }

  root.append(h('h1', null, t('nav.departments')), h('p', { class: 'muted' }, t('departments.note')), list, form);
  await load();
}
