// Every label of the console in Chinese (the default) and English. Pages never write a label directly: t('key').
// Data (names, places, descriptions) goes through ui.v(), marked data-v, and is never translated.
import zh from './i18n/zh-CN.js';
import en from './i18n/en.js';

const dictionaries = { 'zh-CN': zh, en };
const stored = localStorage.getItem('gridedge.lang');
let lang = dictionaries[stored] ? stored : 'zh-CN';
const missing = new Set();

export function language() { return lang; }

export function setLanguage(next) {
  if (!dictionaries[next]) return;
  lang = next;
  localStorage.setItem('gridedge.lang', next);
  document.documentElement.lang = next;
}

// The label for key in the current language, with {name} placeholders filled; an unknown key shows as ⟦key⟧, which the
// console's tests look for.
export function t(key, vars) {
  let text = dictionaries[lang][key];
  if (text === undefined) {
    if (!missing.has(key)) { missing.add(key); console.warn('untranslated', lang, key); }
    return '⟦' + key + '⟧';
  }
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (vars[name] ?? m));
  return text;
}

// The label of an enum value (a state, category, severity …) under its group, or the value itself marked as data.
export function term(group, value) {
  const key = group + '.' + value;
  return dictionaries[lang][key] !== undefined ? dictionaries[lang][key] : null;
}

export function languages() { return Object.keys(dictionaries); }

document.documentElement.lang = lang;
