// 专项时段 (campaign periods of a county): 秸秆禁烧期 and 重污染天气应急 with their days; declaring one (county and city
// officials); a straw-burning ban's 火点 (fire points: straw-burning problems opened by the gateways' alerts) per township
// and village (一把火考核).
import { get, put } from '../api.js';
import { t } from '../i18n.js';
import { h, v, table, badge, termOf, clear, toast, errorText, useStyles } from '../ui.js';
import { gridsByCode, chinaDate } from './ledgers.js';

const kinds = ['straw_burning_ban', 'heavy_pollution_emergency'];
const kindTone = { straw_burning_ban: 'bad', heavy_pollution_emergency: 'warn' };

export async function render(root, { session, params }) {
  useStyles('pages/ledgers.css');
  const grids = await gridsByCode();
  const name = code => v(grids.get(code)?.name ?? code, { title: code });
  const list = h('div', { class: 'campaign-list' });
  const detail = h('div');
  const canDeclare = session.permissions.includes('ImportGrid');

  async function load() {
    try {
      const campaigns = await get('/api/campaigns');
      clear(list).append(table([
        { label: t('campaigns.id'), optional: true, cell: c => v(c.id) },
        { label: t('campaigns.kind'), cell: c => badge(termOf('campaigns.kind', c.kind), kindTone[c.kind]) },
        { label: t('campaigns.name'), cell: c => v(c.name ?? '', { 'data-campaign': c.id }) },
        { label: t('campaigns.county'), optional: true, cell: c => name(c.county) },
        { label: t('campaigns.from'), cell: c => v(c.from) },
        { label: t('campaigns.to'), cell: c => v(c.to) },
      ], campaigns, c => { location.hash = '#/campaigns/' + encodeURIComponent(c.id); }));
    } catch (e) { clear(list).append(h('p', { class: 'error' }, errorText(e))); }
  }

  root.append(h('h1', null, t('nav.campaigns')), canDeclare ? declareForm(grids, load) : '', list, detail);
  await Promise.all([load(), params[0] ? firePoints(detail, params[0], name) : null]);
}

function declareForm(grids, done) {
  const counties = [...grids.values()].filter(g => g.level === 2);
  const error = h('p', { class: 'error' });
  const form = h('form', {
    class: 'card', 'data-form': 'campaign',
    onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      const f = Object.fromEntries(new FormData(form).entries());
      try {
        await put('/api/campaigns/' + encodeURIComponent(f.id.trim()),
          { kind: f.kind, county: f.county, name: f.name.trim() || undefined, from: f.from, to: f.to });
        toast(t('registry.saved'));
        form.reset();
        await done();
      } catch (err) { error.textContent = errorText(err); }
    },
  },
  h('h3', null, t('campaigns.declare')),
  h('div', { class: 'row' },
    h('label', null, t('campaigns.id'), h('input', { name: 'id', required: true, pattern: '[A-Za-z0-9._:\\-]{1,64}', placeholder: 'ban-2026-summer' })),
    h('label', null, t('campaigns.kind'), h('select', { name: 'kind' }, kinds.map(k => h('option', { value: k }, t('campaigns.kind.' + k))))),
    h('label', null, t('campaigns.county'), h('select', { name: 'county', required: true }, counties.map(g => h('option', { value: g.code, 'data-v': '' }, g.name)))),
    h('label', null, t('campaigns.name'), h('input', { name: 'name', maxlength: 128 })),
    h('label', null, t('campaigns.from'), h('input', { name: 'from', type: 'date', required: true, value: chinaDate(-7) })),
    h('label', null, t('campaigns.to'), h('input', { name: 'to', type: 'date', required: true, value: chinaDate(30) })),
    h('button', { class: 'primary', type: 'submit', 'data-action': 'declare' }, t('campaigns.declare'))),
  error);
  return form;
}

// A campaign's fire points: a row per township (its own total, and those placed at the township itself), then its villages.
async function firePoints(el, id, name) {
  try {
    const r = await get('/api/campaigns/' + encodeURIComponent(id) + '/fire-points');
    const c = r.campaign;
    const rows = r.townships.flatMap(tw => [
      { township: true, grid: tw.township, label: tw.name, points: tw.firePoints },
      ...(tw.atTownship ? [{ grid: tw.township, label: t('campaigns.atTownship'), points: tw.atTownship, plain: true }] : []),
      ...tw.villages.map(vl => ({ grid: vl.village, label: vl.name, points: vl.firePoints })),
    ]);
    clear(el).append(h('div', { class: 'card', 'data-fire-points': c.id },
      h('h2', null, badge(termOf('campaigns.kind', c.kind), kindTone[c.kind]), ' ', v(c.name ?? c.id), ' ', v(`${c.from} – ${c.to}`)),
      h('p', null, t('campaigns.firePoints'), ': ', h('strong', { 'data-total': '' }, String(r.firePoints))),
      h('div', { class: 'fire-points' }, table([
        { label: t('campaigns.township') + ' / ' + t('campaigns.village'), cell: x => x.township ? h('strong', null, v(x.label, { title: x.grid }))
          : x.plain ? ['— ', x.label] : ['— ', v(x.label, { title: x.grid, 'data-village': x.grid })] },
        { label: t('campaigns.firePoints'), cell: x => x.township ? h('strong', null, String(x.points)) : String(x.points) },
      ], rows))));
  } catch (e) { clear(el).append(h('p', { class: 'error' }, errorText(e))); }
}
