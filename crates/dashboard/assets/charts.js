// Daily charts of violations by region against the previous period, drawn
// as SVG from the report's own figures (/v1/report/{day}?format=json), each
// with a title and a description, and the same numbers as a table.

import { t, number, date } from './i18n.js';
import { el } from './tables.js';

const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 4', '3 1'];

function svg(tag, attrs = {}, ...kids) {
  const x = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) x.setAttribute(k, String(v));
  for (const k of kids) if (k) x.append(k);
  return x;
}

const value = (fig) => (fig && fig.value !== undefined ? Number(fig.value) : 0);

export function render(div, report, title) {
  div.replaceChildren();
  if (!report || !report.violations) {
    div.append(el('p', { text: t('dashboard-no-data') }));
    return;
  }
  const day = report.header && report.header.day;
  div.append(bars(report, title, day), series(report, title));
}

// Verified violations by region: this period against the one before.
function bars(report, title, day) {
  const rows = (report.violations.by_region || []).map((r) => ({
    region: title('zones', r.region),
    now: value(r.now && r.now.verified),
    before: value(r.before && r.before.verified),
    reportedNow: value(r.now && r.now.reported),
  }));
  const max = Math.max(1, ...rows.flatMap((r) => [r.now, r.before]));
  // Room for the longest region's name (about 6.5 px a character at 12 px).
  const longest = Math.max(8, ...rows.map((r) => r.region.length));
  const W = 640, rowH = 30, left = Math.min(300, 16 + Math.ceil(longest * 6.5)), top = 28;
  const H = top + rows.length * rowH + 30;
  const scale = (v) => ((W - left - 50) * v) / max;
  const p = report.header && report.header.period;
  const span = p && p.first && p.last && p.first !== p.last ? `${date(p.first)} – ${date(p.last)}` : day ? date(day) : '';
  const heading = t('dashboard-chart-regions', { day: span });
  const id = 'chart-regions';
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, 'data-testid': 'chart-regions' },
    svg('title', { id: `${id}-t` }), svg('desc', { id: `${id}-d` }));
  s.querySelector('title').textContent = heading;
  s.querySelector('desc').textContent = rows.map((r) => `${r.region}: ${r.now} (${r.before})`).join('; ');
  // Key: this period solid, the previous hatched lighter.
  s.append(svg('rect', { x: left, y: 6, width: 14, height: 12, fill: '#D55E00' }), svg('text', { x: left + 20, y: 17, 'font-size': 12 }));
  s.lastChild.textContent = t('dashboard-chart-now');
  s.append(svg('rect', { x: left + 180, y: 6, width: 14, height: 12, fill: '#ffffff', stroke: '#555', 'stroke-width': 2, 'stroke-dasharray': '3 2' }), svg('text', { x: left + 200, y: 17, 'font-size': 12 }));
  s.lastChild.textContent = t('dashboard-chart-before');
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = svg('text', { x: left - 8, y: y + 18, 'text-anchor': 'end', 'font-size': 12 });
    label.textContent = r.region;
    s.append(label);
    s.append(svg('rect', { x: left, y: y + 3, width: Math.max(0.5, scale(r.now)), height: 11, fill: '#D55E00' }));
    s.append(svg('rect', { x: left, y: y + 15, width: Math.max(0.5, scale(r.before)), height: 9, fill: '#ffffff', stroke: '#555', 'stroke-width': 1.5, 'stroke-dasharray': '3 2' }));
    const n = svg('text', { x: left + scale(Math.max(r.now, r.before)) + 6, y: y + 18, 'font-size': 12 });
    n.textContent = `${number(r.now)} / ${number(r.before)}`;
    s.append(n);
  });
  const table = el('table', { 'data-testid': 'chart-regions-table' },
    el('caption', { text: heading }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('dashboard-region') }), el('th', { scope: 'col', text: t('dashboard-chart-now') }), el('th', { scope: 'col', text: t('dashboard-chart-reported-now') }), el('th', { scope: 'col', text: t('dashboard-chart-before') }))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, el('th', { scope: 'row', text: r.region }), el('td', { class: 'num', text: number(r.now) }), el('td', { class: 'num', text: number(r.reportedNow) }), el('td', { class: 'num', text: number(r.before) })))));
  return el('figure', {}, el('figcaption', { text: heading }), s, el('details', {}, el('summary', { text: t('dashboard-chart-numbers') }), table));
}

// Verified violations day by day, a line per region (colour and dash).
function series(report, title) {
  const sr = report.series || {};
  const regions = (sr.violations || []).filter((r) => (r.points || []).length);
  const heading = t('dashboard-chart-series', { from: sr.first ? date(sr.first) : '', to: sr.last ? date(sr.last) : '' });
  if (!regions.length || !sr.first || !sr.last) return el('p', { text: t('dashboard-no-data') });
  const d0 = new Date(`${sr.first}T00:00:00Z`);
  const days = Math.max(1, Math.round((new Date(`${sr.last}T00:00:00Z`) - d0) / 86400000));
  const max = Math.max(1, ...regions.flatMap((r) => r.points.map((p) => value(p.count && p.count.verified))));
  const W = 640, H = 240, left = 40, bottom = 24, top = 10, right = 10;
  const x = (period) => left + ((W - left - right) * Math.round((new Date(`${period}T00:00:00Z`) - d0) / 86400000)) / days;
  const y = (v) => H - bottom - ((H - bottom - top) * v) / max;
  const id = 'chart-series';
  const s = svg('svg', { viewBox: `0 0 ${W} ${H + regions.length * 16}`, role: 'img', 'aria-labelledby': `${id}-t`, 'data-testid': 'chart-series' }, svg('title', { id: `${id}-t` }));
  s.querySelector('title').textContent = heading;
  s.append(svg('line', { x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, stroke: '#555' }), svg('line', { x1: left, y1: top, x2: left, y2: H - bottom, stroke: '#555' }));
  const maxLabel = svg('text', { x: left - 4, y: top + 10, 'text-anchor': 'end', 'font-size': 11 });
  maxLabel.textContent = number(max);
  const zero = svg('text', { x: left - 4, y: H - bottom, 'text-anchor': 'end', 'font-size': 11 });
  zero.textContent = '0';
  const first = svg('text', { x: left, y: H - 6, 'font-size': 11 });
  first.textContent = sr.first;
  const last = svg('text', { x: W - right, y: H - 6, 'font-size': 11, 'text-anchor': 'end' });
  last.textContent = sr.last;
  s.append(maxLabel, zero, first, last);
  regions.forEach((r, i) => {
    const pts = r.points.map((p) => `${x(p.period).toFixed(1)},${y(value(p.count && p.count.verified)).toFixed(1)}`).join(' ');
    s.append(svg('polyline', { points: pts, fill: 'none', stroke: COLOURS[i % COLOURS.length], 'stroke-width': 2, 'stroke-dasharray': DASHES[i % DASHES.length] }));
    const ky = H + 10 + i * 16;
    s.append(svg('line', { x1: left, y1: ky - 4, x2: left + 30, y2: ky - 4, stroke: COLOURS[i % COLOURS.length], 'stroke-width': 2, 'stroke-dasharray': DASHES[i % DASHES.length] }));
    const k = svg('text', { x: left + 36, y: ky, 'font-size': 12 });
    k.textContent = title('zones', r.region);
    s.append(k);
  });
  const periods = [...new Set(regions.flatMap((r) => r.points.map((p) => p.period)))].sort();
  const table = el('table', { 'data-testid': 'chart-series-table' },
    el('caption', { text: heading }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('dashboard-day') }), ...regions.map((r) => el('th', { scope: 'col', text: title('zones', r.region) })))),
    el('tbody', {}, ...periods.map((p) => el('tr', {}, el('th', { scope: 'row', text: p }), ...regions.map((r) => {
      const pt = r.points.find((q) => q.period === p);
      return el('td', { class: 'num', text: number(pt ? value(pt.count && pt.count.verified) : 0) });
    })))));
  return el('figure', {}, el('figcaption', { text: heading }), s, el('details', {}, el('summary', { text: t('dashboard-chart-numbers') }), el('div', { class: 'table-scroll', tabindex: '0', role: 'group', 'aria-label': heading }, table)));
}
