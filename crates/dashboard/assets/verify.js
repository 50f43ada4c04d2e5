// Trust nothing the server says: the agreement's hash, the checkpoint's
// log signature and witness cosignatures, each entry's inclusion proof and
// signatures, and the evaluator's replay are checked here, in the browser,
// by the project's own verifier compiled to WebAssembly (wasm/, built by
// scripts/build-wasm.sh). When the verifier does not load, the page says
// so in red: nothing is then verified.

import { t } from './i18n.js';
import * as api from './api.js';

const state = {
  loaded: false,
  loadError: null,
  v: null,
  agreement: null, // v.agreement()
  headerHash: null, // what the server claims (X-Accord-Agreement)
  browserHash: null, // crypto.subtle's SHA-256 of the text, when the verifier is missing
  pin: null,
  checkpoint: null, // v.checkpoint() of the current /checkpoint
  checkpointText: null,
  checkpointError: null,
  entries: new Map(), // index -> result (promise until settled)
  replay: null,
  statusAgreement: null, // the agreement the server's status says it judges by
  versionProblems: [], // amended texts the verifier refused
  listing: null, // index -> the server's GeoJSON feature of that observation
  listeners: [],
};

export function onChange(f) {
  state.listeners.push(f);
}
function changed() {
  for (const f of state.listeners) f();
}

// The pin the reader was given: `#agreement=sha256:<64 hex>` in the URL.
export function pinFromUrl() {
  const m = location.hash.match(/agreement=(sha256:[0-9a-fA-F]{64})/);
  return m ? m[1].toLowerCase() : null;
}

export async function start(agreementText, headerHash) {
  state.pin = pinFromUrl();
  state.headerHash = headerHash;
  try {
    const mod = await import('./wasm/accord_web.js');
    await mod.default();
    state.v = new mod.Verifier(agreementText, state.pin);
    // The amended texts the server judges by (after an amendment in the
    // log), so that a replay here judges as the server does. Each is
    // checked by the verifier; one that is not a text of this agreement is
    // said in red.
    state.versionProblems = [];
    try {
      const listed = (await api.json('/v1/agreement/versions')).versions || [];
      for (const x of listed.slice(1)) {
        const r = JSON.parse(state.v.add_version(x.canonical));
        if (!r.ok) state.versionProblems.push(...(r.problems || [`version ${x.hash}`]));
      }
    } catch (e) {
      state.versionProblems.push(t('dashboard-trust-versions-failed', { reason: String(e.message || e) }));
    }
    state.agreement = JSON.parse(state.v.agreement());
    state.loaded = true;
  } catch (e) {
    state.loadError = String(e && e.message ? e.message : e);
    // Without the verifier the page still shows what the server says, and
    // computes the agreement's hash itself where the browser can.
    try {
      const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(agreementText));
      state.browserHash = `sha256:${[...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    } catch {
      state.browserHash = null;
    }
  }
  changed();
  return state.loaded;
}

// The agreement hash the server's status names: it must be the one
// verified here, or the status is about another agreement.
export function noteStatusAgreement(hash) {
  state.statusAgreement = hash || null;
  changed();
}

export function loaded() {
  return state.loaded;
}

// Concurrent callers (every entry whose proof leads past the checkpoint
// shown, after the log grew) share one fetch and one verification.
let checkpointInFlight = null;

export function checkCheckpoint() {
  if (!checkpointInFlight) {
    checkpointInFlight = fetchCheckpoint().finally(() => {
      checkpointInFlight = null;
    });
  }
  return checkpointInFlight;
}

async function fetchCheckpoint() {
  let text;
  try {
    ({ text } = await api.text('/checkpoint'));
    state.checkpointError = null;
  } catch (e) {
    // No checkpoint, no trust: said in red.
    state.checkpointError = String(e.message || e);
    changed();
    throw e;
  }
  state.checkpointText = text;
  if (state.loaded) {
    try {
      state.checkpoint = JSON.parse(state.v.checkpoint(text));
    } catch (e) {
      state.checkpoint = { ok: false, problems: [String(e.message || e)], log_signature: 'invalid', witnesses: { policy: false, cosigned: [], short: [] } };
    }
  }
  changed();
  return state.checkpoint;
}

export function checkpointSize() {
  if (state.checkpoint && state.checkpoint.size !== undefined) return Number(state.checkpoint.size);
  if (state.checkpointText) return Number(state.checkpointText.split('\n')[1]);
  return null;
}

// One entry's inclusion proof and signatures, once; concurrent callers
// share the check. Resolves to the verifier's result, or to a result that
// says why there is none.
const queue = [];
let running = 0;
const PARALLEL = 4;

export function entry(index) {
  if (state.entries.has(index)) return state.entries.get(index);
  const p = new Promise((resolve) => queue.push({ index, resolve, gen: generation }));
  state.entries.set(index, p);
  pump();
  return p;
}

export function entryResult(index) {
  const r = state.entries.get(index);
  return r && !(r instanceof Promise) ? r : null;
}

// Bumped when the verifier learns keys (a replay): a check begun before
// does not overwrite the one begun after.
let generation = 0;

function pump() {
  while (running < PARALLEL && queue.length) {
    const { index, resolve, gen } = queue.shift();
    running++;
    checkEntry(index)
      .then((r) => {
        if (gen === generation) state.entries.set(index, r);
        resolve(r);
        changed();
      })
      .finally(() => {
        running--;
        pump();
      });
  }
}

// What the server's list of observations says of each entry (the map and
// the list draw from it): held against the signed statement the proof
// covers, so that a list which places, dates or names an observation
// otherwise than its signed entry is caught, not only a changed entry.
export function listing(features) {
  const next = new Map(features.map((f) => [f.properties.index, f]));
  // An entry already checked whose listing changed is checked again
  // against the new one (only those: the rest are checked when shown).
  if (state.listing) {
    for (const i of [...state.entries.keys()]) {
      const old = state.listing.get(i);
      const now = next.get(i);
      if (old && now && JSON.stringify(old) !== JSON.stringify(now)) state.entries.delete(i);
    }
  }
  state.listing = next;
}

// The tree a proof leads to must be the one the badge verified: the same
// size and root (after fetching the checkpoint again if the log has grown
// since). Two trees of one size under the log's key is a split view.
async function sameTree(r) {
  const mine = () => state.checkpoint;
  const theirs = r.checkpoint;
  if (!theirs || !theirs.ok || !mine()) return [];
  if (Number(theirs.size) !== Number(mine().size)) await checkCheckpoint().catch(() => {});
  const c = mine();
  if (!c) return [];
  if (Number(theirs.size) === Number(c.size)) {
    return theirs.root_hash === c.root_hash ? [] : [t('dashboard-proof-split-view', { size: c.size })];
  }
  return [t('dashboard-proof-other-tree', { size: theirs.size, shown: c.size })];
}

function crossCheck(r, f) {
  const s = r.statement;
  if (!s || !f) return [];
  const o = f.properties;
  const b = s.body || {};
  const out = [];
  const differ = (what, served, value) => out.push(t('dashboard-listing-differs', { what, served: String(served), value: String(value) }));
  if (s.kind !== 'observation') differ('kind', 'observation', s.kind);
  if (b.category !== o.category) differ('category', o.category, b.category);
  const from = b.observed && b.observed.from;
  if (Date.parse(from) !== Date.parse(o.observed)) differ('observed', o.observed, from);
  if (o.issued && Date.parse(s.issued_at) !== Date.parse(o.issued)) differ('issued_at', o.issued, s.issued_at);
  const p = b.position || {};
  const [lon, lat] = (f.geometry && f.geometry.coordinates) || [o.lon, o.lat];
  const near = (x, y) => typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) < 1e-9;
  if (!(near(p.lat, o.lat) && near(p.lon, o.lon) && near(p.lat, lat) && near(p.lon, lon))) {
    differ('position', `${lat}, ${lon}`, `${p.lat}, ${p.lon}`);
  }
  return out;
}

async function checkEntry(index) {
  if (!state.loaded) {
    return { ok: false, unverified: true, state: 'unverified', index, problems: [t('dashboard-verifier-missing')] };
  }
  try {
    const [e, p] = await Promise.all([api.text(`/v1/entries/${index}`), api.text(`/v1/proof/${index}?format=text`)]);
    const r = JSON.parse(state.v.entry(index, e.text, p.text));
    r.entryText = e.text;
    const lies = [...(await sameTree(r)), ...crossCheck(r, state.listing && state.listing.get(index))];
    if (lies.length) {
      r.ok = false;
      r.problems = [...(r.problems || []), ...lies];
    }
    r.state = classify(r);
    return r;
  } catch (err) {
    return { ok: false, state: 'failed', index, problems: [String(err.message || err)] };
  }
}

// verified; included (the proof holds, but every signature is by a key the
// verifier does not know yet: a monitor accredited in the log, whose key a
// replay learns; nothing failed); or failed.
function classify(r) {
  if (r.ok) return 'verified';
  const sigs = r.signatures || [];
  const unknownSigner = sigs.length > 0 && sigs.every((x) => !x.valid && !x.who);
  if (r.included && r.checkpoint && r.checkpoint.ok && unknownSigner && (r.problems || []).length === 1) return 'included';
  return 'failed';
}

// After a replay the verifier knows the monitors the log accredits: every
// entry checked so far is checked again.
function recheck() {
  const indices = [...state.entries.keys()];
  generation++;
  state.entries.clear();
  for (const i of indices) entry(i);
}

// The replay: the tiles from `base` ('' for this server, or a mirror's URL),
// the evaluator over them here, and the comparison with the server's status.
export async function replay(base, progress) {
  if (!state.loaded) throw new Error(t('dashboard-verifier-missing'));
  const root = (base || '').trim().replace(/\/+$/, '');
  const cp = await api.text(`${root}/checkpoint`);
  const checked = JSON.parse(state.v.checkpoint(cp.text));
  const size = Number(checked.size);
  const paths = JSON.parse(state.v.tiles_for(size));
  const tiles = new Map();
  let done = 0;
  progress(0, paths.length);
  const work = paths.slice();
  async function worker() {
    while (work.length) {
      const path = work.shift();
      tiles.set(path, await api.bytes(`${root}/${path}`));
      done++;
      progress(done, paths.length);
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker));
  const replayed = JSON.parse(state.v.replay(cp.text, tiles));
  // A mirror's tree of the size the badge verified must be the same tree.
  const shown = state.checkpoint;
  if (shown && shown.ok && checked.ok && Number(shown.size) === size && shown.root_hash !== checked.root_hash) {
    replayed.ok = false;
    replayed.problems = [...(replayed.problems || []), t('dashboard-replay-split-view', { size })];
  }
  let comparison = null;
  let served = null;
  if (replayed.status) {
    served = await api.text(`/v1/status?size=${size}`);
    comparison = JSON.parse(state.v.compare_status(JSON.stringify(replayed.status), served.text));
  }
  state.replay = { base: root, size, checkpoint: checked, replayed, comparison, tiles: paths.length };
  if (replayed.ok) recheck();
  changed();
  return state.replay;
}

// What the badge says: its state and its lines, each with its class
// (good, warn, bad). Red when anything fails; amber when only the log's
// signature stands (the agreement names no witnesses).
export function summary() {
  const lines = [];
  if (!state.loaded) {
    lines.push(['bad', t('dashboard-verifier-missing')]);
    if (state.loadError) lines.push(['bad', t('dashboard-verifier-why', { reason: state.loadError })]);
    if (state.browserHash) {
      lines.push(['warn', t('dashboard-trust-hash-browser', { hash: state.browserHash })]);
      if (state.pin) {
        lines.push(state.pin === state.browserHash ? ['good', t('dashboard-trust-pin-matches', { pin: state.pin })] : ['bad', t('dashboard-trust-pin-differs', { pin: state.pin })]);
      }
    }
    return { state: 'failed', summary: t('dashboard-verifier-missing'), lines };
  }
  const a = state.agreement;
  lines.push(['good', t('dashboard-trust-hash', { hash: a.hash })]);
  if (state.headerHash && state.headerHash !== a.hash) lines.push(['bad', t('dashboard-trust-hash-header', { hash: state.headerHash })]);
  for (const p of state.versionProblems || []) lines.push(['bad', p]);
  if ((a.versions || []).length > 1) lines.push(['good', t('dashboard-trust-versions', { count: a.versions.length - 1 })]);
  if (state.statusAgreement && state.statusAgreement !== a.hash) lines.push(['bad', t('dashboard-trust-status-agreement', { hash: state.statusAgreement })]);
  if (a.pinned) {
    lines.push(a.matches_pin ? ['good', t('dashboard-trust-pin-matches', { pin: a.pinned })] : ['bad', t('dashboard-trust-pin-differs', { pin: a.pinned })]);
  } else {
    lines.push(['warn', t('dashboard-trust-no-pin')]);
  }
  const c = state.checkpoint;
  if (state.checkpointError) lines.push(['bad', t('dashboard-trust-checkpoint-failed', { reason: state.checkpointError })]);
  if (!c) {
    lines.push(['warn', t('dashboard-trust-no-checkpoint')]);
  } else {
    if (c.log_signature === 'valid') lines.push(['good', t('dashboard-trust-log-signature', { size: c.size, origin: c.origin })]);
    else lines.push(['bad', t('dashboard-trust-log-signature-bad', { state: c.log_signature })]);
    const w = c.witnesses || {};
    if (!w.policy) {
      lines.push(['warn', t('dashboard-trust-no-witnesses')]);
    } else if (w.met) {
      lines.push(['good', t('dashboard-trust-witnesses-met', { witnesses: (w.cosigned || []).map((x) => x.run_by ? `${x.name} (${x.run_by})` : x.name).join(', ') })]);
    } else {
      lines.push(['bad', t('dashboard-trust-witnesses-not-met', { witnesses: (w.short || []).join('; ') || '—' })]);
    }
    for (const p of c.problems || []) lines.push(['bad', p]);
  }
  const n = { verified: 0, included: 0, failed: 0 };
  for (const r of state.entries.values()) {
    if (r instanceof Promise) continue;
    n[r.state === 'verified' || r.state === 'included' ? r.state : 'failed']++;
  }
  const all = n.verified + n.included + n.failed;
  if (n.failed) lines.push(['bad', t('dashboard-trust-entries-failed', { total: n.failed, of: all })]);
  else if (n.verified) lines.push(['good', t('dashboard-trust-entries', { count: n.verified })]);
  if (n.included) lines.push(['warn', t('dashboard-trust-entries-included', { count: n.included })]);
  const rp = state.replay;
  if (rp) {
    if (!rp.replayed.ok) lines.push(['bad', t('dashboard-replay-failed')]);
    else if (rp.comparison && rp.comparison.same) lines.push(['good', t('dashboard-replay-same', { size: rp.size })]);
    else if (rp.comparison) lines.push(['bad', t('dashboard-replay-differs', { count: rp.comparison.differences.length })]);
  }
  const bad = lines.some(([k]) => k === 'bad');
  const warn = lines.some(([k, s]) => k === 'warn' && s === t('dashboard-trust-no-witnesses'));
  const st = bad ? 'failed' : warn ? 'partial' : c ? 'verified' : 'pending';
  const sum = bad ? t('dashboard-trust-failed') : warn ? t('dashboard-trust-partial') : c ? t('dashboard-trust-verified') : t('dashboard-trust-checking');
  return { state: st, summary: sum, lines };
}

export function render() {
  const s = summary();
  const el = document.getElementById('trust');
  el.dataset.state = s.state;
  const sym = { verified: '✓', partial: '!', failed: '✗', pending: '…' }[s.state];
  el.querySelector('.trust-symbol').textContent = sym;
  el.querySelector('[data-testid="trust-summary"]').textContent = s.summary;
  const ul = el.querySelector('.trust-lines');
  ul.replaceChildren(
    ...s.lines.map(([k, line]) => {
      const li = document.createElement('li');
      li.className = k;
      li.dataset.kind = k;
      li.textContent = line;
      return li;
    }),
  );
}

export { state };
