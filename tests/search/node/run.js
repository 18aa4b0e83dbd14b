// Node harness for search.js: node node-test/run.js INDEX_DIR
// INDEX_DIR is written by `cargo run --example write_fixture_index -- INDEX_DIR`
// (the hand-made pages of tests/fixture-docs.json). Runs the shared tokenizer
// fixture, then real queries through the real client against the real files,
// served under the sub-path /fanzha/ by a byte-counting fetch.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const S = require('../../../themes/default/static/search.js');
const { diskFetch } = require('./fsfetch.js');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node node-test/run.js INDEX_DIR');
  process.exit(2);
}
const ROOT = '/fanzha/';
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'tokenize-fixture.json'), 'utf8'));
const pages = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixture-docs.json'), 'utf8')).docs;

function q(query, extra) {
  const counter = { bytes: 0, files: [] };
  const opts = Object.assign({ root: ROOT, fetch: diskFetch(dir, ROOT, counter), limit: 10 }, extra || {});
  return S.search(query, opts).then((r) => { r.counter = counter; return r; });
}
const urls = (r) => r.results.map((x) => x.url);
const at = (u) => ROOT + u.replace(/^\//, '');
// Pages whose text contains `needle` in any field (for expected totals/facets).
const containing = (needle) => pages.filter((p) =>
  [p.title, p.body].concat(p.keywords, p.headings).join('\n').includes(needle));
function facetCounts(list, key) {
  const c = {};
  list.forEach((p) => p[key].forEach((s) => { c[s] = (c[s] || 0) + 1; }));
  return c;
}

const tests = [];
const test = (name, fn) => tests.push([name, fn]);

test('tokenizer fixture matches', () => {
  for (const f of fixture) assert.deepStrictEqual(S.tokenize(f.text), f.tokens, f.text);
});
test('杀猪盘 (keyword) finds the romance page first', async () => {
  const r = await q('杀猪盘');
  assert.strictEqual(r.results[0].url, at('/fraud/romance/'));
  assert.ok(urls(r).includes(at('/cases/2024-003/')), 'the case that mentions it in the body follows');
});
test('帮信罪 finds the two-cards topic first', async () => {
  assert.strictEqual((await q('帮信罪')).results[0].url, at('/topics/two-cards/'));
});
test('刷单反利 (typo) finds the task-rebate page in the top 3 via pinyin', async () => {
  const r = await q('刷单反利');
  assert.ok(urls(r).slice(0, 3).includes(at('/fraud/task-rebate/')), urls(r).join(' '));
  assert.strictEqual(r.fuzzy, true);
});
test('冒冲客服 (typo) finds customer-service pages', async () => {
  const r = await q('冒冲客服');
  assert.ok(urls(r).slice(0, 3).includes(at('/fraud/fake-customer-service/')), urls(r).join(' '));
  assert.strictEqual(r.fuzzy, true);
});
test('exact matches rank above homophone matches', async () => {
  const r = await q('刷单返利');
  assert.strictEqual(r.fuzzy, false);
  assert.strictEqual(r.results[0].url, at('/fraud/task-rebate/'));
});
test('帐户 matches 账户 text and 帐户 text, marked', async () => {
  const r = await q('帐户');
  assert.ok(urls(r).includes(at('/fraud/impersonation-police/')), urls(r).join(' '));
  const c = r.results.find((x) => x.url === at('/cases/2024-002/'));
  assert.ok(c, 'case with 帐户 in its text');
  assert.ok(c.snippetHtml.includes('<mark>帐户</mark>'), c.snippetHtml);
});
for (const query of ['第三十一条', '31条', '反诈法31条', '第31条', '反电信网络诈骗法第三十一条']) {
  test(query + ' ranks article 31 first', async () => {
    assert.strictEqual((await q(query)).results[0].url, at('/law/article-31/'));
  });
}
test('第二十条 ranks article 20 first', async () => {
  assert.strictEqual((await q('第二十条')).results[0].url, at('/law/article-20/'));
});
test('96110 and ＡＰＰ下载 (full-width) find their pages', async () => {
  assert.strictEqual((await q('96110')).results[0].url, at('/mingbai/96110/'));
  assert.strictEqual((await q('ＡＰＰ下载')).results[0].url, at('/cases/2024-005/'));
  assert.strictEqual((await q('app')).results[0].url, at('/cases/2024-005/'));
});
test('pages matching all terms rank above pages matching some', async () => {
  const r = await q('冒充客服 退款');
  assert.deepStrictEqual(urls(r).slice(0, 2).sort(), [at('/cases/2024-002/'), at('/fraud/fake-customer-service/')]);
});
test('one-character query 骗 finds every page containing it', async () => {
  assert.strictEqual((await q('骗', { limit: 100 })).total, containing('骗').length);
});
test('facet counts and labels', async () => {
  const r = await q('刷单');
  const want = containing('刷单');
  assert.strictEqual(r.total, want.length);
  assert.deepStrictEqual(r.facets.fraud_types, facetCounts(want, 'fraud_types'));
  assert.deepStrictEqual(r.facets.audiences, facetCounts(want, 'audiences'));
  assert.strictEqual(r.labels['task-rebate'], '刷单返利');
  assert.strictEqual(r.labels.students, '学生');
});
test('filters narrow results; counts are disjunctive', async () => {
  const all = containing('诈骗');
  const r = await q('诈骗', { filters: { audiences: ['elderly'] }, limit: 100 });
  const elderly = all.filter((p) => p.audiences.includes('elderly'));
  assert.strictEqual(r.total, elderly.length);
  r.results.forEach((x) => assert.ok(x.audiences.includes('elderly'), x.url));
  assert.deepStrictEqual(r.facets.fraud_types, facetCounts(elderly, 'fraud_types'));
  assert.deepStrictEqual(r.facets.audiences, facetCounts(all, 'audiences'));
  const r2 = await q('诈骗', { filters: { audiences: ['elderly'], fraud_types: ['impersonation'] }, limit: 100 });
  assert.strictEqual(r2.total, elderly.filter((p) => p.fraud_types.includes('impersonation')).length);
  assert.ok(r2.total > 0);
});
test('titles and snippets are escaped', async () => {
  const r = await q('alert');
  const x = r.results.find((y) => y.url === at('/pages/escape-test/'));
  assert.ok(x);
  assert.strictEqual(x.title, '转义测试<script>alert(1)</script>', 'title is raw text for textContent');
  assert.ok(!/<script|<img/i.test(x.titleHtml + x.snippetHtml), x.titleHtml + x.snippetHtml);
  assert.ok(x.titleHtml.includes('&lt;script&gt;<mark>alert</mark>(1)'), x.titleHtml);
  assert.ok(x.snippetHtml.includes('&lt;img') && x.snippetHtml.includes('&quot;') && x.snippetHtml.includes('&amp;'), x.snippetHtml);
});
test('results carry url under the root, section, date, facets, score', async () => {
  const r = await q('做任务');
  const x = r.results.find((y) => y.url === at('/cases/2024-001/'));
  assert.ok(x);
  assert.strictEqual(x.section, '案例');
  assert.strictEqual(x.date, '2024-05-01');
  assert.deepStrictEqual(x.fraud_types, ['task-rebate']);
  assert.ok(x.score > 0);
  assert.strictEqual(r.results[0].url, at('/fraud/task-rebate/'), 'keyword 做任务 boosts the formal page');
});
test('only the needed files are fetched', async () => {
  const r = await q('刷单', { limit: 3 });
  const names = r.counter.files.map((f) => f[0]);
  assert.strictEqual(names.filter((f) => f.startsWith('d/')).length, 3);
  assert.ok(names.includes('manifest.json'));
  assert.ok(!names.some((f) => f.startsWith('p/')), 'no pinyin tables for an exact hit');
});
test('limit and offset page through results deterministically', async () => {
  const a = await q('诈骗', { limit: 100 });
  const b = await q('诈骗', { limit: 3, offset: 2 });
  assert.deepStrictEqual(urls(b), urls(a).slice(2, 5));
});
const hostile = {
  '10,000 characters': Array.from({ length: 10000 }, (_, i) => '骗a１，🙂Ж'[i % 6]).join(''),
  'emoji only': '🙂😀👍🏻🇨🇳'.repeat(50),
  'punctuation only': '，。！？、；：“”‘’（）《》【】…—'.repeat(20),
  'mixed scripts': 'Привет мир こんにちは 안녕하세요 مرحبا שלום 刷单 <script>',
  'prototype names': '__proto__ constructor hasOwnProperty toString',
  'empty': '',
};
for (const [name, text] of Object.entries(hostile)) {
  test('hostile query (' + name + ') returns quickly without error', async () => {
    await q('刷单');
    const t = process.hrtime.bigint();
    const r = await q(text);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    assert.ok(Array.isArray(r.results));
    assert.ok(ms < 200, ms + ' ms');
  });
}

(async () => {
  let passed = 0, failed = 0;
  for (const [name, fn] of tests) {
    try {
      await fn();
      passed++;
      console.log('ok - ' + name);
    } catch (e) {
      failed++;
      console.log('not ok - ' + name + '\n  ' + String(e && e.stack || e).split('\n').slice(0, 4).join('\n  '));
    }
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})();
