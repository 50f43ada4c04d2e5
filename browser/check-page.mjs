// Loads one page in headless Chromium and says what a reader's browser saw:
// console errors, uncaught exceptions, every request the page made beyond
// its own document (a report must make none: it is read offline, printed,
// archived), and a few facts of the document. Saves a full-page screenshot
// and, when asked, the page printed to PDF (A4, the page's own print CSS).
//
//   node check-page.mjs PAGE --screenshot OUT.png [--pdf OUT.pdf] [--lang uk]
//
// PAGE is a file path or a URL. Prints one JSON object on stdout and exits
// 0 when the page is clean, 1 when it is not, 2 on bad use. Chromium is
// $ACCORD_CHROMIUM, else /usr/bin/chromium.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

function usage(why) {
  process.stderr.write(`check-page: ${why}\nusage: node check-page.mjs PAGE --screenshot OUT.png [--pdf OUT.pdf] [--lang CODE]\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let page_arg, screenshot, pdf, lang;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => argv[++i] ?? usage(`${a} needs a value`);
  if (a === '--screenshot') screenshot = value();
  else if (a === '--pdf') pdf = value();
  else if (a === '--lang') lang = value();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (page_arg === undefined) page_arg = a;
  else usage(`one page at a time (also given ${a})`);
}
if (!page_arg) usage('no page given');
if (!screenshot) usage('--screenshot is required');

const url = /^[a-z]+:\/\//.test(page_arg) ? page_arg : pathToFileURL(resolve(page_arg)).href;
const browser = await chromium.launch({
  executablePath: process.env.ACCORD_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const result = { url, console_errors: [], page_errors: [], requests: [], failed: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1024, height: 1400 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') result.console_errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => result.page_errors.push(String(e)));
  // Every request other than the document itself is recorded, and refused,
  // so that a page that would fetch something cannot pass by luck.
  await page.route('**/*', (route) => {
    const r = route.request();
    if (r.url() === url) return route.continue();
    if (r.url().startsWith('data:')) return route.continue();
    result.requests.push(`${r.method()} ${r.url()}`);
    return route.abort();
  });
  page.on('requestfailed', (r) => {
    if (!r.url().startsWith('data:')) result.failed.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  result.status = response ? response.status() : null;
  result.document = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    svg: document.querySelectorAll('svg').length,
    svg_without_title: [...document.querySelectorAll('svg')].filter((s) => !s.querySelector('title')).length,
    links: document.querySelectorAll('a[href]').length,
    scripts: document.querySelectorAll('script').length,
    images_broken: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).length,
    text_length: document.body ? document.body.innerText.length : 0,
    wider_than_viewport: document.documentElement.scrollWidth > window.innerWidth + 1,
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  result.screenshot = screenshot;
  if (pdf) {
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    result.pdf = pdf;
  }
} finally {
  await browser.close();
}
const problems = [];
if (result.console_errors.length) problems.push('console errors');
if (result.page_errors.length) problems.push('uncaught exceptions');
if (result.requests.length) problems.push('network requests');
if (result.status !== null && result.status !== 200 && !url.startsWith('file:')) problems.push(`status ${result.status}`);
if (lang && result.document.lang !== lang) problems.push(`lang is "${result.document.lang}", not "${lang}"`);
if (result.document.images_broken) problems.push('broken images');
result.problems = problems;
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.exit(problems.length ? 1 : 0);
