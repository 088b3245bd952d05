// The console's pages: the hash each answers, its menu label, the permission that shows it, and its module.
// A page module exports render(root, context) and may return a function that runs when the page is left.
export const routes = [
  { path: 'alerts', label: 'nav.alerts', permission: 'ReadLedgers', load: () => import('./pages/alerts.js') },
  { path: 'registry', label: 'nav.registry', permission: 'EditRegistry', load: () => import('./pages/registry.js') },
  { path: 'users', label: 'nav.users', permission: 'ManageUsers', load: () => import('./pages/users.js') },
  { path: 'audit', label: 'nav.audit', permission: 'ReadAudit', load: () => import('./pages/audit.js') },
];

// The first route of the list the user may see: where the console opens.
export function home(permissions) {
  return routes.find(r => permissions.includes(r.permission))?.path ?? 'alerts';
}
