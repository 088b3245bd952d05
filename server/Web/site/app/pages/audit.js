// 操作日志 (audit log, auditors and administrators): who changed what and when, before and after, newest first.
import { get, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, clear, errorText, useStyles, termOf } from '../ui.js';
import { dateTime } from '../time.js';

export async function render(root) {
  useStyles('pages/registry.css');
  const list = h('div');
  const more = h('div');
  const filters = { actor: '', action: '' };
  let rows = [];

  const json = value => value === null || value === undefined ? '' : h('pre', { class: 'json' }, v(JSON.stringify(value, null, 1)));

  async function load(cursor) {
    try {
      const page = await get('/api/audit' + query({ actor: filters.actor, action: filters.action, limit: 100, cursor }));
      rows = cursor ? rows.concat(page.items) : page.items;
      clear(list).append(table([
        { label: t('audit.at'), cell: e => dateTime(e.at) },
        { label: t('audit.actor'), cell: e => [v(e.actor), ' ', h('span', { class: 'muted' }, termOf('role', e.role))] },
        { label: t('audit.action'), cell: e => v(e.action) },
        { label: t('audit.object'), cell: e => v(`${e.objectKind} ${e.objectId}`) },
        { label: t('audit.before'), optional: true, cell: e => json(e.before) },
        { label: t('audit.after'), optional: true, cell: e => json(e.after) },
      ], rows));
      clear(more).append(page.nextCursor ? h('button', { type: 'button', onclick: () => load(page.nextCursor) }, t('common.more')) : null);
    } catch (e) { clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }

  root.append(h('h1', null, t('nav.audit')),
    h('form', { class: 'card row', onsubmit: e => { e.preventDefault(); Object.assign(filters, Object.fromEntries(new FormData(e.target).entries())); load(); } },
      h('label', null, t('audit.actor'), h('input', { name: 'actor' })),
      h('label', null, t('audit.action'), h('input', { name: 'action', placeholder: 'problem' })),
      h('button', { class: 'primary', type: 'submit' }, t('common.search'))),
    list, more);
  await load();
}
