// The dashboard: loads the agreement, the checkpoint, the status and the
// observations from this server, verifies what it can in the browser
// (verify.js), and shows the map, the filters and the list, the details of
// an observation, the compliance table, phases, relief and guarantees, the
// charts, the report and downloads, and the replay. No framework, no
// bundler: ES modules served by `accord serve`.

import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as api from './api.js';
import * as verify from './verify.js';
import * as filters from './filters.js';
import * as tables from './tables.js';
import * as details from './details.js';
import * as charts from './charts.js';
import * as live from './live.js';
import { MapView, legend, vstate } from './map.js';

const $ = (id) => document.getElementById(id);
const ctx = {
  agreement: null,
  status: null,
  features: [],
  byIndex: new Map(),
  filters: filters.fromUrl(),
  selected: null,
  map: null,
  list: null,
  reportDay: null,
  title,
};

// A name from the agreement in the reader's language when the agreement
// has it in that language (its `texts`), else as adopted, else the id.
function title(kind, id) {
  const a = ctx.agreement || {};
  const tr = (((a.texts || {})[i18n.current()] || {})[kind] || {})[id] || {};
  const base = (a[kind] || {})[id] || {};
  return tr.title || tr.name || base.title || base.name || String(id);
}

function viewState() {
  return { lang: i18n.current(), obs: ctx.selected };
}

function announce(text) {
  $('announce').textContent = text;
}

function stamp() {
  const now = new Date();
  $('updated').textContent = t('dashboard-updated', { time: now.toLocaleTimeString(i18n.current() === 'en' ? 'en-GB' : i18n.current()) });
  $('updated').dataset.time = now.toISOString();
}

function applyFilters() {
  const f = ctx.filters;
  const shown = ctx.features.filter((x) => filters.passes(x.properties, f));
  if (ctx.map) ctx.map.show(shown);
  ctx.list.show(shown, ctx.selected);
  const by = { verified: 0, reported: 0, disputed: 0 };
  for (const x of shown) by[vstate(x.properties)]++;
  const counts = $('counts');
  counts.textContent = t('dashboard-counts', { shown: i18n.number(shown.length), total: i18n.number(ctx.features.length), verified: i18n.number(by.verified), reported: i18n.number(by.reported), disputed: i18n.number(by.disputed) });
  counts.dataset.shown = String(shown.length);
  counts.dataset.total = String(ctx.features.length);
  downloads(f);
  filters.toUrl(f, viewState());
}

function downloads(f) {
  const q = filters.serverQuery(f);
  q.set('limit', '1000');
  const items = [['jsonl', 'JSON Lines'], ['csv', 'CSV'], ['geojson', 'GeoJSON']].map(([fmt, name]) => {
    const qq = new URLSearchParams(q);
    qq.set('format', fmt);
    const a = tables.el('a', { href: `/v1/observations?${qq}`, download: `observations.${fmt}`, 'data-testid': `download-${fmt}`, text: t('dashboard-download', { what: name }) });
    return tables.el('li', {}, a);
  });
  items.push(tables.el('li', { class: 'note', text: t('dashboard-download-note') }));
  $('downloads').replaceChildren(...items);
}

function reportLinks(day) {
  ctx.reportDay = day;
  const period = $('report-period').value || 'day';
  const span = period === 'day' ? '' : `&period=${period}`;
  const ul = $('report-links');
  if (!day) {
    ul.replaceChildren(tables.el('li', { text: t('dashboard-no-data') }));
    return;
  }
  const items = [];
  for (const lang of i18n.LANGS) {
    for (const fmt of ['html', 'pdf']) {
      const a = tables.el('a', { href: `/v1/report/${day}?format=${fmt}&lang=${lang}${span}`, hreflang: lang, 'data-testid': `report-${fmt}-${lang}`, text: t('dashboard-report-link', { day: i18n.date(day), what: fmt.toUpperCase(), name: t(`common-lang-${lang}`) }) });
      items.push(tables.el('li', {}, a));
    }
  }
  items.push(tables.el('li', {}, tables.el('a', { href: `/v1/report/${day}?format=json${span}`, 'data-testid': 'report-json', text: t('dashboard-report-link', { day: i18n.date(day), what: 'JSON', name: '' }).replace(/[,;—\s]+$/, '') })));
  ul.replaceChildren(...items);
  api.json(`/v1/report/${day}?format=json${span}`).then((r) => charts.render($('charts'), r, title)).catch((e) => {
    $('charts').replaceChildren(tables.el('p', { class: 'bad', text: t('dashboard-load-failed', { what: `/v1/report/${day}`, reason: e.message }) }));
  });
}

function renderStatus() {
  const s = ctx.status;
  if (!s) return;
  tables.compliance($('compliance'), $('compliance-note'), s, title);
  tables.timeline($('timeline'), ctx.agreement, s, title);
  tables.tranches($('tranches'), s, title);
  tables.guarantees($('guarantees'), s, title);
}

function select(index) {
  const f = ctx.byIndex.get(index);
  if (!f) return;
  ctx.selected = index;
  details.open($('details'), f, ctx);
  if (ctx.map) ctx.map.select(index, f);
  for (const tr of document.querySelectorAll('#list-body tr')) tr.classList.toggle('selected', Number(tr.dataset.index) === index);
  filters.toUrl(ctx.filters, viewState());
}

function closeDetails() {
  if ($('details').hidden) return;
  const index = ctx.selected;
  details.close($('details'));
  ctx.selected = null;
  if (ctx.map) ctx.map.select(null);
  filters.toUrl(ctx.filters, viewState());
  // Back to where the reader came from: the row's button.
  const b = document.querySelector(`#list-body tr[data-index="${index}"] button`);
  if (b) b.focus();
}

async function loadData() {
  const [status, features] = await Promise.all([api.json('/v1/status'), api.allObservations()]);
  ctx.status = status;
  verify.noteStatusAgreement(status.agreement);
  ctx.features = features;
  ctx.byIndex = new Map(features.map((f) => [f.properties.index, f]));
  verify.listing(ctx.features);
}

function setupFilters() {
  const cats = [...new Set(ctx.features.map((f) => f.properties.category))].sort();
  const zones = Object.keys(ctx.agreement.zones || {});
  const parties = Object.keys(ctx.agreement.parties || {});
  filters.setup($('filters'), { categories: cats, zones, parties, title }, ctx.filters, (f) => {
    ctx.filters = f;
    applyFilters();
  });
  legend($('legend'), cats);
  // The date pickers span the days observed.
  const days = ctx.features.map((f) => (f.properties.observed || '').slice(0, 10)).filter(Boolean).sort();
  for (const id of ['f-from', 'f-to']) {
    $(id).min = days[0] || '';
    $(id).max = days[days.length - 1] || '';
  }
}

function agreementTitle() {
  const a = ctx.agreement;
  document.querySelector('[data-testid="agreement-title"]').textContent = ((a.texts || {})[i18n.current()] || {}).title || a.title || '';
}

// Everything in the reader's language again (after a change of language).
function renderAll() {
  i18n.apply(document);
  agreementTitle();
  verify.render();
  setupFilters();
  applyFilters();
  renderStatus();
  reportLinks(ctx.reportDay);
  if (ctx.selected !== null) select(ctx.selected);
  stamp();
}

async function refresh() {
  try {
    await verify.checkCheckpoint();
    await loadData();
    setupFilters();
    applyFilters();
    renderStatus();
    stamp();
    announce(t('dashboard-announce', { size: i18n.number(ctx.status.log_size), total: i18n.number(ctx.features.length) }));
  } catch (e) {
    announce(t('dashboard-load-failed', { what: t('dashboard-update'), reason: e.message }));
  }
}

function setupReplay() {
  $('replay-form').onsubmit = async (e) => {
    e.preventDefault();
    const out = $('replay-result');
    const bar = $('replay-progress');
    const button = $('replay-button');
    button.disabled = true;
    bar.hidden = false;
    out.dataset.state = 'running';
    out.replaceChildren(tables.el('p', { text: t('dashboard-replay-running') }));
    try {
      const r = await verify.replay($('replay-url').value, (done, total) => {
        bar.max = Math.max(1, total);
        bar.value = done;
        out.firstChild.textContent = t('dashboard-replay-progress', { done: i18n.number(done), total: i18n.number(total) });
      });
      const kids = [];
      if (!r.replayed.ok) {
        out.dataset.state = 'failed';
        kids.push(tables.el('p', { class: 'bad', text: `✗ ${t('dashboard-replay-failed')}` }));
        kids.push(tables.el('ul', { class: 'bad' }, ...(r.replayed.problems || []).map((p) => tables.el('li', { text: p }))));
      } else if (!r.comparison) {
        out.dataset.state = 'failed';
        kids.push(tables.el('p', { class: 'bad', text: `✗ ${t('dashboard-replay-failed')}` }));
      } else if (r.comparison.same) {
        out.dataset.state = 'same';
        kids.push(tables.el('p', { class: 'good', 'data-testid': 'replay-same', text: `✓ ${t('dashboard-replay-same', { size: i18n.number(r.size) })}` }));
      } else {
        out.dataset.state = 'differs';
        kids.push(tables.el('p', { class: 'bad', text: `✗ ${t('dashboard-replay-differs', { count: r.comparison.differences.length })}` }));
        kids.push(tables.el('ul', { class: 'bad', 'data-testid': 'replay-differences' }, ...r.comparison.differences.map((d) => tables.el('li', { text: t('dashboard-replay-difference', { path: d.path, replayed: JSON.stringify(d.replayed), served: JSON.stringify(d.served) }) }))));
      }
      // The entries shown are checked again, now with the monitors' keys.
      if (r.replayed.ok && ctx.selected !== null) select(ctx.selected);
      kids.push(tables.el('p', { class: 'note', text: t('dashboard-replay-fetched', { count: i18n.number(r.tiles), url: r.base || location.origin }) }));
      for (const f of r.replayed.findings || []) kids.push(tables.el('p', { class: 'note', text: `${f.kind}: ${f.detail}` }));
      out.replaceChildren(...kids);
    } catch (err) {
      out.dataset.state = 'failed';
      out.replaceChildren(tables.el('p', { class: 'bad', text: `✗ ${t('dashboard-replay-error', { reason: err.message })}` }));
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  };
}

async function main() {
  const q = new URLSearchParams(location.search);
  const wanted = q.get('lang') || (navigator.language || 'en').slice(0, 2);
  await i18n.load(wanted);
  $('lang').value = i18n.current();
  $('lang').onchange = async () => {
    await i18n.load($('lang').value);
    renderAll();
  };
  // On a phone the legend starts folded: the map comes first.
  if (window.matchMedia && window.matchMedia('(max-width: 600px)').matches) document.querySelector('.legend').open = false;
  ctx.list = new tables.List($('list-body'), $('list-more-button'), (i) => select(i), title);
  $('details-close').onclick = closeDetails;
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDetails();
  });
  let pending = false;
  verify.onChange(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      verify.render();
    });
  });

  const ag = await api.text('/v1/agreement');
  ctx.agreement = JSON.parse(ag.text);
  agreementTitle();
  await verify.start(ag.text, ag.headers.get('x-accord-agreement'));
  verify.render();
  const checkpoint = verify.checkCheckpoint().catch((e) => announce(e.message));

  const mapEl = $('map');
  ctx.map = new MapView(mapEl, (i) => select(i));
  const mapReady = ctx.map.init(ctx.agreement, title).then(() => {
    mapEl.dataset.ready = 'true';
  }).catch((e) => {
    ctx.map = null;
    mapEl.dataset.ready = 'false';
    $('map-error').hidden = false;
    // MapLibre's WebGL failure is a JSON dump: said in words instead.
    const m = e && e.message ? e.message : String(e);
    const reason = /webgl|^\{/i.test(m) || m.length > 160 ? t('dashboard-map-no-webgl') : m;
    $('map-error').textContent = t('dashboard-map-failed', { reason });
    mapEl.hidden = true;
  });

  await loadData();
  setupFilters();
  await mapReady;
  applyFilters();
  renderStatus();
  $('report-day').value = ctx.status.last_complete_period || '';
  $('report-day').onchange = () => reportLinks($('report-day').value);
  $('report-period').onchange = () => reportLinks($('report-day').value);
  reportLinks(ctx.status.last_complete_period);
  setupReplay();
  await checkpoint;
  stamp();
  document.body.dataset.ready = 'true';
  // For browser tests and the curious: the MapLibre map (to find an
  // observation's pixel with map.project) and the selection.
  window.accordDashboard = { map: ctx.map ? ctx.map.map : null, select, features: () => ctx.features };
  const obs = Number(q.get('obs'));
  if (q.get('obs') && ctx.byIndex.has(obs)) select(obs);
  live.start(refresh, (state, text) => {
    $('live-state').textContent = text;
    $('live-state').dataset.state = state;
  });
}

main().catch((e) => {
  document.body.dataset.ready = 'error';
  const p = document.createElement('p');
  p.className = 'bad';
  p.dataset.testid = 'load-error';
  p.textContent = t('dashboard-load-failed', { what: t('dashboard-title'), reason: e.message });
  $('main').prepend(p);
});
