// Dates as the grid reads them: China time (UTC+8) whatever the browser's zone, and weeks as ISO weeks (Monday first).
import { language } from './i18n.js';

const zone = 'Asia/Shanghai';

function formatter(options) {
  return new Intl.DateTimeFormat(language() === 'en' ? 'en-GB' : 'zh-CN', { timeZone: zone, hour12: false, ...options });
}

export function dateTime(value) {
  if (!value) return '';
  return formatter({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(value));
}

export function date(value) {
  if (!value) return '';
  return formatter({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(value));
}

export function timeOfDay(value) {
  if (!value) return '';
  return formatter({ hour: '2-digit', minute: '2-digit' }).format(new Date(value));
}

// The ISO week label (2026-W49) of a moment, in China time.
export function isoWeek(value = new Date()) {
  const d = new Date(new Date(value).getTime() + 8 * 3600 * 1000);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d - jan4) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

// Minutes between two moments, one decimal.
export function minutesBetween(from, to) {
  return Math.round((new Date(to) - new Date(from)) / 6000) / 10;
}

// The start of today in China time, as a Date.
export function startOfToday() {
  const now = Date.now() + 8 * 3600 * 1000;
  return new Date(now - (now % 86400000) - 8 * 3600 * 1000);
}
