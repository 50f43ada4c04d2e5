// The map: MapLibre GL over an embedded base layer of borders (Natural
// Earth via world-atlas, converted with topojson-client), the agreement's
// own zones, and the observations as icons, coloured by kind (Okabe–Ito)
// with a shape for each kind and a fill for each verification state, so
// that colour is never the only cue. No tile server, no glyphs: nothing is
// fetched from outside this origin (icons are drawn here; cluster counts are
// HTML markers).

import { t, word } from './i18n.js';

// Kinds of observation, by what they are about: colour, shape, categories.
export const GROUPS = [
  { id: 'violence', colour: '#D55E00', shape: 'triangle', categories: ['ceasefire_violation', 'armed_attack', 'civilian_casualties', 'infrastructure_damage'] },
  { id: 'weapons', colour: '#0072B2', shape: 'square', categories: ['weapon_sighting', 'withdrawal_verified', 'storage_visit', 'force_presence', 'troop_movement', 'disengagement_presence'] },
  { id: 'movement', colour: '#CC79A7', shape: 'diamond', categories: ['freedom_of_movement'] },
  { id: 'crossings', colour: '#009E73', shape: 'circle', categories: ['crossing_status', 'route_status', 'displaced_return'] },
  { id: 'humanitarian', colour: '#56B4E9', shape: 'hexagon', categories: ['prisoner_exchange', 'remains_exchange', 'handover'] },
  { id: 'mines', colour: '#E69F00', shape: 'plus', categories: ['mines_uxo'] },
  { id: 'local', colour: '#F0E442', shape: 'star', categories: ['localised_ceasefire'] },
  { id: 'other', colour: '#000000', shape: 'circle', categories: [] },
];
export const VSTATES = ['verified', 'reported', 'disputed'];

export function groupOf(category) {
  return GROUPS.find((g) => g.categories.includes(category)) || GROUPS[GROUPS.length - 1];
}

// verified, reported (only) or disputed (a dispute open, or upheld).
export function vstate(o) {
  if (o.standing === 'disputed' || o.standing === 'withdrawn' || o.disputed_by) return 'disputed';
  return o.verified ? 'verified' : 'reported';
}

function path(ctx, shape, c, r) {
  ctx.beginPath();
  const poly = (n, rot, rr = r) => {
    for (let i = 0; i < n; i++) {
      const a = rot + (i * 2 * Math.PI) / n;
      const x = c + rr * Math.cos(a);
      const y = c + rr * Math.sin(a);
      if (i) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
    }
    ctx.closePath();
  };
  switch (shape) {
    case 'triangle': poly(3, -Math.PI / 2, r * 1.15); break;
    case 'square': ctx.rect(c - r * 0.85, c - r * 0.85, r * 1.7, r * 1.7); break;
    case 'diamond': poly(4, -Math.PI / 2, r * 1.1); break;
    case 'hexagon': poly(6, 0); break;
    case 'plus': {
      const w = r * 0.42;
      ctx.moveTo(c - w, c - r); ctx.lineTo(c + w, c - r); ctx.lineTo(c + w, c - w); ctx.lineTo(c + r, c - w);
      ctx.lineTo(c + r, c + w); ctx.lineTo(c + w, c + w); ctx.lineTo(c + w, c + r); ctx.lineTo(c - w, c + r);
      ctx.lineTo(c - w, c + w); ctx.lineTo(c - r, c + w); ctx.lineTo(c - r, c - w); ctx.lineTo(c - w, c - w);
      ctx.closePath();
      break;
    }
    case 'star': {
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 ? r * 0.5 : r * 1.1;
        const x = c + rr * Math.cos(a);
        const y = c + rr * Math.sin(a);
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      }
      ctx.closePath();
      break;
    }
    default: ctx.arc(c, c, r, 0, 2 * Math.PI);
  }
}

// An icon: the kind's shape and colour; verified filled with a dark edge,
// reported-only hollow (white inside, a thick edge in the kind's colour),
// disputed filled and struck through.
export function drawIcon(group, vs, px = 22, ratio = 1) {
  const size = Math.round(px * ratio);
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  const c = size / 2;
  const r = size * 0.36;
  path(ctx, group.shape, c, r);
  if (vs === 'reported') {
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = size * 0.14;
    ctx.strokeStyle = group.colour === '#F0E442' ? '#8a7d00' : group.colour;
    ctx.stroke();
    path(ctx, group.shape, c, r * 1.22);
    ctx.lineWidth = size * 0.04;
    ctx.strokeStyle = '#000000';
    ctx.stroke();
  } else {
    ctx.fillStyle = group.colour;
    ctx.fill();
    ctx.lineWidth = size * 0.07;
    ctx.strokeStyle = '#000000';
    ctx.stroke();
  }
  if (vs === 'disputed') {
    ctx.beginPath();
    ctx.moveTo(size * 0.12, size * 0.88);
    ctx.lineTo(size * 0.88, size * 0.12);
    ctx.lineWidth = size * 0.16;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.lineWidth = size * 0.08;
    ctx.strokeStyle = '#000000';
    ctx.stroke();
  }
  return canvas;
}

// Pixels for `metres` on the ground at about 48° N, by zoom (MapLibre's
// world is 512 × 2^zoom pixels wide): an exponential interpolation, so
// that a zone's width is to scale at every zoom.
function toScale(metres) {
  const perPixelAtZ0 = (40075016.686 * Math.cos((48 * Math.PI) / 180)) / 512;
  const z0 = metres / perPixelAtZ0;
  return ['interpolate', ['exponential', 2], ['zoom'], 0, z0, 22, z0 * 2 ** 22];
}

const ZONE_STYLE = {
  // Ukraine's side lighter than the land around, the Russian Federation's
  // tinted: told apart by lightness, not hue, and never like the sea.
  controlled_UA: { fill: '#ffffff', opacity: 0.55 },
  controlled_RU: { fill: '#E69F00', opacity: 0.2 },
};

export class MapView {
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.map = null;
    this.ready = null;
    this.markers = [];
    this.selected = null;
  }

  // Builds the map; resolves when it can take data. Throws (after saying
  // so under the map) when the browser cannot draw it (no WebGL).
  async init(agreement, titleOf) {
    const ml = window.maplibregl;
    if (!ml) throw new Error(t('dashboard-map-failed', { reason: 'MapLibre did not load' }));
    ml.setWorkerUrl(new URL('vendor/maplibre-gl-csp-worker.js', location.href).href);
    const borders = await this.borders();
    const zones = zoneFeatures(agreement, titleOf);
    const bounds = bbox(zones.features.filter((f) => f.properties.kind !== 'buffer'));
    this.map = new ml.Map({
      container: this.container,
      style: { version: 8, sources: {}, layers: [{ id: 'sea', type: 'background', paint: { 'background-color': '#c6dbe8' } }] },
      bounds: bounds || [[22, 44], [41, 53]],
      fitBoundsOptions: { padding: 30 },
      attributionControl: { compact: true, customAttribution: 'Natural Earth' },
      cooperativeGestures: false,
      locale: { 'Map.Title': t('dashboard-map'), 'NavigationControl.ZoomIn': t('dashboard-zoom-in'), 'NavigationControl.ZoomOut': t('dashboard-zoom-out') },
    });
    this.map.addControl(new ml.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new ml.ScaleControl({ unit: 'metric' }), 'bottom-left');
    await new Promise((resolve, reject) => {
      this.map.once('load', resolve);
      this.map.once('error', (e) => reject(e.error || new Error('the map failed')));
    });
    this.layers(borders, zones, agreement);
    this.container.dataset.zones = String(zones.features.length);
    this.container.dataset.borders = String(borders.features.length);
    this.map.on('moveend', () => this.counts());
    this.map.on('sourcedata', (e) => {
      if (e.sourceId === 'obs' && e.isSourceLoaded) this.counts();
    });
  }

  async borders() {
    try {
      const r = await fetch('vendor/countries-50m.json');
      const topo = await r.json();
      return window.topojson.feature(topo, topo.objects.countries);
    } catch {
      return { type: 'FeatureCollection', features: [] };
    }
  }

  layers(borders, zones, agreement) {
    const m = this.map;
    m.addSource('borders', { type: 'geojson', data: borders });
    m.addLayer({ id: 'land', type: 'fill', source: 'borders', paint: { 'fill-color': '#f4f3ee' } });
    m.addLayer({ id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#8c8c8c', 'line-width': 1 } });
    m.addSource('zones', { type: 'geojson', data: zones });
    const kind = (k) => ['==', ['get', 'kind'], k];
    m.addLayer({ id: 'controlled', type: 'fill', source: 'zones', filter: kind('controlled_area'),
      paint: { 'fill-color': ['match', ['get', 'party'], 'RU', ZONE_STYLE.controlled_RU.fill, ZONE_STYLE.controlled_UA.fill], 'fill-opacity': ['match', ['get', 'party'], 'RU', ZONE_STYLE.controlled_RU.opacity, ZONE_STYLE.controlled_UA.opacity] } });
    m.addLayer({ id: 'regions', type: 'line', source: 'zones', filter: kind('region'), paint: { 'line-color': '#6b6b6b', 'line-width': 0.8, 'line-dasharray': [3, 2] } });
    // The security zone: a band `distance_km` either side of its line.
    for (const f of zones.features.filter((x) => x.properties.kind === 'buffer')) {
      m.addLayer({ id: `buffer-${f.properties.id}`, type: 'line', source: 'zones', filter: ['==', ['get', 'id'], f.properties.around],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#F0E442', 'line-opacity': 0.45, 'line-width': toScale(2 * 1000 * f.properties.distance_km) } });
    }
    // Withdrawal lines: each party's reference line moved back by each
    // distance the agreement sets, to its own side (the line of contact
    // has `left` and `right` parties), computed once here (MapLibre's
    // line-offset draws loops at this scale).
    const kms = [...new Set(Object.values(agreement.weapon_classes || {}).map((w) => w.withdrawal_km).filter(Boolean))].sort((a, b) => a - b);
    const lines = (agreement.withdrawal && agreement.withdrawal.reference_lines) || {};
    const loc = (agreement.zones || {}).line_of_contact || {};
    const withdrawal = [];
    for (const [party, zone] of Object.entries(lines)) {
      const z = (agreement.zones || {})[zone];
      if (!z || !z.geometry || z.geometry.type !== 'LineString') continue;
      const side = party === loc.left ? -1 : 1;
      for (const km of kms) {
        withdrawal.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: offsetLine(z.geometry.coordinates, side * km * 1000) }, properties: { party, km } });
      }
    }
    m.addSource('withdrawal', { type: 'geojson', data: { type: 'FeatureCollection', features: withdrawal } });
    m.addLayer({ id: 'withdrawal-lines', type: 'line', source: 'withdrawal', layout: { 'line-join': 'round' },
      paint: { 'line-color': ['match', ['get', 'party'], 'RU', '#9a4a00', '#005a8c'], 'line-width': 1.2, 'line-dasharray': [3, 3] } });
    m.addLayer({ id: 'disengagement', type: 'fill', source: 'zones', filter: kind('disengagement_area'), paint: { 'fill-color': '#CC79A7', 'fill-opacity': 0.35 } });
    m.addLayer({ id: 'disengagement-edge', type: 'line', source: 'zones', filter: kind('disengagement_area'), paint: { 'line-color': '#7a2e5c', 'line-width': 1.5 } });
    m.addLayer({ id: 'reference-line', type: 'line', source: 'zones', filter: kind('reference_line'), paint: { 'line-color': '#333333', 'line-width': 1.5, 'line-dasharray': [4, 2] } });
    m.addLayer({ id: 'line-of-contact', type: 'line', source: 'zones', filter: kind('line_of_contact'), layout: { 'line-join': 'round' }, paint: { 'line-color': '#000000', 'line-width': 2.5 } });
    m.addLayer({ id: 'crossings', type: 'circle', source: 'zones', filter: kind('crossing'),
      paint: { 'circle-radius': 7, 'circle-color': '#ffffff', 'circle-stroke-color': '#009E73', 'circle-stroke-width': 3 } });

    const ratio = window.devicePixelRatio || 1;
    for (const g of GROUPS) {
      for (const vs of VSTATES) {
        const c = drawIcon(g, vs, 22, ratio);
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        m.addImage(`${g.id}-${vs}`, { width: c.width, height: c.height, data: new Uint8Array(data.data.buffer) }, { pixelRatio: ratio });
      }
    }
    m.addSource('obs', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, cluster: true, clusterMaxZoom: 14, clusterRadius: 32 });
    m.addLayer({ id: 'clusters', type: 'circle', source: 'obs', filter: ['has', 'point_count'],
      paint: { 'circle-color': '#ffffff', 'circle-opacity': 0.92, 'circle-stroke-color': '#1b1b1b', 'circle-stroke-width': 2,
        'circle-radius': ['step', ['get', 'point_count'], 13, 10, 17, 50, 22, 200, 28] } });
    m.addLayer({ id: 'obs-selected', type: 'circle', source: 'obs', filter: ['==', ['get', 'index'], -1],
      paint: { 'circle-radius': 16, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#0050b3', 'circle-stroke-width': 4 } });
    m.addLayer({ id: 'obs-points', type: 'symbol', source: 'obs', filter: ['!', ['has', 'point_count']],
      layout: { 'icon-image': ['concat', ['get', 'group'], '-', ['get', 'vstate']], 'icon-allow-overlap': true, 'icon-ignore-placement': true } });

    m.on('click', 'obs-points', (e) => {
      const f = e.features && e.features[0];
      if (f) this.onSelect(Number(f.properties.index));
    });
    m.on('click', 'clusters', async (e) => {
      const f = e.features && e.features[0];
      if (!f) return;
      const src = m.getSource('obs');
      const zoom = await src.getClusterExpansionZoom(f.properties.cluster_id);
      if (zoom <= 14 && zoom > m.getZoom()) {
        m.easeTo({ center: f.geometry.coordinates, zoom });
        return;
      }
      // Observations at one place do not come apart by zooming: list them.
      const leaves = await src.getClusterLeaves(f.properties.cluster_id, 50, 0);
      const ul = document.createElement('ul');
      ul.className = 'cluster-list';
      for (const l of leaves.sort((a, b) => b.properties.index - a.properties.index)) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'row-open';
        b.textContent = `${t('dashboard-entry', { index: l.properties.index })}: ${word('common-category', l.properties.category)}`;
        b.onclick = () => this.onSelect(Number(l.properties.index));
        const li = document.createElement('li');
        li.append(b);
        ul.append(li);
      }
      new window.maplibregl.Popup({ maxWidth: '320px' }).setLngLat(f.geometry.coordinates).setDOMContent(ul).addTo(m);
    });
    for (const id of ['obs-points', 'clusters']) {
      m.on('mouseenter', id, () => { m.getCanvas().style.cursor = 'pointer'; });
      m.on('mouseleave', id, () => { m.getCanvas().style.cursor = ''; });
    }
  }

  // Shows these observations (index rows as GeoJSON features).
  show(features) {
    if (!this.map) return;
    const data = {
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { index: f.properties.index, category: f.properties.category, group: groupOf(f.properties.category).id, vstate: vstate(f.properties) },
      })),
    };
    this.map.getSource('obs').setData(data);
    this.container.dataset.shown = String(features.length);
  }

  select(index, feature) {
    this.selected = index;
    if (!this.map) return;
    this.map.setFilter('obs-selected', ['==', ['get', 'index'], index ?? -1]);
    if (feature && feature.geometry) {
      const [lon, lat] = feature.geometry.coordinates;
      if (!this.map.getBounds().contains([lon, lat])) this.map.easeTo({ center: [lon, lat] });
    }
  }

  // The clusters' counts, as HTML markers (no glyphs needed).
  counts() {
    const ml = window.maplibregl;
    for (const mk of this.markers) mk.remove();
    this.markers = [];
    if (!this.map || !this.map.getLayer('clusters')) return;
    const seen = new Set();
    for (const f of this.map.queryRenderedFeatures({ layers: ['clusters'] })) {
      const id = f.properties.cluster_id;
      if (seen.has(id)) continue;
      seen.add(id);
      const el = document.createElement('span');
      el.className = 'cluster-count';
      el.setAttribute('aria-hidden', 'true');
      el.textContent = String(f.properties.point_count);
      this.markers.push(new ml.Marker({ element: el }).setLngLat(f.geometry.coordinates).addTo(this.map));
    }
    this.container.dataset.clusters = String(seen.size);
  }
}

// A line moved sideways by `metres` (positive: to the right of its
// direction), in a local flat projection: simplified first to a tolerance
// of a third of the distance, so that the front's small turns do not make
// loops, then each vertex moved along its mitred normal.
export function offsetLine(coords, metres) {
  const lat0 = coords.reduce((a, c) => a + c[1], 0) / coords.length;
  const kx = 111320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110574;
  const pts = simplify(coords.map(([lon, lat]) => [lon * kx, lat * ky]), Math.abs(metres) / 3);
  const normal = (a, b) => {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const l = Math.hypot(dx, dy) || 1;
    return [dy / l, -dx / l];
  };
  return pts.map((p, i) => {
    const n1 = i > 0 ? normal(pts[i - 1], p) : null;
    const n2 = i < pts.length - 1 ? normal(p, pts[i + 1]) : null;
    let n = n1 && n2 ? [n1[0] + n2[0], n1[1] + n2[1]] : n1 || n2;
    const l = Math.hypot(n[0], n[1]) || 1;
    n = [n[0] / l, n[1] / l];
    const ref = n1 || n2;
    const miter = Math.min(2, 1 / Math.max(0.5, n[0] * ref[0] + n[1] * ref[1]));
    return [(p[0] + n[0] * metres * miter) / kx, (p[1] + n[1] * metres * miter) / ky];
  });
}

// Douglas–Peucker.
function simplify(pts, tolerance) {
  if (pts.length < 3) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [x1, y1] = pts[a];
    const [x2, y2] = pts[b];
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    let far = -1;
    let best = tolerance;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs((x2 - x1) * (y1 - pts[i][1]) - (x1 - pts[i][0]) * (y2 - y1)) / len;
      if (d > best) {
        best = d;
        far = i;
      }
    }
    if (far > 0) {
      keep[far] = 1;
      stack.push([a, far], [far, b]);
    }
  }
  return pts.filter((_, i) => keep[i]);
}

function zoneFeatures(agreement, titleOf) {
  const features = [];
  for (const [id, z] of Object.entries(agreement.zones || {})) {
    const props = { id, kind: z.kind, party: z.party || null, title: titleOf('zones', id), around: z.around || null, distance_km: z.distance_km || null };
    features.push({ type: 'Feature', geometry: z.geometry || null, properties: props });
  }
  return { type: 'FeatureCollection', features: features.filter((f) => f.geometry || f.properties.kind === 'buffer').map((f) => (f.geometry ? f : { ...f, geometry: { type: 'Point', coordinates: [0, 0] } })) };
}

function bbox(features) {
  let w = 180, s = 90, e = -180, n = -90;
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else for (const x of c) visit(x);
  };
  // The front and what is near it, not the whole of each side's territory.
  for (const f of features) if (f.geometry && !['region', 'controlled_area', 'buffer'].includes(f.properties.kind)) visit(f.geometry.coordinates);
  return w <= e ? [[w, s], [e, n]] : null;
}

// The legend, in words with the same icons and strokes as the map.
export function legend(el, categoriesSeen) {
  const h = (tag, text) => { const x = document.createElement(tag); if (text) x.textContent = text; return x; };
  const kinds = h('ul');
  for (const g of GROUPS) {
    const cats = g.categories.filter((c) => categoriesSeen.includes(c));
    if (g.id === 'other' && !categoriesSeen.some((c) => groupOf(c).id === 'other')) continue;
    if (g.id !== 'other' && !cats.length) continue;
    const li = h('li');
    const icon = drawIcon(g, 'verified', 20, 1);
    icon.setAttribute('aria-hidden', 'true');
    li.append(icon, h('span', `${t(`dashboard-group-${g.id}`)}${cats.length ? ` (${cats.map((c) => word('common-category', c)).join(', ')})` : ''}`));
    li.dataset.testid = `legend-kind-${g.id}`;
    kinds.append(li);
  }
  const states = h('ul');
  for (const vs of VSTATES) {
    const li = h('li');
    const icon = drawIcon(GROUPS[0], vs, 20, 1);
    icon.setAttribute('aria-hidden', 'true');
    li.append(icon, h('span', t(`dashboard-vstate-${vs}`)));
    states.append(li);
  }
  const zones = h('ul');
  const sw = (style, label) => {
    const li = h('li');
    const s = h('span');
    s.className = 'swatch';
    s.setAttribute('aria-hidden', 'true');
    // Through the CSSOM: the CSP's style-src 'self' refuses style attributes.
    for (const decl of style.split(';')) {
      const [k, v] = decl.split(':');
      s.style.setProperty(k, v);
    }
    li.append(s, h('span', label));
    zones.append(li);
  };
  for (const [style, label] of [
    ['background:#000;height:4px', t('dashboard-zone-line-of-contact')],
    ['background:repeating-linear-gradient(90deg,#333 0 8px,transparent 8px 12px);height:3px', t('dashboard-zone-reference-line')],
    ['background:rgba(240,228,66,.6)', t('dashboard-zone-security')],
    ['background:repeating-linear-gradient(90deg,#005a8c 0 5px,transparent 5px 10px);height:2px', t('dashboard-zone-withdrawal')],
    ['background:rgba(204,121,167,.5);border-color:#7a2e5c', t('dashboard-zone-disengagement')],
    ['background:#fbfaf7', t('dashboard-zone-ua')],
    ['background:#f1dcae', t('dashboard-zone-ru')],
    ['background:#fff;border:3px solid #009E73;border-radius:50%;width:14px', t('dashboard-zone-crossing')],
    ['background:#fff;border:2px solid #1b1b1b;border-radius:50%;width:18px;height:18px', t('dashboard-cluster')],
  ]) sw(style, label);
  el.replaceChildren(h('h3', t('dashboard-legend-kinds')), kinds, h('h3', t('dashboard-legend-states')), states, h('h3', t('dashboard-legend-zones')), zones);
}
