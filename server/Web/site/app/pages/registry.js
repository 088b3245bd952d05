// 台账管理 (registry): the grids of the user's grid, their members (网格员), key points (重点点位), enterprises (污染源清单)
// and the members' terminals; adding members, key points and enterprises, issuing a terminal (its token shown this once)
// and revoking one, as the role allows. The server decides what is in the user's grid.
import { get, post, put, query } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, clear, toast, errorText, useStyles } from '../ui.js';
import { dateTime } from '../time.js';

const tabs = ['grids', 'members', 'keyPoints', 'enterprises', 'terminals'];
const levelKey = { 1: 'level.city', 2: 'level.county', 3: 'level.township', 4: 'level.village' };

export async function render(root, { session, params }) {
  useStyles('pages/registry.css');
  const may = p => session.permissions.includes(p);
  const tab = tabs.includes(params[0]) ? params[0] : 'grids';
  const body = h('div');
  root.append(
    h('h1', null, t('nav.registry')),
    h('div', { class: 'tabs', role: 'tablist' }, tabs.map(name => h('a', {
      href: '#/registry/' + name, role: 'tab', class: name === tab ? 'active' : null, 'aria-selected': String(name === tab),
    }, t('registry.tab.' + name)))),
    body);

  // The villages (and other grids) the user may pick from in a form: its grid and everything beneath it.
  const grids = (await get('/api/grids' + query({ limit: 10000 }))).items;
  const villages = grids.filter(g => g.level === 4);
  const gridName = code => grids.find(g => g.code === code)?.name ?? code;
  const gridSelect = (name, list = villages) => h('select', { name, required: true }, list.map(g => h('option', { value: g.code, 'data-v': '' }, g.name + ' ' + g.code)));

  const pages = {
    grids: async () => body.append(table([
      { label: t('registry.code'), cell: g => v(g.code) },
      { label: t('registry.name'), cell: g => v(g.name) },
      { label: t('registry.level'), cell: g => t(levelKey[g.level]) },
      { label: t('registry.chief'), optional: true, cell: g => g.chief ? v(g.chief) : '' },
      { label: t('registry.gateway'), optional: true, cell: g => g.gateway ? v(g.gateway) : '' },
      { label: t('registry.boundary'), optional: true, cell: g => g.hasBoundary ? t('common.yes') : t('common.no') },
    ], grids)),

    members: async () => {
      const list = h('div');
      const load = async () => clear(list).append(table([
        { label: t('registry.memberId'), cell: m => v(m.id) },
        { label: t('registry.name'), cell: m => v(m.name) },
        { label: t('registry.grid'), cell: m => v(gridName(m.grid)) },
        { label: t('registry.phone'), optional: true, cell: m => m.phone ? v(m.phone) : '' },
        { label: t('registry.active'), cell: m => m.active ? badge(t('registry.active.yes'), 'ok') : badge(t('registry.active.no'), 'muted') },
      ], (await get('/api/members' + query({ limit: 10000 }))).items));
      body.append(may('EditRegistry') ? form('members', [
        field('id', 'registry.memberId'), field('name', 'registry.name'), h('label', null, t('registry.grid'), gridSelect('grid')), field('phone', 'registry.phone', false),
      ], async data => { await post('/api/members', data); await load(); }) : null, list);
      await load();
    },

    keyPoints: async () => {
      const list = h('div');
      const load = async () => {
        const rows = [];
        for (const g of villages) rows.push(...(await get(`/api/grids/${g.code}/key-points`)).items);
        clear(list).append(table([
          { label: t('registry.pointId'), cell: k => v(k.id) },
          { label: t('registry.name'), cell: k => v(k.name) },
          { label: t('registry.grid'), cell: k => v(gridName(k.grid)) },
          { label: t('registry.position'), optional: true, cell: k => k.latitude !== null ? v(`${k.latitude}, ${k.longitude}`) : '' },
        ], rows));
      };
      body.append(may('EditRegistry') ? form('keyPoints', [
        field('id', 'registry.pointId'), field('name', 'registry.name'), h('label', null, t('registry.grid'), gridSelect('grid')),
        field('latitude', 'registry.latitude', false, 'number'), field('longitude', 'registry.longitude', false, 'number'),
      ], async data => {
        const grid = data.grid; delete data.grid;
        await post(`/api/grids/${grid}/key-points`, numbers(data)); await load();
      }) : null, list);
      await load();
    },

    enterprises: async () => {
      const list = h('div');
      const load = async () => {
        const rows = [];
        for (const g of villages) rows.push(...(await get(`/api/grids/${g.code}/enterprises`)).items);
        clear(list).append(table([
          { label: t('registry.enterpriseId'), cell: e => v(e.id) },
          { label: t('registry.name'), cell: e => v(e.name) },
          { label: t('registry.class'), cell: e => t('enterpriseClass.' + e.class) },
          { label: t('registry.grid'), optional: true, cell: e => v(gridName(e.grid)) },
        ], rows));
      };
      body.append(may('EditRegistry') ? form('enterprises', [
        field('id', 'registry.enterpriseId'), field('name', 'registry.name'),
        h('label', null, t('registry.class'), h('select', { name: 'class' }, ['province', 'city_county', 'other'].map(c => h('option', { value: c }, t('enterpriseClass.' + c))))),
        h('label', null, t('registry.grid'), gridSelect('grid')),
      ], async data => {
        const grid = data.grid; delete data.grid;
        await post(`/api/grids/${grid}/enterprises`, data); await load();
      }) : null, list);
      await load();
    },

    terminals: async () => {
      const list = h('div');
      const issued = h('div');
      const members = (await get('/api/members' + query({ limit: 10000 }))).items.filter(m => m.active);
      const load = async () => clear(list).append(table([
        { label: t('registry.terminalId'), cell: x => v(x.id) },
        { label: t('registry.member'), cell: x => v(members.find(m => m.id === x.member)?.name ?? x.member) },
        { label: t('registry.grid'), optional: true, cell: x => x.grid ? v(gridName(x.grid)) : '' },
        { label: t('registry.issuedAt'), optional: true, cell: x => dateTime(x.issuedAt) },
        { label: t('registry.state'), cell: x => x.state === 'active' ? badge(t('registry.terminal.active'), 'ok') : badge(t('registry.terminal.revoked'), 'muted') },
        { label: '', cell: x => x.state === 'active' && may('ManageTerminals') ? h('button', {
          type: 'button', class: 'danger', 'data-action': 'revoke',
          onclick: async () => {
            if (!confirm(t('registry.revoke.confirm', { id: x.id }))) return;
            try { await post(`/api/terminals/${encodeURIComponent(x.id)}/revoke`); toast(t('registry.revoked')); await load(); } catch (e) { toast(errorText(e), 'bad'); }
          },
        }, t('registry.revoke')) : '' },
      ], (await get('/api/terminals' + query({ limit: 10000 }))).items));
      body.append(may('ManageTerminals') ? form('terminals', [
        field('id', 'registry.terminalId'),
        h('label', null, t('registry.member'), h('select', { name: 'member', required: true }, members.map(m => h('option', { value: m.id, 'data-v': '' }, m.name + ' ' + m.id)))),
      ], async data => {
        const terminal = await post('/api/terminals', data);
        // The token exists only in this answer: shown once, for the member's terminal, never again.
        clear(issued).append(h('div', { class: 'card token', role: 'alert' },
          h('strong', null, t('registry.token.title')), h('p', null, t('registry.token.once')),
          h('code', { 'data-token': '' }, v(terminal.token))));
        await load();
      }) : null, issued, list);
      await load();
    },
  };

  function field(name, label, required = true, type = 'text') {
    return h('label', null, t(label), h('input', { name, type, required, step: type === 'number' ? 'any' : null }));
  }

  function numbers(data) {
    for (const k of ['latitude', 'longitude']) data[k] = data[k] === '' ? null : Number(data[k]);
    return data;
  }

  function form(name, fields, submit) {
    const error = h('p', { class: 'error' });
    return h('form', {
      class: 'card row', 'data-form': name,
      onsubmit: async e => {
        e.preventDefault();
        error.textContent = '';
        const data = Object.fromEntries(new FormData(e.target).entries());
        for (const [k, value] of Object.entries(data)) if (value === '') delete data[k];
        try { await submit(data); e.target.reset(); toast(t('registry.saved')); }
        catch (err) { error.textContent = errorText(err) + (err.body?.errors ? ': ' + err.body.errors.map(x => x.field).join(', ') : ''); }
      },
    }, h('strong', { class: 'grow' }, t('registry.add.' + name)), fields, h('button', { class: 'primary', type: 'submit' }, t('registry.add')), error);
  }

  try { await pages[tab](); } catch (e) { body.append(h('p', { class: 'error' }, errorText(e))); }
}
