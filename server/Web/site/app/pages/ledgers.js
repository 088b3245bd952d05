// What the problem ledger, patrol ledger and reports pages share: the user's grids and members by code and id (for names
// and filters), China-time date inputs, and the CSV download of shown rows.
import { get, query } from '../api.js';

// The seeds' thirteen problem categories (category.* labels), in the order the filters and forms offer them.
export const categories = ['straw_burning', 'dust', 'catering_fumes', 'open_burning', 'neighbourhood_noise', 'livestock_waste', 'illegal_discharge', 'garbage',
  'small_unlicensed_workshop', 'drinking_water_source', 'black_odorous_water', 'medical_waste', 'other'];

// The grids the user sees (its subtree, or all for a user without a grid), by code; empty when the registry cannot be read.
export async function gridsByCode() {
  const page = await get('/api/grids' + query({ limit: 1000 })).catch(() => ({ items: [] }));
  return new Map(page.items.map(g => [g.code, g]));
}

// The members the user sees, by id.
export async function membersById(grid) {
  const page = await get('/api/members' + query({ grid, limit: 1000 })).catch(() => ({ items: [] }));
  return new Map(page.items.map(m => [m.id, m]));
}

const cst = 8 * 3600 * 1000;

// A China-time date (yyyy-mm-dd) days from today, for <input type=date>.
export function chinaDate(days = 0) {
  return new Date(Date.now() + cst + days * 86400000).toISOString().slice(0, 10);
}

// The ISO instant of the start of a China-time date (yyyy-mm-dd), plus days.
export function startOfChinaDate(text, days = 0) {
  return new Date(Date.parse(text + 'T00:00:00+08:00') + days * 86400000).toISOString();
}

// A China-time local date-time (yyyy-mm-ddThh:mm) days from now, for <input type=datetime-local>.
export function chinaDateTimeLocal(days = 0) {
  return new Date(Date.now() + cst + days * 86400000).toISOString().slice(0, 16);
}

// An <input type=datetime-local> value read as China time, as the API wants it (with its offset).
export function withChinaOffset(local) {
  return local ? local + (local.length === 16 ? ':00' : '') + '+08:00' : '';
}

// Saves rows as a CSV file: UTF-8 with a byte-order mark so Excel opens Chinese text correctly; cells quoted as RFC 4180 says.
export function downloadCsv(fileName, header, rows) {
  const cell = x => {
    const s = x === null || x === undefined ? '' : String(x);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const text = [header, ...rows].map(r => r.map(cell).join(',')).join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
