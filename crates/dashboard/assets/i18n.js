// The page's words, from the server's Fluent files
// (GET /dashboard/messages/{lang}.json: id -> text, arguments as {name}).
// Elements name their message with data-i18n (text) or
// data-i18n-aria-label (their accessible name).

export const LANGS = ['en', 'uk', 'ru'];
let words = {};
let lang = 'en';

export async function load(wanted) {
  lang = LANGS.includes(wanted) ? wanted : 'en';
  const r = await fetch(`messages/${lang}.json`);
  if (!r.ok) throw new Error(`the words for ${lang} did not load (HTTP ${r.status})`);
  words = await r.json();
  document.documentElement.lang = lang;
  apply(document);
  return lang;
}

export function current() {
  return lang;
}

// A message with its arguments filled in; the id itself if there is no
// such message (visible, so that a missing word is noticed).
export function t(id, args = {}) {
  const text = words[id];
  if (text === undefined) return `⟦${id}⟧`;
  return text.replace(/\{([a-z_]+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
}

// A message if it exists, else null (for words derived from data).
export function maybe(id, args = {}) {
  return words[id] === undefined ? null : t(id, args);
}

// A value of the data (snake_case) named in the reader's language when a
// message exists for it (`common-category-ceasefire-violation`), else as is.
export function word(prefix, value) {
  if (value === null || value === undefined) return '';
  const id = `${prefix}-${String(value).replace(/_/g, '-')}`;
  return maybe(id) ?? String(value).replace(/_/g, ' ');
}

export function apply(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
}

const LOCALES = { en: 'en-GB', uk: 'uk', ru: 'ru' };

export function number(n) {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}

// A time of the log (RFC 3339, UTC) for people: the date and the time, in UTC.
export function time(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short',
  }).format(d);
}

export function date(s) {
  if (!s) return '';
  const d = new Date(`${s.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(s);
  return new Intl.DateTimeFormat(LOCALES[lang], { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}
