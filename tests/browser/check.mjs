// Browser checks of the default theme, driven by tests/browser.rs.
//
//   node tests/browser/check.mjs <suite> <base-url> [out-dir]
//
// <base-url> is where the built site is served, e.g. http://127.0.0.1:PORT/fanzha/.
// Suites: axe, layout, prefs, print, shots, search. Each prints "FAIL ..." lines for what is wrong and
// "INFO ..." lines with measurements, then exits 1 if anything failed. It uses the system chromium
// (FANZHA_CHROMIUM or /usr/bin/chromium) through playwright-core and never downloads a browser.
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [suite, base, outDir] = process.argv.slice(2);
if (!suite || !base) {
  console.error('usage: node check.mjs <axe|layout|prefs|print|shots> <base-url> [out-dir]');
  process.exit(2);
}
const failures = [];
const fail = (msg) => { failures.push(msg); console.log(`FAIL ${msg}`); };
const info = (msg) => console.log(`INFO ${msg}`);
const url = (path) => new URL(path, base).href;
const baseHost = new URL(base).host;

// The pages every suite looks at: one of each kind a resident reads.
const PAGES = {
  home: '',
  fraud: 'fraud/task-rebate/',
  law: 'law/article-20/',
  case: 'cases/task-rebate-retiree-free-eggs/',
  guide: 'guides/elderly/',
  search: 'search/',
};

async function launch() {
  return chromium.launch({
    executablePath: process.env.FANZHA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that records every request to a host other than the test server. */
async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, ...options });
  const page = await context.newPage();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && u.host !== baseHost) fail(`request to another host: ${r.url()} (from ${page.url()})`);
  });
  page.on('pageerror', (e) => fail(`script error on ${page.url()}: ${e.message}`));
  return { context, page };
}

async function axe(browser) {
  const { context, page } = await newPage(browser, { viewport: { width: 1024, height: 800 } });
  for (const [name, path] of Object.entries(PAGES)) {
    for (const mode of ['default', 'large', 'contrast']) {
      await page.goto(url(path));
      if (mode !== 'default') await page.evaluate((m) => document.documentElement.classList.add(m), mode);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
      });
      const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      for (const v of bad) fail(`axe ${name} (${mode}) ${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`);
      const minor = result.filter((v) => !bad.includes(v)).map((v) => `${v.id}(${v.impact})`);
      info(`axe ${name} (${mode}): ${bad.length} serious/critical${minor.length ? `; minor: ${minor.join(' ')}` : ''}`);
    }
  }
  await context.close();
}

async function layout(browser) {
  const paths = { ...PAGES, list: 'cases/', lawIndex: 'law/', topic: 'topics/after-being-scammed/', leaflet: 'leaflets/elderly/', leaflets: 'leaflets/', handbook: 'handbook/', notFound: '404.html' };
  for (const width of [360, 375]) {
    const { context, page } = await newPage(browser, { viewport: { width, height: 800 } });
    for (const [name, path] of Object.entries(paths)) {
      await page.goto(url(path));
      for (const mode of ['default', 'large']) {
        if (mode === 'large') await page.evaluate(() => document.documentElement.classList.add('large'));
        const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        if (m.scroll > m.client) fail(`horizontal scroll on ${name} at ${width}px (${mode}): scrollWidth ${m.scroll} > ${m.client}`);
      }
    }
    // The header menus open without overflowing either.
    await page.goto(url(''));
    await page.click('.main-nav details summary');
    const menu = await page.evaluate(() => {
      const m = document.querySelector('.main-nav details[open] .menu');
      return m ? { links: m.querySelectorAll('a').length, right: m.getBoundingClientRect().right, scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth } : null;
    });
    if (!menu || menu.links < 7) fail(`fraud-type menu did not open with its links at ${width}px: ${JSON.stringify(menu)}`);
    else if (menu.right > menu.client + 0.5 || menu.scroll > menu.client) fail(`open menu overflows at ${width}px: ${JSON.stringify(menu)}`);
    await context.close();
  }
  // Body text size and line height.
  {
    const { context, page } = await newPage(browser);
    await page.goto(url(PAGES.fraud));
    const t = await page.evaluate(() => {
      const s = getComputedStyle(document.querySelector('main p:not(.kicker):not(.lead):not(.aka)'));
      return { size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) };
    });
    info(`body text ${t.size}px, line height ${t.line}px`);
    if (t.size < 18) fail(`body text is ${t.size}px, want at least 18px`);
    if (t.line / t.size < 1.5) fail(`line height ${t.line}px is tight for ${t.size}px text`);
    await context.close();
  }
  // With JavaScript off every page still reads: its main text is there and the toggles stay hidden.
  const { context, page } = await newPage(browser, { javaScriptEnabled: false });
  for (const [name, path] of Object.entries(paths)) {
    await page.goto(url(path));
    const r = await page.evaluate(() => {
      const main = document.querySelector('main');
      const prefs = document.getElementById('prefs');
      return { text: main ? main.innerText.replace(/\s+/g, '').length : 0, h1: !!document.querySelector('h1'), prefsShown: prefs ? getComputedStyle(prefs).display !== 'none' : false };
    });
    const min = name === 'search' || name === 'notFound' ? 20 : 100;
    if (r.text < min || !r.h1) fail(`JS off: ${name} main text has ${r.text} characters, h1 ${r.h1}`);
    if (r.prefsShown) fail(`JS off: ${name} shows the toggles, which cannot work without JavaScript`);
    if (name === 'search') {
      const noscript = await page.evaluate(() => document.querySelector('main').innerText.includes('搜索需要开启 JavaScript'));
      if (!noscript) fail('JS off: the search page does not show its noscript message');
    }
  }
  await context.close();
}

async function prefs(browser) {
  const { context, page } = await newPage(browser);
  await page.goto(url(PAGES.fraud));
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  const before = await size();
  const toggle = page.locator('#prefs button[data-pref="large"]');
  if (!(await toggle.isVisible())) fail('the 大字 toggle is not visible with JavaScript on');
  await toggle.click();
  const after = await size();
  info(`大字: ${before}px -> ${after}px`);
  if (!(after >= before * 1.15)) fail(`大字 did not enlarge the text: ${before}px -> ${after}px`);
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') fail('大字 button is not aria-pressed after a click');
  await page.locator('#prefs button[data-pref="contrast"]').click();
  await Promise.all([page.waitForURL(url('')), page.click('header .brand')]);
  await page.waitForLoadState('load');
  const kept = await size();
  const state = await page.evaluate(() => ({
    classes: document.documentElement.className,
    pressed: [...document.querySelectorAll('#prefs button')].map((b) => b.getAttribute('aria-pressed')).join(','),
    fg: getComputedStyle(document.body).color,
  }));
  info(`after navigating to ${page.url()}: ${kept}px, html class "${state.classes}", pressed ${state.pressed}, text colour ${state.fg}`);
  if (kept !== after) fail(`大字 not remembered across pages: ${after}px then ${kept}px`);
  if (!state.classes.includes('contrast') || state.pressed !== 'true,true') fail(`高对比 not remembered: ${JSON.stringify(state)}`);
  if (state.fg !== 'rgb(0, 0, 0)') fail(`高对比 text is ${state.fg}, want black`);
  // Turning it off again is remembered too.
  await page.locator('#prefs button[data-pref="large"]').click();
  await page.reload();
  if ((await size()) !== before) fail('大字 off was not remembered');
  await context.close();
  // The system's contrast and motion preferences.
  const sys = await browser.newContext({ viewport: { width: 375, height: 800 }, contrast: 'more', reducedMotion: 'reduce' });
  const p2 = await sys.newPage();
  await p2.goto(url(PAGES.fraud));
  const link = await p2.evaluate(() => getComputedStyle(document.querySelector('main a')).color);
  if (link !== 'rgb(0, 0, 139)') fail(`prefers-contrast: more did not darken links (${link})`);
  await sys.close();
}

/** In print emulation at the A4 text width, no sheet side overflows its page box. */
async function print(browser) {
  const list = [];
  const { context, page } = await newPage(browser, { viewport: { width: 688, height: 1032 } });
  await page.goto(url('leaflets/all/'));
  await page.emulateMedia({ media: 'print' });
  const sides = await page.evaluate(() => [...document.querySelectorAll('.leaflet-sheet')].map((s) => {
    const title = s.querySelector('.lf-title').textContent;
    return [...s.querySelectorAll('.lf-side')].map((side, i) => {
      const box = side.getBoundingClientRect();
      let bottom = 0;
      side.querySelectorAll('*').forEach((e) => { bottom = Math.max(bottom, e.getBoundingClientRect().bottom); });
      // The footer is pushed to the bottom; the free space is the gap above it.
      const foot = side.querySelector('.lf-foot');
      const prev = foot && foot.previousElementSibling;
      const free = foot && prev ? Math.round(foot.getBoundingClientRect().top - prev.getBoundingClientRect().bottom) : 0;
      return { title, side: i + 1, scroll: side.scrollHeight, client: side.clientHeight, spare: Math.round(box.bottom - bottom), free };
    });
  }).flat());
  for (const s of sides) {
    list.push(`${s.title}#${s.side} free ${s.free}px`);
    if (s.scroll > s.client || s.spare < 0) fail(`leaflet "${s.title}" side ${s.side} overflows its page: scrollHeight ${s.scroll} > ${s.client} (spare ${s.spare}px)`);
  }
  info(`leaflet sides: ${list.join('; ')}`);
  // No navigation, search or toggles in print; external links print their URL.
  await page.goto(url(PAGES.fraud));
  await page.emulateMedia({ media: 'print' });
  const p = await page.evaluate(() => {
    const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => getComputedStyle(e).display !== 'none' && e.getClientRects().length);
    return { nav: shown('.site-header, .main-nav, .breadcrumbs, form[role=search], #prefs, .skip'), footer: shown('.site-footer') };
  });
  if (p.nav) fail('print shows navigation, search or toggles on a fraud page');
  await page.goto(url('handbook/'));
  await page.emulateMedia({ media: 'print' });
  const after = await page.evaluate(() => {
    const a = document.querySelector('.hb-body a[href^="http"]');
    return a ? getComputedStyle(a, '::after').content : null;
  });
  if (!after || !after.includes('http')) fail(`external links do not print their URL (::after is ${after})`);
  await context.close();
}

async function shots(browser) {
  const dir = outDir || mkdtempSync(join(tmpdir(), 'fanzha-shots-'));
  mkdirSync(dir, { recursive: true });
  {
    const { context, page } = await newPage(browser, { viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(url(''));
    // The first screens a resident sees (the full page is several screens long).
    await page.screenshot({ path: join(dir, 'screenshot-home-375.png'), fullPage: true, clip: { x: 0, y: 0, width: 375, height: 1800 } });
    await context.close();
  }
  {
    // The sheet as printed: print media at the A4 text width (182 mm = 688 px) with a white edge.
    const { context, page } = await newPage(browser, { viewport: { width: 736, height: 1100 }, deviceScaleFactor: 1 });
    await page.goto(url('leaflets/elderly/'));
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => { document.querySelector('main').style.padding = '24px'; });
    const box = await page.locator('.leaflet-sheet').boundingBox();
    await page.screenshot({ path: join(dir, 'screenshot-leaflet.png'), fullPage: true,
      clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: box.height + 48 } });
    await context.close();
  }
  info(`screenshots in ${dir}`);
}


// Search as a resident meets it: real queries typed into /search/?q=, the box, the URL, the back
// button, the filters, and hostile text shown as text.
const SEARCHES = [
  ['杀猪盘', 'fraud/romance-scam/', 1],
  ['刷单反利', 'fraud/task-rebate/', 3],
  ['31条', 'law/article-31/', 1],
  ['被骗了怎么办', 'topics/after-being-scammed/', 1],
  ['老人 保健品', 'guides/elderly/', 3],
];
async function results(page) {
  await page.waitForSelector('#search-results[data-state="done"]', { timeout: 15000 });
  return page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
}
async function search(browser) {
  const { context, page } = await newPage(browser);
  for (const [q, want, within] of SEARCHES) {
    await page.goto(url('search/?q=' + encodeURIComponent(q)));
    const hrefs = await results(page);
    const pos = hrefs.indexOf(new URL(url(want)).pathname);
    if (pos < 0 || pos >= within) fail(`search ${q}: ${want} at ${pos + 1}, want top ${within}; got ${hrefs.slice(0, 5).join(' ')}`);
    else info(`search ${q}: ${want} at ${pos + 1}`);
    const first = await page.$eval('#search-results li', (li) => ({ text: li.textContent, mark: !!li.querySelector('mark') }));
    if (!first.mark) fail(`search ${q}: the first result's snippet marks nothing`);
  }
  // typing updates results and URL; the back button returns to the previous query
  await page.goto(url('search/?q=' + encodeURIComponent('杀猪盘')));
  await results(page);
  await page.fill('#q', '');
  await page.type('#q', '帮信罪');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '帮信罪', null, { timeout: 5000 });
  let hrefs = await results(page);
  if (!hrefs.some((h) => h.endsWith('topics/two-cards/'))) fail(`typed 帮信罪: no two-cards topic in ${hrefs.join(' ')}`);
  await page.press('#q', 'Enter');
  await page.fill('#q', 'AI换脸');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'AI换脸', null, { timeout: 5000 });
  await results(page);
  await page.goBack();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '帮信罪', null, { timeout: 5000 });
  hrefs = await results(page);
  if ((await page.inputValue('#q')) !== '帮信罪') fail('back button: the box does not show the previous query');
  if (!hrefs.some((h) => h.endsWith('topics/two-cards/'))) fail('back button: results not restored');
  // a filter narrows the results and is reflected in the URL
  await page.goto(url('search/?q=' + encodeURIComponent('转账')));
  const before = (await results(page)).length;
  await page.click('#search-filter-box summary');
  const facet = page.locator('#search-facets button.facet').first();
  if (await facet.count() === 0) fail('no facet buttons for 转账');
  else {
    await facet.click();
    await page.waitForFunction(() => new URLSearchParams(location.search).getAll('type').length + new URLSearchParams(location.search).getAll('aud').length > 0, null, { timeout: 5000 });
    const after = await results(page);
    info(`filter: ${before} → ${after.length} results, ${page.url()}`);
    if (!after.length) fail('filtering left no results');
  }
  // hostile text: a page title with <script> shows as text; a huge query returns
  await page.goto(url('search/?q=escapetest'));
  await results(page);
  const title = await page.$eval('#search-results a', (a) => a.textContent).catch(() => '');
  if (!title.includes('<script>')) fail(`escaping: the hostile title is not shown as text: ${JSON.stringify(title)}`);
  if (await page.evaluate(() => window.__xss === 1 || !!document.querySelector('#search-results script'))) fail('escaping: a script from a title ran or was inserted');
  await page.goto(url('search/?q=' + encodeURIComponent('骗'.repeat(3000) + '！？😀'.repeat(1000))));
  await results(page);
  await context.close();
  // without JavaScript the page says so and links to the browse pages
  const nojs = await newPage(browser, { javaScriptEnabled: false });
  await nojs.page.goto(url('search/?q=刷单'));
  const noscript = await nojs.page.$eval('noscript', (n) => n.textContent).catch(() => '');
  if (!noscript.includes('JavaScript')) fail('search page without JavaScript does not explain itself');
  await nojs.context.close();
}

const suites = { axe, layout, prefs, print, shots, search };
if (!suites[suite]) {
  console.error(`unknown suite ${suite}`);
  process.exit(2);
}
const browser = await launch();
try {
  await suites[suite](browser);
} catch (e) {
  fail(`${suite} crashed: ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`${suite}: ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
