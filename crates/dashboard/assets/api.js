// What the page asks the server (its own origin only; see the README of
// accord-dashboard for each route). Nothing here is trusted: what matters is
// checked in verify.js.

export class HttpError extends Error {
  constructor(url, status, detail) {
    super(`${url}: HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.status = status;
  }
}

async function get(url, init) {
  const r = await fetch(url, init);
  if (!r.ok) {
    let detail = '';
    try {
      const p = await r.json();
      detail = p.detail || '';
    } catch {
      // Not a problem document: the status says enough.
    }
    throw new HttpError(url, r.status, detail);
  }
  return r;
}

export async function text(url) {
  const r = await get(url, { cache: 'no-cache' });
  return { text: await r.text(), headers: r.headers };
}

export async function json(url) {
  const r = await get(url, { cache: 'no-cache' });
  return r.json();
}

export async function bytes(url) {
  const r = await get(url);
  return new Uint8Array(await r.arrayBuffer());
}

// The URL of the next page from a `Link: <…>; rel="next"` header.
export function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (m) return m[1];
  }
  return null;
}

// Every observation, as GeoJSON features, following the pages the server
// links (`Link: rel=next`), so that none is left out.
export async function allObservations(onPage) {
  const features = [];
  let url = '/v1/observations?format=geojson&limit=1000';
  for (let pages = 0; url && pages < 10000; pages++) {
    const r = await get(url, { cache: 'no-cache' });
    const page = await r.json();
    features.push(...(page.features || []));
    if (onPage) onPage(features.length);
    url = nextLink(r.headers.get('link')) || (page.next ? `/v1/observations?format=geojson&limit=1000&cursor=${encodeURIComponent(page.next)}` : null);
  }
  return features;
}
