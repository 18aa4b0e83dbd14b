// Ranking over the built bundled site: node rank.js SITE_OUT_DIR QUERIES.json [ROOT]
// Each query is typed as a resident would; its page must come first or in the top N.
// Runs the real search.js against the real index files; prints one line per query and
// a closing "N passed, N failed" line; exits 1 on any failure.
'use strict';
const fs = require('fs');
const path = require('path');
const S = require('../../../themes/default/static/search.js');
const { diskFetch } = require('./fsfetch.js');

const [out, queriesFile, rootArg] = process.argv.slice(2);
if (!out || !queriesFile) {
  console.error('usage: node rank.js SITE_OUT_DIR QUERIES.json [ROOT]');
  process.exit(2);
}
const root = rootArg || '/fanzha/';
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

(async () => {
  let passed = 0, failed = 0;
  for (const c of queries) {
    const counter = { bytes: 0, files: [] };
    const r = await S.search(c.q, { root, fetch: diskFetch(path.join(out, 'search'), root, counter), limit: 10 });
    const urls = r.results.map((x) => x.url);
    const pos = urls.indexOf(root + c.expect.replace(/^\//, ''));
    const ok = pos >= 0 && pos < c.within;
    if (ok) passed++; else failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.q} → ${c.expect} at ${pos < 0 ? '-' : pos + 1} (want top ${c.within}; ${counter.bytes} bytes)` +
      (ok ? '' : '\n      got: ' + r.results.slice(0, 5).map((x) => x.url).join(' ')));
  }
  console.log(`search ranking: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
