// The details of one observation: what it says, who signed it, its log
// index, its inclusion proof checked here (v.entry), corroborations,
// disputes, and the attribution with its confidence.

import { t, word, maybe, time } from './i18n.js';
import { el } from './tables.js';
import * as api from './api.js';
import * as verify from './verify.js';

let openToken = 0;

export function close(panel) {
  panel.hidden = true;
  openToken++;
}

export async function open(panel, feature, ctx) {
  const token = ++openToken;
  const o = feature.properties;
  const body = panel.querySelector('#details-body');
  panel.dataset.index = String(o.index);
  panel.querySelector('#details-heading').textContent = `${word('common-category', o.category)} — ${t('dashboard-entry', { index: o.index })}`;
  const badge = el('p', {}, el('span', { class: 'proof-badge', 'data-testid': 'proof-badge', 'data-state': 'pending', text: t('dashboard-proof-pending') }));
  const dl = el('dl', { 'data-testid': 'details-facts' });
  const says = el('div', { 'data-testid': 'details-says' });
  const signed = el('dl', { 'data-testid': 'details-signers' });
  const problems = el('ul', { class: 'bad', 'data-testid': 'proof-problems' });
  const fact = (list, k, v, id) => {
    if (v === null || v === undefined || v === '') return;
    list.append(el('dt', { text: k }), el('dd', id ? { 'data-testid': id } : {}, v));
  };
  const zone = (z) => ctx.title('zones', z);
  fact(dl, t('dashboard-kind'), word('common-category', o.category), 'details-kind');
  fact(dl, t('dashboard-observed'), time(o.observed), 'details-observed');
  fact(dl, t('dashboard-place'), `${o.lat}, ${o.lon}${(o.zones || []).length ? ` — ${o.zones.map(zone).join(', ')}` : ''}`, 'details-place');
  fact(dl, t('dashboard-sensor'), word('common-sensor', o.sensor));
  fact(dl, t('dashboard-log-index'), String(o.index), 'details-index');
  fact(dl, t('dashboard-verification'), `${t(`dashboard-state-${o.standing}`)}${o.verified_at !== null && o.verified_at !== undefined ? ` (${t('dashboard-verified-at', { index: o.verified_at })})` : ''}`, 'details-standing');
  const corroborating = (o.organisations || []).filter((x) => x !== o.reporter);
  fact(dl, t('dashboard-corroborations'), corroborating.length ? corroborating.map((x) => ctx.title('organisations', x)).join(', ') : t('dashboard-none'), 'details-corroborations');
  fact(dl, t('dashboard-disputes'), o.disputed_by ? t('dashboard-disputed-by', { party: o.disputed_by, until: o.dispute_until ? time(o.dispute_until) : '—', count: o.dissent || 0 }) : (o.standing === 'withdrawn' ? t('dashboard-state-withdrawn') : t('dashboard-none')), 'details-disputes');
  fact(dl, t('dashboard-attribution'), `${o.responsible ? t('dashboard-held-responsible', { party: ctx.title('parties', o.responsible) }) : t('dashboard-nobody')}; ${word('dashboard-attribution', o.attribution)}${o.confidence ? `; ${t('dashboard-confidence', { value: word('dashboard-confidence', o.confidence) })}` : ''}`, 'details-attribution');
  if (o.weapon_class) fact(dl, t('dashboard-weapon-class'), ctx.title('weapon_classes', o.weapon_class));
  fact(signed, t('dashboard-reporter'), ctx.title('organisations', o.reporter), 'details-reporter');

  body.replaceChildren(badge, problems, dl, el('h3', { text: t('dashboard-what-it-says') }), says, el('h3', { text: t('dashboard-who-signed') }), signed);
  panel.hidden = false;
  panel.focus();

  // The statement as the index knows it (signer key names, entry hash).
  api.json(`/v1/statements/${encodeURIComponent(o.digest)}`).then((s) => {
    if (token !== openToken) return;
    fact(signed, t('dashboard-signers'), (s.signers || []).join(', '), 'details-signer-keys');
    fact(signed, t('dashboard-entry-hash'), s.entry_hash, 'details-entry-hash');
  }).catch(() => {});

  const r = await verify.entry(o.index);
  if (token !== openToken) return;
  const b = badge.firstChild;
  const size = r.checkpoint && r.checkpoint.size !== undefined ? r.checkpoint.size : '?';
  b.dataset.state = r.state;
  if (r.state === 'verified') {
    b.textContent = `✓ ${t('dashboard-proof-verified', { index: o.index, size })}`;
  } else if (r.state === 'included') {
    // The proof holds; the monitor's key is known once a replay has read
    // its accreditation from the log.
    b.textContent = `✓ ${t('dashboard-proof-included-long', { index: o.index, size })}`;
  } else {
    b.textContent = `✗ ${r.state === 'unverified' ? t('dashboard-proof-unverified') : t('dashboard-proof-failed')}`;
    problems.replaceChildren(...(r.problems || []).map((p) => el('li', { text: p })));
  }
  for (const s of r.signatures || []) {
    // Before a replay a monitor's key is not known yet: that signature is
    // unchecked, which is not the same as invalid.
    const mark = s.valid ? '✓' : r.state === 'included' ? '…' : '✗';
    const note = !s.valid && r.state === 'included' ? ` (${t('dashboard-signature-pending')})` : '';
    fact(signed, s.who || s.role || t('dashboard-signature'), `${mark} ${s.key || ''}${note}`, 'details-signature');
  }
  // What it says: the statement the verifier parsed, else the entry's
  // text as the server sent it (said to be unverified).
  let statement = r.statement || null;
  if (!statement) {
    try {
      const text = r.entryText || (await api.text(`/v1/entries/${o.index}`)).text;
      statement = JSON.parse(text.split('\n')[0]);
      says.append(el('p', { class: 'bad', text: t('dashboard-says-unverified') }));
    } catch {
      statement = null;
    }
  }
  if (token !== openToken) return;
  if (statement) says.append(describe(statement));
}

// A statement's body in plain words: each field, events listed.
function describe(s) {
  const dl = el('dl');
  const b = s.body || s;
  const put = (k, v) => dl.append(el('dt', { text: k }), el('dd', { text: v }));
  if (b.note) put(t('dashboard-note'), b.note);
  if (b.description) put(t('dashboard-description'), b.description);
  if (b.reference) put(t('dashboard-reference'), b.reference);
  const d = b.details || {};
  if (Array.isArray(d.events)) {
    put(t('dashboard-events'), d.events.map((e) => `${e.count ?? ''} ${word('common-event', e.type)}${e.weapon ? ` (${word('common-weapon-kind', e.weapon)})` : ''}`.trim()).join('; '));
  }
  for (const [k, v] of Object.entries(d)) {
    if (k === 'events') continue;
    // A code the shared words name (`common-restriction-delay`) is said
    // in the reader's language; anything else as it was written.
    const named = typeof v === 'string' ? maybe(`common-${k.replace(/_/g, '-')}-${v.replace(/_/g, '-')}`) : null;
    put(k.replace(/_/g, ' '), named ?? (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  }
  if (b.position) put(t('dashboard-uncertainty'), `${b.position.uncertainty_m ?? '?'} m`);
  if (s.issued_at) put(t('dashboard-issued'), time(s.issued_at));
  return dl;
}
