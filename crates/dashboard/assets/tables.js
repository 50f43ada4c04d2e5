// The tables and lists: the observations shown (the keyboard path to
// everything on the map), the clause-by-party compliance table, the phase
// timeline, relief tranches with their snapback clocks, and guarantees
// with their deadlines. All from /v1/status and the observation rows.

import { t, word, number, time, date } from './i18n.js';
import { vstate } from './map.js';
import * as verify from './verify.js';

const el = (tag, props = {}, ...kids) => {
  const x = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') x.className = v;
    else if (k === 'text') x.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'scope' || k === 'role' || k === 'tabindex') x.setAttribute(k, v);
    else x[k] = v;
  }
  for (const k of kids) if (k !== null && k !== undefined) x.append(k);
  return x;
};
export { el };

const PAGE = 100;

// The list of observations shown: one row each, newest first, each with a
// button that opens its details.
export class List {
  constructor(body, moreButton, onOpen, title) {
    this.body = body;
    this.title = title;
    this.more = moreButton;
    this.onOpen = onOpen;
    this.rows = [];
    this.limit = PAGE;
    this.more.onclick = () => {
      this.limit += PAGE;
      this.render();
    };
    verify.onChange(() => this.proofs());
  }

  show(features, selected) {
    this.rows = features.slice().sort((a, b) => b.properties.index - a.properties.index);
    this.limit = PAGE;
    this.selected = selected;
    this.render();
  }

  render() {
    const shown = this.rows.slice(0, this.limit);
    this.body.replaceChildren(
      ...shown.map((f) => {
        const o = f.properties;
        const vs = vstate(o);
        const open = el('button', { type: 'button', class: 'row-open', 'data-testid': 'observation-open', text: t('dashboard-entry', { index: o.index }) });
        open.onclick = () => this.onOpen(o.index);
        const tr = el('tr', { 'data-testid': 'observation-row', 'data-index': String(o.index), 'data-category': o.category, 'data-state': vs },
          el('td', { class: 'num' }, open),
          el('td', { text: time(o.observed) }),
          el('td', { text: word('common-category', o.category) }),
          el('td', { class: `state-${o.standing}`, text: `${{ verified: '✓', reported: '○', disputed: '⚠' }[vs]} ${t(`dashboard-state-${o.standing}`)}` }),
          el('td', { 'data-party': o.responsible || '', text: o.responsible ? this.title('parties', o.responsible) : t('dashboard-nobody') }),
          el('td', { 'data-testid': 'observation-proof' }),
        );
        if (o.index === this.selected) tr.classList.add('selected');
        return tr;
      }),
    );
    this.more.parentElement.hidden = this.rows.length <= this.limit;
    this.proofs();
    // Each row shown has its proof checked in this browser.
    for (const f of shown) verify.entry(f.properties.index);
  }

  proofs() {
    for (const td of this.body.querySelectorAll('[data-testid="observation-proof"]')) {
      const i = Number(td.parentElement.dataset.index);
      const r = verify.entryResult(i);
      const s = r ? r.state : 'pending';
      const text = {
        pending: t('dashboard-proof-pending'),
        verified: `✓ ${t('dashboard-proof-ok')}`,
        included: `✓ ${t('dashboard-proof-included')}`,
        unverified: `✗ ${t('dashboard-proof-unverified')}`,
        failed: `✗ ${t('dashboard-proof-failed')}`,
      }[s];
      if (td.dataset.state !== s) {
        td.dataset.state = s;
        td.textContent = text;
        td.className = { verified: 'good', included: 'warn', pending: '' }[s] ?? 'bad';
      }
    }
  }
}

const SYMBOL = {
  breach_verified: '✗',
  overdue: '⏰',
  allegations_pending: '!',
  not_assessable: '?',
  no_verified_breach: '✓',
  fulfilled: '✓✓',
  not_yet_due: '…',
  not_in_force: '–',
};

// The compliance table: clauses by party, each cell the verdict in words
// and a symbol, with what it rests on.
export function compliance(table, note, status, title) {
  const clauses = status.clauses || {};
  const parties = [...new Set(Object.values(clauses).flatMap((c) => Object.keys(c.by_party || {})))].sort();
  const cov = status.coverage || {};
  note.textContent = t('dashboard-compliance-note', {
    day: status.last_complete_period ? date(status.last_complete_period) : t('dashboard-none'),
    count: number(cov.periods_covered ?? 0),
    of: number(cov.periods ?? 0),
    size: number(status.log_size ?? 0),
  });
  const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('dashboard-clause') }), ...parties.map((p) => el('th', { scope: 'col', text: title('parties', p), 'data-party': p }))));
  const rows = Object.entries(clauses).map(([id, c]) => {
    const cells = parties.map((p) => {
      const r = (c.by_party || {})[p];
      if (!r) return el('td', { 'data-testid': 'compliance-cell', 'data-clause': id, 'data-party': p, 'data-verdict': 'not_bound', text: t('dashboard-not-bound') });
      const rests = [];
      for (const [metric, v] of Object.entries(r.metrics || {})) {
        const rep = (r.reported || {})[metric];
        rests.push(t('dashboard-rests-figures', { name: metric.replace(/_/g, ' '), value: number(v), count: number(rep ?? v) }));
      }
      if ((r.allegations || []).length) rests.push(t('dashboard-rests-allegations', { what: r.allegations.join(', ') }));
      rests.push(t((r.allegations || []).length ? 'dashboard-rests-provisional' : 'dashboard-rests-final'));
      if (r.revised) rests.push(t('dashboard-rests-revised', { count: number(r.revised) }));
      if (r.last_breach) rests.push(t('dashboard-rests-last-breach', { day: date(r.last_breach) }));
      return el('td', { 'data-testid': 'compliance-cell', 'data-clause': id, 'data-party': p, 'data-verdict': r.verdict },
        el('span', { class: 'sym', 'aria-hidden': 'true', text: SYMBOL[r.verdict] || '' }),
        el('span', { class: 'verdict', text: word('common-verdict', r.verdict) }),
        el('span', { class: 'rests', text: rests.join('; ') }));
    });
    return el('tr', { 'data-clause': id }, el('th', { scope: 'row', text: title('clauses', id) }), ...cells);
  });
  table.replaceChildren(el('caption', { class: 'sr-only', text: t('dashboard-compliance') }), head, el('tbody', {}, ...rows));
}

// The phase timeline: the agreement's phases, those passed and the current
// one, with when each began.
export function timeline(ol, agreement, status, title) {
  const phase = status.phase || {};
  const history = phase.history || [];
  const order = [];
  const initial = Object.entries(agreement.phases || {}).find(([, p]) => p.initial);
  if (initial) order.push(initial[0]);
  for (const h of history) if (!order.includes(h.to)) order.push(h.to);
  for (const id of Object.keys(agreement.phases || {})) if (!order.includes(id)) order.push(id);
  const reached = new Set([order[0], ...history.map((h) => h.to)]);
  ol.replaceChildren(
    ...order.map((id) => {
      const cur = id === phase.id;
      const entered = [...history].reverse().find((h) => h.to === id);
      const when = cur && phase.since ? t('dashboard-phase-since', { time: time(phase.since.time), index: phase.since.index })
        : entered ? t('dashboard-phase-since', { time: time(entered.at.time), index: entered.at.index })
          : reached.has(id) ? t('dashboard-phase-from-adoption') : t('dashboard-phase-not-reached');
      return el('li', { class: cur ? 'current' : reached.has(id) ? 'done' : '', 'data-testid': 'phase', 'data-phase': id, 'data-current': String(cur), 'aria-current': cur ? 'step' : 'false' },
        el('span', { text: `${title('phases', id)}${cur ? ` — ${t('dashboard-phase-current')}` : ''}` }),
        el('span', { class: 'when', text: when }));
    }),
  );
}

function daysBetween(a, b) {
  return Math.ceil((new Date(b) - new Date(a)) / 86400000);
}

// Relief tranches: state, and for one in dispute or in vote the stages of
// the snapback with the clock of the current one (against the log's clock,
// which is what the evaluator counts from).
export function tranches(div, status, title) {
  const clock = status.clock;
  div.replaceChildren(
    ...Object.entries(status.tranches || {}).map(([id, tr]) => {
      const card = el('div', { class: 'card', 'data-testid': 'tranche', 'data-tranche': id, 'data-state': tr.state },
        el('h3', { text: title('relief', id) }),
        el('p', {}, el('span', { class: 'state', text: word('common-tranche', tr.state) }),
          tr.since ? ` — ${t('dashboard-since', { time: time(tr.since.time), index: tr.since.index })}` : ''));
      const d = tr.dispute;
      if (d && d.stages) {
        const ol = el('ol', { 'aria-label': t('dashboard-snapback-stages') });
        for (const s of d.stages) {
          const now = clock >= s.from && clock < s.until;
          const left = now ? ` — ${t('dashboard-snapback-left', { days: daysBetween(clock, s.until), until: time(s.until) })}` : '';
          ol.append(el('li', { class: now ? 'now' : '', 'data-testid': 'snapback-stage', 'data-current': String(now) }, `${word('dashboard-stage', s.stage)}: ${time(s.from)} → ${time(s.until)}${left}`));
        }
        card.append(el('p', { text: t('dashboard-snapback-opened', { time: time(d.opened.time), index: d.opened.index, reason: d.opened_by || '' }) }), ol);
        if (d.provisional_until) card.append(el('p', { class: 'warn', text: t('dashboard-provisional-until', { until: time(d.provisional_until) }) }));
      }
      return card;
    }),
  );
  if (!div.children.length) div.append(el('p', { text: t('dashboard-none') }));
}

// Guarantees: state, what triggered them, the deadline for a decision.
export function guarantees(div, status, title) {
  const clock = status.clock;
  div.replaceChildren(
    ...Object.entries(status.guarantees || {}).map(([id, g]) => {
      const card = el('div', { class: 'card', 'data-testid': 'guarantee', 'data-guarantee': id, 'data-state': g.state },
        el('h3', { text: title('guarantees', id) }),
        el('p', {}, el('span', { class: 'state', text: word('common-guarantee', g.state) })));
      if (g.triggered) card.append(el('p', { text: t('dashboard-guarantee-triggered', { time: time(g.triggered.time), index: g.triggered.index }) }));
      if (g.consultation_due) {
        const open = g.state === 'triggered' && clock < g.consultation_due;
        card.append(el('p', { class: g.state === 'overdue' ? 'bad' : '', 'data-testid': 'deadline', text: t(open ? 'dashboard-deadline-open' : 'dashboard-deadline', { time: time(g.consultation_due), days: daysBetween(clock, g.consultation_due) }) }));
      }
      if (g.decided) card.append(el('p', { text: t('dashboard-guarantee-decided', { time: time(g.decided.time), index: g.decided.index }) }));
      if (g.provisional_until) card.append(el('p', { class: 'warn', text: t('dashboard-provisional-until', { until: time(g.provisional_until) }) }));
      return card;
    }),
  );
  if (!div.children.length) div.append(el('p', { text: t('dashboard-none') }));
}
