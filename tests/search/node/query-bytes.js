// Bytes a first query downloads: node node-test/query-bytes.js INDEX_DIR QUERY...
// Each query runs with an empty cache (a fresh fetch), as a first visit would;
// the total counts search.js itself, the manifest, term shards, heavy term files,
// pinyin tables and the result files of the top 10.
'use strict';
const fs = require('fs');
const path = require('path');
const S = require('../../../themes/default/static/search.js');
const { diskFetch } = require('./fsfetch.js');

async function main() {
  const [dir, ...queries] = process.argv.slice(2);
  const script = fs.statSync(path.join(__dirname, '..', '..', '..', 'themes', 'default', 'static', 'search.js')).size;
  console.log('search.js: ' + script + ' bytes');
  console.log(['query', 'results', 'manifest', 'terms', 'pinyin', 'data', 'total+js', 'files', 'ms'].join('\t'));
  for (const q of queries) {
    const c = { bytes: 0, files: [] };
    const t = Date.now();
    const r = await S.search(q, { root: '/', fetch: diskFetch(dir, '/', c), limit: 10 });
    const ms = Date.now() - t;
    const sum = (re) => c.files.filter(([f]) => re.test(f)).reduce((a, [, b]) => a + b, 0);
    console.log([q, r.total + (r.fuzzy ? '~' : ''), sum(/^manifest/), sum(/^t\//), sum(/^p\//), sum(/^d\//),
      c.bytes + script, c.files.length, ms].join('\t'));
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
