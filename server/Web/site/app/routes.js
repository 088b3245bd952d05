// The console's pages: the hash each answers, its menu label, the permission that shows it, and its module.
// A page module exports render(root, context) and may return a function that runs when the page is left.
export const routes = [
  { path: 'alerts', label: 'nav.alerts', permission: 'ReadLedgers', load: () => import('./pages/alerts.js') },
  { path: 'problems', label: 'nav.problems', permission: 'ReadLedgers', load: () => import('./pages/problems.js') },
  { path: 'patrols', label: 'nav.patrols', permission: 'ReadLedgers', load: () => import('./pages/patrols.js') },
  { path: 'reports', label: 'nav.reports', permission: 'ReadLedgers', load: () => import('./pages/reports.js') },
];

// The first route of the list the user may see: where the console opens.
export function home(permissions) {
  return routes.find(r => permissions.includes(r.permission))?.path ?? 'alerts';
}
