// Drives accord's dashboard in headless Chromium as its readers would, and
// says what they saw, as JSON on stdout (the Rust test asserts on it:
// crates/cli/tests/dashboard_cli.rs).
//
//   node dashboard-check.mjs BASE --out DIR --mode demo|witnessed [--submit FILE]
//
// BASE is where `accord serve` listens (http://127.0.0.1:PORT). Every
// request to another origin is recorded and refused: the dashboard works
// offline. Screenshots go to DIR.
//
// --mode demo: the honest page on a laptop and on a phone: the trust badge,
//   the map (zones and observations drawn, a click on an observation), the
//   filters, the details with the proof checked in the browser, the
//   compliance table, the replay in WebAssembly, the keyboard path, and
//   axe-core's accessibility findings.
// --mode witnessed: the page on a witnessed log, honestly served (with
//   --submit, a signed statement posted to the server while the page is
//   open: the page must follow the log live), then with
//   the server lying, one lie per browser context (the answers are changed
//   on their way to the page): a checkpoint stripped of the witness's
//   cosignature, a status that does not match the log, an entry whose
//   proof fails, a list that places an observation elsewhere than its
//   signed entry, a tile altered.
//
// Exits 0 when it could look (whatever it saw), 1 when the page never
// became ready, 2 on bad use.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

function usage(why) {
  process.stderr.write(`dashboard-check: ${why}\nusage: node dashboard-check.mjs BASE --out DIR --mode demo|witnessed [--submit STATEMENT_FILE]\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let base, out, mode, submit;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => argv[++i] ?? usage(`${a} needs a value`);
  if (a === '--out') out = value();
  else if (a === '--mode') mode = value();
  else if (a === '--submit') submit = value();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (base === undefined) base = a.replace(/\/$/, '');
  else usage(`one server at a time (also given ${a})`);
}
if (!base) usage('no server given');
if (!out) usage('--out is required');
if (mode !== 'demo' && mode !== 'witnessed') usage('--mode is demo or witnessed');
mkdirSync(out, { recursive: true });

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const origin = new URL(base).origin;
const PATIENCE = 120_000;

const browser = await chromium.launch({
  executablePath: process.env.ACCORD_CHROMIUM || '/usr/bin/chromium',
  // WebGL in a headless browser without a GPU: SwiftShader.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
});

/// A fresh context and page, with what the page does recorded: console
/// errors, uncaught exceptions, requests beyond the server (refused).
async function open(viewport, lie) {
  const context = await browser.newContext({
    viewport,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
    deviceScaleFactor: 1,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const seen = { console_errors: [], page_errors: [], foreign_requests: [], lied: [], error_responses: [] };
  page.on('response', (r) => {
    if (r.status() >= 400) seen.error_responses.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') seen.console_errors.push(m.text());
  });
  page.on('pageerror', (e) => seen.page_errors.push(String(e)));
  await page.route('**/*', async (route) => {
    const r = route.request();
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    if (u.origin !== origin) {
      seen.foreign_requests.push(`${r.method()} ${r.url()}`);
      return route.abort();
    }
    if (lie) {
      const changed = await lie(route, u);
      if (changed) {
        seen.lied.push(u.pathname + u.search);
        return;
      }
    }
    return route.continue();
  });
  return { context, page, seen };
}

/// Loads the dashboard and waits until it says it is ready (or failed).
async function load(page, query = '') {
  await page.goto(`${base}/dashboard/${query}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.ready === 'error', null, { timeout: PATIENCE });
  const ready = await page.evaluate(() => document.body.dataset.ready);
  if (ready !== 'true') {
    const text = await page.evaluate(() => document.body.innerText.slice(0, 2000));
    throw new Error(`the dashboard did not become ready: ${text}`);
  }
}

async function waitState(page, selector, notIn) {
  await page.waitForFunction(
    ([s, n]) => {
      const e = document.querySelector(s);
      return e && !n.includes(e.dataset.state || '');
    },
    [selector, notIn],
    { timeout: PATIENCE },
  );
}

/// The trust badge once it has checked: its state, its words, its colour.
async function trust(page) {
  await waitState(page, '[data-testid="trust-badge"]', ['pending', '']);
  return page.evaluate(() => {
    const b = document.querySelector('[data-testid="trust-badge"]');
    return {
      state: b.dataset.state,
      summary: b.querySelector('[data-testid="trust-summary"]').textContent.trim(),
      lines: [...b.querySelectorAll('[data-testid="trust-details"] li')].map((li) => ({ kind: li.dataset.kind || li.className, text: li.textContent.trim() })),
      color: getComputedStyle(b).color,
    };
  });
}

/// The observation the details panel shows, once its proof is checked.
async function details(page) {
  await page.waitForSelector('[data-testid="details"]:not([hidden])', { timeout: PATIENCE });
  await waitState(page, '[data-testid="proof-badge"]', ['pending', '']);
  return page.evaluate(() => {
    const d = document.querySelector('[data-testid="details"]');
    const b = d.querySelector('[data-testid="proof-badge"]');
    return {
      index: Number(d.dataset.index),
      heading: d.querySelector('[data-testid="details-heading"]')?.textContent.trim(),
      proof: b.dataset.state,
      proof_text: b.textContent.trim(),
      proof_color: getComputedStyle(b).color,
      problems: [...d.querySelectorAll('[data-testid="proof-problems"] li')].map((li) => li.textContent.trim()),
      facts: d.querySelector('[data-testid="details-facts"]')?.innerText ?? '',
      says: d.querySelector('[data-testid="details-says"]')?.innerText ?? '',
      signers: d.querySelector('[data-testid="details-signers"]')?.innerText ?? '',
      text: d.innerText,
    };
  });
}

/// Runs the replay in the browser; what it concluded.
async function replay(page) {
  await page.click('[data-testid="replay-button"]');
  await waitState(page, '[data-testid="replay-result"]', ['running', '']);
  return page.evaluate(() => {
    const r = document.querySelector('[data-testid="replay-result"]');
    const bad = r.querySelector('.bad');
    return {
      state: r.dataset.state,
      text: r.innerText,
      differences: [...r.querySelectorAll('[data-testid="replay-differences"] li')].map((li) => li.textContent.trim()),
      color: bad ? getComputedStyle(bad).color : getComputedStyle(r.querySelector('p') || r).color,
    };
  });
}

async function counts(page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="counts"]');
    const m = document.querySelector('[data-testid="map"]');
    return {
      shown: Number(c.dataset.shown),
      total: Number(c.dataset.total),
      rows: document.querySelectorAll('[data-testid="observation-row"]').length,
      row_categories: [...new Set([...document.querySelectorAll('[data-testid="observation-row"]')].map((r) => r.dataset.category))],
      map_shown: Number(m.dataset.shown),
    };
  });
}

/// What the map has drawn: rendered features by layer, over the whole
/// view, and whether its canvas has pixels of more than one colour.
async function mapFacts(page) {
  await page.waitForFunction(() => {
    const m = window.accordDashboard && window.accordDashboard.map;
    return m && m.loaded() && !m.isMoving();
  }, null, { timeout: PATIENCE });
  return page.evaluate(() => {
    const m = window.accordDashboard.map;
    const byLayer = {};
    for (const f of m.queryRenderedFeatures()) byLayer[f.layer.id] = (byLayer[f.layer.id] || 0) + 1;
    const sources = {};
    for (const [id, s] of Object.entries(m.getStyle().sources)) sources[id] = s.type;
    return { ready: document.querySelector('[data-testid="map"]').dataset.ready, layers: byLayer, sources, style_layers: m.getStyle().layers.map((l) => l.id) };
  });
}

/// Clicks on the map where an observation is drawn (zoomed in on it so
/// that no cluster hides it); the index of the observation clicked.
async function clickOnMap(page, index) {
  const point = await page.evaluate(async (i) => {
    const d = window.accordDashboard;
    const f = d.features().find((x) => x.properties.index === i);
    const m = d.map;
    m.jumpTo({ center: f.geometry.coordinates, zoom: 15 });
    await new Promise((res) => (m.loaded() && !m.isMoving() ? res() : m.once('idle', res)));
    await new Promise((res) => m.once('idle', res).triggerRepaint());
    const p = m.project(f.geometry.coordinates);
    const r = m.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, index);
  await page.mouse.click(point.x, point.y);
  return point;
}

async function axe(page) {
  // The page's CSP allows no inline script: axe is evaluated through the
  // browser's debugging protocol, which the CSP does not govern.
  await page.evaluate(axeSource);
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return r;
}

async function shot(page, name) {
  const path = join(out, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const result = { base, mode, screenshots: [] };
try {
  if (mode === 'demo') {
    // On a laptop.
    const { context, page, seen } = await open({ width: 1280, height: 900 });
    await load(page);
    result.trust = await trust(page);
    result.map = await mapFacts(page);
    result.counts = await counts(page);
    result.title = await page.title();
    result.lang = await page.evaluate(() => document.documentElement.lang);
    result.compliance = await page.$$eval('[data-testid="compliance-cell"]', (cells) =>
      cells.map((c) => ({ clause: c.dataset.clause, party: c.dataset.party, verdict: c.dataset.verdict, text: c.innerText.trim() })));
    result.phases = await page.$$eval('[data-testid="phase"]', (xs) => xs.map((x) => ({ id: x.dataset.phase, current: x.dataset.current === 'true' })));
    result.tranches = await page.$$eval('[data-testid="tranche"]', (xs) => xs.map((x) => ({ id: x.dataset.tranche, state: x.dataset.state })));
    result.guarantees = await page.$$eval('[data-testid="guarantee"]', (xs) => xs.map((x) => ({ id: x.dataset.guarantee, state: x.dataset.state })));
    result.downloads = await page.$$eval('[data-testid="downloads"] a', (xs) => xs.map((a) => a.getAttribute('href')));
    result.report_links = await page.$$eval('[data-testid="report-links"] a', (xs) => xs.map((a) => a.getAttribute('href')));
    result.charts = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="charts"]');
      return { svgs: c.querySelectorAll('svg').length, untitled: [...c.querySelectorAll('svg')].filter((s) => !s.querySelector('title')).length, tables: c.querySelectorAll('table').length, text: c.innerText.slice(0, 2000) };
    });
    result.screenshots.push(await shot(page, 'dashboard-laptop'));

    // A filter: one kind of observation.
    const category = 'ceasefire_violation';
    await page.selectOption('[data-testid="filter-category"]', category);
    await page.waitForFunction((c) => [...document.querySelectorAll('[data-testid="observation-row"]')].every((r) => r.dataset.category === c), category, { timeout: PATIENCE });
    result.filtered = await counts(page);
    result.filtered.url = page.url();
    result.filtered.map = await mapFacts(page);

    // A click on the map opens an observation; its proof is checked here.
    // One that stands alone: no other observation within about 100 m
    // (events of one village share its coordinates, and a click there
    // lists them all).
    const target = await page.evaluate(() => {
      const all = window.accordDashboard.features();
      const rows = [...document.querySelectorAll('[data-testid="observation-row"]')].map((r) => Number(r.dataset.index));
      const alone = rows.find((i) => {
        const f = all.find((x) => x.properties.index === i);
        const [lon, lat] = f.geometry.coordinates;
        return !all.some((g) => g !== f && Math.abs(g.geometry.coordinates[0] - lon) < 0.001 && Math.abs(g.geometry.coordinates[1] - lat) < 0.001);
      });
      return alone ?? rows[0];
    });
    await clickOnMap(page, target);
    result.map_click = await details(page);
    result.map_click.wanted = target;
    result.screenshots.push(await shot(page, 'dashboard-details'));
    await page.keyboard.press('Escape');
    result.escape_closes = await page.evaluate(() => document.querySelector('[data-testid="details"]').hidden);
    await page.click('[data-testid="filter-reset"]');
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid="counts"]');
      return c.dataset.shown === c.dataset.total;
    }, null, { timeout: PATIENCE });
    result.reset = await counts(page);

    // The replay in WebAssembly, compared with the served status.
    result.replay = await replay(page);
    result.axe = await axe(page);
    result.seen = seen;
    await context.close();

    // The keyboard alone: the skip link first, then to an observation and
    // its details, Escape back.
    {
      const { context, page, seen } = await open({ width: 1280, height: 900 });
      await load(page);
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement.dataset.testid || document.activeElement.tagName);
      let reached = null;
      for (let i = 0; i < 250 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => (document.activeElement.dataset.testid === 'observation-open' ? document.activeElement.closest('tr').dataset.index : null));
      }
      let opened = null;
      let closed = null;
      let focus_back = null;
      if (reached) {
        await page.keyboard.press('Enter');
        opened = await details(page);
        await page.keyboard.press('Escape');
        closed = await page.evaluate(() => document.querySelector('[data-testid="details"]').hidden);
        focus_back = await page.evaluate(() => document.activeElement.dataset.testid || document.activeElement.tagName);
      }
      const focus_visible = await page.evaluate(() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
      });
      result.keyboard = { first, reached: reached === null ? null : Number(reached), opened, closed, focus_back, focus_visible, seen };
      await context.close();
    }

    // On a phone.
    {
      const { context, page, seen } = await open({ width: 390, height: 844 });
      await load(page);
      result.phone = {
        trust: await trust(page),
        wider_than_viewport: await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1),
        map_width: await page.evaluate(() => document.querySelector('[data-testid="map"]').getBoundingClientRect().width),
        axe: await axe(page),
        seen,
      };
      result.screenshots.push(await shot(page, 'dashboard-phone'));
      await context.close();
    }
    // In Ukrainian.
    {
      const { context, page, seen } = await open({ width: 1280, height: 900 });
      await load(page, '?lang=uk');
      result.uk = { lang: await page.evaluate(() => document.documentElement.lang), title: await page.title(), seen };
      result.screenshots.push(await shot(page, 'dashboard-uk'));
      await context.close();
    }
  } else {
    // Honest first.
    {
      const { context, page, seen } = await open({ width: 1280, height: 900 });
      await load(page);
      const first = await page.evaluate(() => Number(document.querySelector('[data-testid="observation-row"]').dataset.index));
      result.honest = { trust: await trust(page), seen };
      await page.evaluate((i) => window.accordDashboard.select(i), first);
      result.honest.details = await details(page);
      result.honest.replay = await replay(page);
      // The replay has read the accreditations: the monitor's signature on
      // the entry shown is checked now.
      await waitState(page, '[data-testid="proof-badge"]', ['pending', 'included', '']);
      result.honest.details_after_replay = await details(page);
      result.screenshots.push(await shot(page, 'dashboard-witnessed'));
      if (submit) {
        const total = () => page.evaluate(() => Number(document.querySelector('[data-testid="counts"]').dataset.total));
        const live = { total_before: await total(), size_before: (await page.evaluate(() => fetch('/checkpoint').then((r) => r.text()))).split('\n')[1] };
        const r = await fetch(`${base}/v1/statements`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: readFileSync(submit) });
        live.submitted = r.status;
        live.answer = await r.json().catch(() => null);
        await page.waitForFunction((n) => Number(document.querySelector('[data-testid="counts"]').dataset.total) > n, live.total_before, { timeout: PATIENCE });
        live.total_after = await total();
        live.size_after = live.answer && live.answer.index + 1;
        live.listed = await page.evaluate((i) => window.accordDashboard.features().some((f) => f.properties.index === i), live.answer && live.answer.index);
        // The badge follows the new checkpoint, cosigned.
        live.followed = await page
          .waitForFunction((n) => [...document.querySelectorAll('[data-testid="trust-details"] li')].some((li) => li.textContent.includes('log.mission.accord.example/log') && new RegExp(`[^0-9]${n}[^0-9]`).test(li.textContent)), live.size_after, { timeout: PATIENCE })
          .then(() => true, () => false);
        live.trust = await trust(page);
        live.announced = await page.evaluate(() => document.querySelector('[data-testid="live-region"]').textContent);
        result.honest.live = live;
      }
      await context.close();
    }
    // A checkpoint stripped of the witness's cosignature.
    {
      const { context, page, seen } = await open({ width: 1280, height: 900 }, async (route, u) => {
        if (u.pathname !== '/checkpoint') return false;
        const r = await route.fetch();
        const body = (await r.text()).split('\n').filter((l) => !l.startsWith('— witness.')).join('\n');
        await route.fulfill({ response: r, body });
        return true;
      });
      await load(page);
      result.unwitnessed = { trust: await trust(page), seen };
      result.screenshots.push(await shot(page, 'dashboard-lie-checkpoint'));
      await context.close();
    }
    // A status that is not what the log says: one verdict changed.
    {
      let changed = null;
      const { context, page, seen } = await open({ width: 1280, height: 900 }, async (route, u) => {
        if (u.pathname !== '/v1/status') return false;
        const r = await route.fetch();
        const s = await r.json();
        for (const [clause, c] of Object.entries(s.clauses || {})) {
          for (const [party, p] of Object.entries(c.by_party || {})) {
            if (changed === null || (changed.clause === clause && changed.party === party)) {
              p.kept = !p.kept;
              p.verdict = p.kept ? 'kept_verified' : 'breach_verified';
              changed = { clause, party, verdict: p.verdict };
            }
          }
        }
        await route.fulfill({ response: r, body: JSON.stringify(s) });
        return true;
      });
      await load(page);
      result.lying_status = { changed, replay: await replay(page), seen };
      result.screenshots.push(await shot(page, 'dashboard-lie-status'));
      await context.close();
    }
    // An entry whose proof fails: its bytes changed on the way.
    {
      const probe = await open({ width: 1280, height: 900 });
      await load(probe.page);
      const target = await probe.page.evaluate(() => Number(document.querySelector('[data-testid="observation-row"]').dataset.index));
      await probe.context.close();
      const { context, page, seen } = await open({ width: 1280, height: 900 }, async (route, u) => {
        if (u.pathname !== `/v1/entries/${target}`) return false;
        const r = await route.fetch();
        const body = (await r.text()).replace(/"count":\s*(\d+)/, (_, n) => `"count":${Number(n) + 1}`).replace(/2026-/, '2025-');
        await route.fulfill({ response: r, body });
        return true;
      });
      await load(page);
      await page.evaluate((i) => window.accordDashboard.select(i), target);
      result.lying_entry = { target, details: await details(page), seen };
      result.screenshots.push(await shot(page, 'dashboard-lie-entry'));
      await context.close();
    }
    // The list of observations places one elsewhere than its signed entry
    // (the entry itself untouched): the page must hold the list to it.
    {
      const probe = await open({ width: 1280, height: 900 });
      await load(probe.page);
      const target = await probe.page.evaluate(() => Number(document.querySelector('[data-testid="observation-row"]').dataset.index));
      await probe.context.close();
      const { context, page, seen } = await open({ width: 1280, height: 900 }, async (route, u) => {
        if (u.pathname !== '/v1/observations') return false;
        const r = await route.fetch();
        const text = await r.text();
        let body = text;
        try {
          const fc = JSON.parse(text);
          for (const f of fc.features || []) {
            if (f.properties.index !== target) continue;
            f.properties.lat += 0.25;
            f.geometry.coordinates[1] += 0.25;
          }
          body = JSON.stringify(fc);
        } catch {
          return false;
        }
        await route.fulfill({ response: r, body });
        return true;
      });
      await load(page);
      await page.evaluate((i) => window.accordDashboard.select(i), target);
      result.lying_listing = { target, details: await details(page), trust: await trust(page), seen };
      await context.close();
    }
    // A tile altered: the replay must refuse it.
    {
      const { context, page, seen } = await open({ width: 1280, height: 900 }, async (route, u) => {
        if (!u.pathname.startsWith('/tile/entries/000')) return false;
        const r = await route.fetch();
        const b = Buffer.from(await r.body());
        b[Math.floor(b.length / 2)] ^= 0x01;
        await route.fulfill({ response: r, body: b });
        return true;
      });
      await load(page);
      result.lying_tile = { replay: await replay(page), seen };
      await context.close();
    }
  }
} catch (e) {
  result.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
const json = JSON.stringify(result, null, 2) + '\n';
writeFileSync(join(out, `dashboard-check-${mode}.json`), json);
process.stdout.write(json);
process.exit(result.error ? 1 : 0);
