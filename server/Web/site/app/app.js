// The console's entry: who is signed in, the sign-in form otherwise, the frame (menu by role, language switch) and the
// page of the current hash (#/alerts, #/problems/12 …).
import { get, post, del, setCsrf, ApiError } from './api.js';
import { t, language, setLanguage, languages } from './i18n.js';
import { h, v, clear, errorText } from './ui.js';
import { routes, home } from './routes.js';
import { startLive, stopLive } from './live.js';

const root = document.getElementById('app');
let session = null;
let leave = null;

// The page the address names starts loading with the session check, not after it.
const [firstPath] = location.hash.replace(/^#\/?/, '').split('/');
routes.find(r => r.path === firstPath)?.load().catch(() => { /* loaded again, with its error shown, when routed */ });

async function start() {
  try {
    session = await get('/api/session', { allow401: true });
    setCsrf(session.csrfToken);
    startLive();
    frame();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signIn();
    else { clear(root).append(h('p', { class: 'error' }, errorText(e))); }
  }
}

function languageSwitch() {
  return h('span', { class: 'lang' }, languages().map(code => h('button', {
    type: 'button', 'aria-pressed': String(code === language()), 'data-lang': code,
    onclick: () => { setLanguage(code); session ? frame() : signIn(); },
  }, t('lang.' + code))));
}

function signIn(message) {
  stopLive();
  session = null;
  const error = h('p', { class: 'error', role: 'alert' }, message || '');
  const name = h('input', { name: 'name', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', {
    onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      try {
        await post('/api/session', { name: name.value, password: password.value }, { allow401: true });
        await start();
      } catch (err) {
        error.textContent = err.status === 401 ? t('signin.wrong') : err.status === 423 ? t('signin.locked') : err.status === 429 ? t('signin.tooMany') : errorText(err);
      }
    },
  },
  h('label', null, t('signin.name'), name),
  h('label', null, t('signin.password'), password),
  h('button', { class: 'primary', type: 'submit' }, t('signin.submit')),
  error);
  clear(root).append(h('div', { class: 'signin card' }, h('h1', null, t('app.title')), languageSwitch(), form));
  name.focus();
}

function frame() {
  const allowed = routes.filter(r => session.permissions.includes(r.permission));
  const nav = h('nav', { class: 'nav', 'aria-label': t('nav.label') },
    allowed.map(r => h('a', { href: '#/' + r.path, 'data-route': r.path }, t(r.label))));
  const main = h('main', { class: 'main', id: 'main' });
  const topbar = h('header', { class: 'topbar' },
    h('button', { class: 'menu-toggle', type: 'button', onclick: () => nav.classList.toggle('open') }, t('nav.menu')),
    h('span', { class: 'title' }, t('app.title')),
    h('span', { class: 'who' }, v(session.name), ' · ', t('role.' + session.role), session.grid ? [' · ', v(session.grid)] : null),
    languageSwitch(),
    h('button', { type: 'button', onclick: signOut }, t('signin.out')));
  clear(root).append(h('div', { class: 'shell' }, topbar, nav, main));
  route();
}

async function signOut() {
  try { await del('/api/session'); } catch { /* the session may be gone already */ }
  setCsrf(null);
  signIn();
}

let generation = 0;

async function route() {
  if (!session) return;
  const main = document.getElementById('main');
  if (!main) return;
  const current = ++generation;
  const [path, ...params] = (location.hash.replace(/^#\/?/, '') || home(session.permissions)).split('/');
  const page = routes.find(r => r.path === path && session.permissions.includes(r.permission));
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.dataset.route === path);
  document.querySelector('.nav')?.classList.remove('open');
  if (leave) { try { leave(); } catch { /* a page's own clean-up */ } leave = null; }
  // Each visit draws into a view of its own: a page still loading when the user moves on draws into a detached one.
  const view = h('div', { class: 'view' });
  clear(main).append(view);
  main.removeAttribute('data-ready');
  if (!page) { view.append(h('h1', null, t('error.notFound'))); main.dataset.ready = 'true'; return; }
  let left = null;
  try {
    const module = await page.load();
    left = await module.render(view, { session, params: params.map(decodeURIComponent) }) || null;
  } catch (e) {
    view.append(h('p', { class: 'error' }, errorText(e)));
  }
  if (current !== generation) { if (left) left(); return; }
  leave = left;
  // The page has drawn what its first requests brought (tests and the browser benchmark wait for this).
  main.dataset.ready = 'true';
  performance.mark('gridedge:ready:' + path);
}

window.addEventListener('hashchange', route);
window.addEventListener('gridedge:signed-out', () => { if (session) signIn(t('error.signedOut')); });
start();
