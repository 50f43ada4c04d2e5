// The filters: day range, kind (category), zone, party held responsible
// and verification state (standing). They live in the URL's query, so that
// a view can be shared, and select what the map, the list and the counts
// show; the downloads ask the server for the same selection.

import { t, word } from './i18n.js';

export const KEYS = ['from', 'to', 'category', 'zone', 'party', 'standing'];
export const STANDINGS = ['verified', 'reported', 'disputed', 'withdrawn'];

export function fromUrl() {
  const q = new URLSearchParams(location.search);
  const f = {};
  for (const k of KEYS) {
    const v = q.get(k);
    if (v) f[k] = v;
  }
  return f;
}

// Writes the filters (and the other view state: lang, the observation
// open) into the URL without reloading; the #agreement pin stays.
export function toUrl(f, extra = {}) {
  const q = new URLSearchParams();
  for (const k of KEYS) if (f[k]) q.set(k, f[k]);
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}${location.hash}`);
}

function nextDay(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// Whether an observation (the index's row) passes the filters.
export function passes(o, f) {
  if (f.from && !(o.observed >= `${f.from}T00:00:00Z`)) return false;
  if (f.to && !(o.observed < `${nextDay(f.to)}T00:00:00Z`)) return false;
  if (f.category && o.category !== f.category) return false;
  if (f.zone && !(o.zones || []).includes(f.zone)) return false;
  if (f.party && o.responsible !== f.party) return false;
  if (f.standing && o.standing !== f.standing) return false;
  return true;
}

// The server's query for the same selection (/v1/observations).
export function serverQuery(f) {
  const q = new URLSearchParams();
  if (f.from) q.set('from', `${f.from}T00:00:00Z`);
  if (f.to) q.set('to', `${nextDay(f.to)}T00:00:00Z`);
  for (const k of ['zone', 'category', 'party', 'standing']) if (f[k]) q.set(k, f[k]);
  return q;
}

function options(select, list, anyLabel, current) {
  const any = document.createElement('option');
  any.value = '';
  any.textContent = anyLabel;
  const opts = [any];
  for (const [value, label] of list) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    opts.push(o);
  }
  select.replaceChildren(...opts);
  select.value = current || '';
}

// Fills the form from what the data holds (categories seen, the
// agreement's zones and parties) and calls `changed(f)` on every change.
export function setup(form, { categories, zones, parties, title }, f, changed) {
  const byLabel = (a, b) => a[1].localeCompare(b[1]);
  options(form.elements.category, categories.map((c) => [c, word('common-category', c)]).sort(byLabel), t('dashboard-any'), f.category);
  options(form.elements.zone, zones.map((z) => [z, title('zones', z)]).sort(byLabel), t('dashboard-any'), f.zone);
  options(form.elements.party, parties.map((p) => [p, title('parties', p)]).sort(byLabel), t('dashboard-any'), f.party);
  options(form.elements.standing, STANDINGS.map((s) => [s, t(`dashboard-state-${s}`)]), t('dashboard-any'), f.standing);
  form.elements.from.value = f.from || '';
  form.elements.to.value = f.to || '';
  const read = () => {
    const g = {};
    for (const k of KEYS) {
      const v = form.elements[k].value;
      if (v) g[k] = v;
    }
    return g;
  };
  form.oninput = () => changed(read());
  form.onchange = () => changed(read());
  form.onsubmit = (e) => e.preventDefault();
  form.onreset = () => setTimeout(() => changed(read()), 0);
}
