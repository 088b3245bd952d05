// The console's pages: the hash each answers, its menu label, the permission that shows it, and its module.
// A page module exports render(root, context) and may return a function that runs when the page is left.
export const routes = [
  { path: 'map', label: 'nav.map', permission: 'ReadLedgers', load: () => import('./pages/map.js') },
  { path: 'alerts', label: 'nav.alerts', permission: 'ReadLedgers', load: () => import('./pages/alerts.js') },
  { path: 'readings', label: 'nav.readings', permission: 'ReadLedgers', load: () => import('./pages/readings.js') },
  { path: 'gateways', label: 'nav.gateways', permission: 'ReadLedgers', load: () => import('./pages/gateways.js') },
  { path: 'problems', label: 'nav.problems', permission: 'ReadLedgers', load: () => import('./pages/problems.js') },
  { path: 'complaints', label: 'nav.complaints', permission: 'ReadLedgers', load: () => import('./pages/complaints.js') },
  { path: 'patrols', label: 'nav.patrols', permission: 'ReadLedgers', load: () => import('./pages/patrols.js') },
  { path: 'reports', label: 'nav.reports', permission: 'ReadLedgers', load: () => import('./pages/reports.js') },
  { path: 'scores', label: 'nav.scores', permission: 'ReadLedgers', load: () => import('./pages/scores.js') },
  { path: 'campaigns', label: 'nav.campaigns', permission: 'ReadLedgers', load: () => import('./pages/campaigns.js') },
  { path: 'registry', label: 'nav.registry', permission: 'EditRegistry', load: () => import('./pages/registry.js') },
  { path: 'departments', label: 'nav.departments', permission: 'ImportGrid', load: () => import('./pages/departments.js') },
  { path: 'users', label: 'nav.users', permission: 'ManageUsers', load: () => import('./pages/users.js') },
  { path: 'audit', label: 'nav.audit', permission: 'ReadAudit', load: () => import('./pages/audit.js') },
];

// The first route of the list the user may see: where the console opens.
export function home(permissions) {
  return routes.find(r => permissions.includes(r.permission))?.path ?? 'alerts';
}
