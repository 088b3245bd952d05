// Building the page without innerHTML: every text is a text node, so data can never become markup.
import { t, term } from './i18n.js';

// An element: h('div', {class: 'card', onclick: f}, child, 'text', …); null and false children are left out.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// A value from the data (a name, a place, a description): shown as it is in every language, marked so.
export function v(value, attrs) {
  return h('span', { ...attrs, 'data-v': '' }, value === null || value === undefined ? '' : String(value));
}

// A label (translated).
export function l(key, vars) { return t(key, vars); }

// An enum value's label under its group, or the raw value marked as data when the dictionary has none.
export function termOf(group, value) {
  if (value === null || value === undefined) return '';
  const label = term(group, value);
  return label !== null ? label : v(value);
}

export function badge(text, tone = 'muted') { return h('span', { class: 'badge ' + tone }, text); }

// A table: columns [{key, label, cell(row), optional}] and rows; onclick(row) makes rows clickable.
export function table(columns, rows, onclick) {
  return h('div', { class: 'scroll' }, h('table', { class: 'list' },
    h('thead', null, h('tr', null, columns.map(c => h('th', { class: c.optional ? 'optional' : null }, c.label)))),
    h('tbody', null, rows.length === 0
      ? h('tr', null, h('td', { colspan: columns.length, class: 'muted' }, t('common.none')))
      : rows.map(r => h('tr', { class: onclick ? 'clickable' : null, onclick: onclick ? () => onclick(r) : null },
        columns.map(c => h('td', { class: c.optional ? 'optional' : null }, c.cell(r))))))));
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

let toastTimer;
// A short message at the corner; tone 'bad' for errors.
export function toast(text, tone) {
  document.querySelector('.toast')?.remove();
  const el = h('div', { class: 'toast' + (tone ? ' ' + tone : ''), role: 'status' }, text);
  document.body.append(el);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.remove(), 5000);
}

// What an API error says, in the user's language where we know it.
export function errorText(e) {
  if (e?.status === 404) return t('error.notFound');
  if (e?.status === 403) return t('error.forbidden');
  if (e?.status === 401) return t('error.signedOut');
  if (e?.status === 409) return t('error.conflict') + (e.body?.state ? ' (' + (term('state', e.body.state) ?? e.body.state) + ')' : '');
  if (e?.status === 400 && e.body?.field) return t('error.invalidField', { field: e.body.field });
  if (e?.status >= 500) return t('error.server');
  return t('error.network');
}

// A page's own stylesheet (app/pages/NAME.css), linked once when the page is first shown.
export function useStyles(path) {
  const href = '/app/' + path;
  if (!document.querySelector(`link[href="${href}"]`)) document.head.append(h('link', { rel: 'stylesheet', href }));
}
