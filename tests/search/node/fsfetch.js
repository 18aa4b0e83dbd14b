// A fetch() stand-in for the Node harnesses: serves ROOT/search/... from an index
// directory on disk and counts every byte and file it hands out.
'use strict';
const fs = require('fs');
const path = require('path');

function diskFetch(dir, root, counter) {
  const prefix = root + 'search/';
  return async function (url) {
    if (!url.startsWith(prefix)) throw new Error('fetch outside the index: ' + url);
    const rel = url.slice(prefix.length);
    const file = path.join(dir, rel);
    if (rel.includes('..') || !fs.existsSync(file)) {
      return { ok: false, status: 404, json: async () => { throw new Error('404 ' + rel); } };
    }
    const buf = fs.readFileSync(file);
    counter.bytes += buf.length;
    counter.files.push([rel, buf.length]);
    return { ok: true, status: 200, json: async () => JSON.parse(buf.toString('utf8')) };
  };
}

module.exports = { diskFetch };
