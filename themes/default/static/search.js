/* FanzhaSearch: client of fanzha's static search index (src/search/ builds it;
 * NOTES.md has the format). Fetches only the manifest, the shards of the query's
 * terms and the result files it shows. The tokenizer mirrors tokenize.rs exactly.
 * Plain ES2017: window.FanzhaSearch in browsers, module.exports in Node. */
(function (root, api) {
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.FanzhaSearch = api;
})(typeof self !== 'undefined' ? self : this, (function () {
  'use strict';
  // ---- tokenizer (rules: tokenize.rs) ----
  const VARIANTS = { '帐': '账', '帳': '账', '賬': '账', '戶': '户', '〇': '零', '惟': '唯', '妳': '你' };
  const DICT = ['反电信网络诈骗法', '电信网络诈骗', '国家反诈中心', '冒充公检法', '反诈中心',
    '安全账户', '刷单返利', '冒充客服', '屏幕共享', '共享屏幕', '网络贷款', '网络婚恋',
    '虚拟货币', '数字货币', '养老诈骗', '征信修复', '电信诈骗', '网络诈骗', '跑分平台',
    '百万保障', '反诈法', '帮信罪', '杀猪盘', '公检法', '验证码', '收款码', '二维码',
    '银行卡', '电话卡', '校园贷', '套路贷', '保证金'].map((w) => Array.from(w));
  const MAX_WORD = 32;
  const fold = (ch) => {
    const cp = ch.codePointAt(0);
    if (cp >= 0xFF01 && cp <= 0xFF5E) return String.fromCharCode(cp - 0xFEE0).toLowerCase();
    if (cp === 0x3000) return ' ';
    if (cp >= 65 && cp <= 90) return String.fromCharCode(cp + 32);
    return VARIANTS[ch] || ch;
  };
  const isHan = (cp) => (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
  const cls = (cp) => cp >= 97 && cp <= 122 ? 1 : cp >= 48 && cp <= 57 ? 2 : isHan(cp) ? 3 : 0;
  const startsAt = (a, i, w) => i + w.length <= a.length && w.every((c, j) => a[i + j] === c);
  // Tokens {t text, k kind (u|b|d|w), r run, i start, n length}, in rule order.
  function analyze(text) {
    const out = [];
    let han = [], word = '', prev = 0, r = 0;
    const flush = () => {
      if (han.length === 1) out.push({ t: han[0], k: 'u', r, i: 0, n: 1 });
      for (let i = 0; han.length > 1 && i + 1 < han.length; i++) out.push({ t: han[i] + han[i + 1], k: 'b', r, i, n: 2 });
      for (let i = 0; i < han.length; i++) {
        for (const w of DICT) if (startsAt(han, i, w)) out.push({ t: w.join(''), k: 'd', r, i, n: w.length });
      }
      if (han.length) r++;
      if (word) out.push({ t: word, k: 'w', r: r++, i: 0, n: 1 });
      han = []; word = '';
    };
    for (let ch of String(text)) {
      ch = fold(ch);
      const c = cls(ch.codePointAt(0));
      if (c !== prev) flush();
      if (c === 3) han.push(ch);
      else if (c && word.length < MAX_WORD) word += ch;
      prev = c;
    }
    flush();
    return out;
  }
  const tokenize = (text) => analyze(text).map((t) => t.t);

  // ---- query planning ----
  const MAX_QUERY = 256, MAX_TERMS = 32, MAX_ALTS = 4, MAX_ALT_TERMS = 16, FUZZY_WEIGHT = 0.5, FUZZY_MIN = 3;
  const inside = (a, b) => a !== b && a.r === b.r && b.i <= a.i && a.i + a.n <= b.i + b.n;
  // Dictionary words replace the bigrams they cover (kept as backups for when the
  // word is not in the index); a dictionary word inside a longer one is dropped.
  function plan(tokens) {
    let dicts = tokens.filter((t) => t.k === 'd');
    dicts = dicts.filter((d) => !dicts.some((o) => inside(d, o)));
    const terms = [], seen = new Set();
    const add = (t, kind, backups) => {
      if (!seen.has(t) && terms.length < MAX_TERMS) terms.push({ t, kind, backups });
      seen.add(t);
    };
    dicts.forEach((d) => add(d.t, 'd', tokens.filter((b) => b.k === 'b' && inside(b, d)).map((b) => b.t)));
    tokens.forEach((t) => {
      if (t.k !== 'd' && !(t.k === 'b' && dicts.some((d) => inside(t, d)))) add(t.t, t.k, []);
    });
    return terms;
  }
  const CN = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  // Law article of a query: 第三十一条, 第31条, 31条, 反诈法31条 → 31.
  function parseLaw(query) {
    const s = Array.from(String(query).slice(0, MAX_QUERY), fold).join('').replace(/\s+/g, '');
    const m = /(?:第|法|^|[^0-9])([0-9]{1,4})条/.exec(s) || /(?:第|法)([零一二两三四五六七八九十百]{1,8})条/.exec(s);
    if (!m) return null;
    let n = 0, cur = 0;
    if (/^[0-9]/.test(m[1])) n = parseInt(m[1], 10);
    else {
      for (const ch of m[1]) {
        if (ch === '十' || ch === '百') { n += (cur || 1) * (ch === '十' ? 10 : 100); cur = 0; } else cur = CN[ch];
      }
      n += cur;
    }
    return n > 0 ? n : null;
  }

  // ---- index files ----
  const DIGIT = new Int8Array(128).fill(-1);
  Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_').forEach((c, i) => { DIGIT[c.charCodeAt(0)] = i; });
  // Integers of a digit string (postings.rs): 5-bit groups, low first, 32+ = more follow.
  function eachUint(s, fn) {
    let v = 0, mul = 1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i), d = c < 128 ? DIGIT[c] : -1;
      if (d < 0) return;
      if (d < 32) { fn(v + d * mul); v = 0; mul = 1; } else { v += (d - 32) * mul; mul *= 32; }
    }
  }
  function eachPosting(s, fn) {
    let doc = -1;
    eachUint(s, (v) => { doc += 1 + Math.floor(v / 16); fn(doc, v % 16); });
  }
  const UTF8 = new TextEncoder();
  const fnv = (str) => UTF8.encode(str).reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5); // FNV-1a 32
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;

  const contexts = [];
  function context(opts) {
    let root = String(opts.root == null ? '/' : opts.root);
    if (!root.endsWith('/')) root += '/';
    const f = opts.fetch || ((url) => fetch(url));
    let ctx = contexts.find((c) => c.root === root && c.f === f);
    if (!ctx) {
      ctx = { root, f, files: new Map() };
      if (contexts.push(ctx) > 8) contexts.shift();
    }
    return ctx;
  }
  function get(ctx, path) {
    let p = ctx.files.get(path);
    if (!p) {
      p = Promise.resolve(ctx.f(ctx.root + 'search/' + path)).then((r) => {
        if (!r.ok) throw new Error('FanzhaSearch: ' + path + ' ' + r.status);
        return r.json();
      });
      ctx.files.set(path, p);
      p.catch(() => ctx.files.delete(path));
    }
    return p;
  }
  async function manifest(ctx) {
    if (ctx.man) return ctx.man;
    const m = await get(ctx, 'manifest.json');
    if (m.v !== 1) throw new Error('FanzhaSearch: index format ' + m.v);
    const nums = [], runs = [], runOf = new Int32Array(m.n);
    eachUint(m.runs, (v) => nums.push(v));
    for (let k = 0, start = 0; k < nums.length;) {
      start += nums[k++];
      const ft = nums.slice(k + 1, k + 1 + nums[k]); k += 1 + ft.length;
      const au = nums.slice(k + 1, k + 1 + nums[k]); k += 1 + au.length;
      runs.push({ start, ft, au });
    }
    runs.forEach((r, i) => runOf.fill(i, r.start, i + 1 < runs.length ? runs[i + 1].start : m.n));
    m.facetsOf = (d) => runs[runOf[d]] || { ft: [], au: [] };
    return (ctx.man = m);
  }
  // Postings {t, idf, p} of each term, or null when the index lacks it.
  function lookup(ctx, man, list) {
    return Promise.all(list.map(async (t) => {
      const s = fnv(t) % man.ts, e = own(await get(ctx, 't/' + s + '.json'), t);
      if (!e) return null;
      const p = typeof e[1] === 'number' ? await get(ctx, 't/' + s + '-' + e[1] + '.json') : e[1];
      return { t, idf: e[0] / 1000, p };
    }));
  }
  // Homophones in the index of each bigram: {bigram: [{t, idf, p}]}, commonest first.
  async function alternatives(ctx, man, bigrams) {
    const [first, last, chunk] = man.pr, tables = new Map();
    const file = (ch) => { const cp = ch.codePointAt(0); return cp >= first && cp <= last ? Math.floor((cp - first) / chunk) : -1; };
    for (const b of bigrams) for (const ch of b) if (file(ch) >= 0) tables.set(file(ch), get(ctx, 'p/c' + file(ch) + '.json'));
    for (const [k, p] of tables) tables.set(k, await p);
    const readings = (ch) => file(ch) < 0 ? [] : tables.get(file(ch))[(ch.codePointAt(0) - first) % chunk].split(' ').filter(Boolean);
    const keysOf = bigrams.map((b) => {
      const [x, y] = Array.from(b), keys = new Set();
      readings(x).forEach((a) => readings(y).forEach((c) => keys.add(a + c)));
      return Array.from(keys);
    });
    const shards = await Promise.all(keysOf.map((keys) => Promise.all(keys.map((k) => get(ctx, 'p/k' + fnv(k) % man.ps + '.json')))));
    const want = [], out = Object.create(null);
    bigrams.forEach((b, i) => {
      const alts = [];
      keysOf[i].forEach((k, j) => {
        const c = Array.from(own(shards[i][j], k) || '');
        for (let x = 0; x + 1 < c.length; x += 2) {
          const t = c[x] + c[x + 1];
          if (t !== b && !alts.includes(t) && alts.length < MAX_ALTS && want.length < MAX_ALT_TERMS) { alts.push(t); want.push(t); }
        }
      });
      out[b] = alts;
    });
    const found = new Map((await lookup(ctx, man, want)).filter(Boolean).map((p) => [p.t, p]));
    bigrams.forEach((b) => { out[b] = out[b].map((t) => found.get(t)).filter(Boolean); });
    return out;
  }

  // ---- output ----
  const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  // Escaped text with <mark> around matches; with max > 0, ~max chars around the first.
  function highlight(text, needles, max) {
    const chars = Array.from(String(text || '')), folded = chars.map(fold), mark = new Uint8Array(chars.length + 1);
    let first = -1;
    for (let i = 0; i < chars.length; i++) {
      for (const w of needles) {
        if (startsAt(folded, i, w)) { mark.fill(1, i, i + w.length); if (first < 0) first = i; }
      }
    }
    let from = 0, to = chars.length, out = '';
    if (max > 0 && to > max) { from = Math.max(0, Math.min(first - 12, to - max)); to = from + max; }
    for (let i = from; i < to; i++) {
      if (mark[i] && (i === from || !mark[i - 1])) out += '<mark>';
      out += chars[i] === '\n' ? ' ' : chars[i].replace(/[&<>"']/, (c) => ESC[c]);
      if (mark[i] && (!mark[i + 1] || i + 1 === to)) out += '</mark>';
    }
    return (from > 0 ? '…' : '') + out + (to < chars.length ? '…' : '');
  }

  // ---- search ----
  async function search(query, opts) {
    opts = opts || {};
    const ctx = context(opts), man = await manifest(ctx), q = String(query == null ? '' : query).slice(0, MAX_QUERY);
    let terms = plan(analyze(q));
    const law = parseLaw(q), pinned = law != null && own(man.law, law) != null ? man.law[law] : -1;
    (await lookup(ctx, man, terms.map((t) => t.t))).forEach((p, i) => { terms[i].post = p; });
    const backups = Array.from(new Set([].concat(...terms.filter((t) => !t.post).map((t) => t.backups)))).slice(0, MAX_TERMS);
    const bposts = await lookup(ctx, man, backups);
    terms = terms.filter((t) => t.post || !t.backups.length);
    backups.forEach((t, i) => { if (!terms.some((x) => x.t === t)) terms.push({ t, kind: 'b', backups: [], post: bposts[i] }); });
    // exact pass
    const n = man.n, W = man.w.map((w) => w / 1000);
    const s = { sc: new Float64Array(n), exact: new Uint8Array(n), hit: new Uint8Array(n), pinned, fuzzy: false, active: 0 };
    const stamp = new Int32Array(n).fill(-1);
    let present = 0, full = 0;
    terms.forEach((t, ti) => {
      if (!t.post) return;
      present++;
      eachPosting(t.post.p, (d, l) => { s.sc[d] += t.post.idf * W[l]; s.exact[d]++; s.hit[d]++; stamp[d] = ti; });
    });
    for (let d = 0; d < n && present; d++) if (s.exact[d] === present) full++;
    // homophone pass, when a bigram is missing or too few pages match every term
    const missing = terms.filter((t) => t.kind === 'b' && !t.post);
    const fz = pinned >= 0 ? [] : missing.length ? missing : full < FUZZY_MIN ? terms.filter((t) => t.kind === 'b') : [];
    const alts = fz.length ? await alternatives(ctx, man, fz.map((t) => t.t)) : Object.create(null);
    terms.forEach((t, ti) => {
      t.alts = alts[t.t] || [];
      if (t.post || t.alts.length) s.active++;
      t.alts.forEach((a) => eachPosting(a.p, (d, l) => {
        if (stamp[d] === ti) return;
        stamp[d] = ti; s.hit[d]++; s.sc[d] += a.idf * W[l] * FUZZY_WEIGHT; s.fuzzy = true;
      }));
    });
    return collect(ctx, man, terms, s, opts);
  }

  async function collect(ctx, man, terms, s, opts) {
    const filters = opts.filters || {}, need = Math.max(1, Math.ceil(s.active / 2));
    const fsel = (filters.fraud_types || []).map((x) => man.ft.indexOf(x));
    const asel = (filters.audiences || []).map((x) => man.au.indexOf(x));
    const pass = (sel, have) => !sel.length || have.some((i) => sel.includes(i));
    const ftc = {}, auc = {}, hits = [];
    const count = (c, names, idx) => idx.forEach((i) => { c[names[i]] = (c[names[i]] || 0) + 1; });
    for (let d = 0; d < man.n; d++) {
      if (!(s.active && s.hit[d] >= need) && d !== s.pinned) continue;
      const f = man.facetsOf(d), okF = pass(fsel, f.ft), okA = pass(asel, f.au);
      if (okA) count(ftc, man.ft, f.ft); // each facet counted under the other's filter
      if (okF) count(auc, man.au, f.au);
      if (okF && okA) hits.push(d);
    }
    // Pages matching every term first (exactly, then with homophones); within a tier, and among
    // pages matching only some terms, the BM25 score decides: it already sums over the terms matched.
    const tier = (d) => d === s.pinned ? 4 : s.exact[d] === s.active ? 3 : s.hit[d] === s.active ? 2 : 1;
    hits.sort((a, b) => tier(b) - tier(a) || s.sc[b] - s.sc[a] || s.hit[b] - s.hit[a] || a - b);
    const limit = opts.limit == null ? 10 : Math.max(0, opts.limit | 0), offset = Math.max(0, opts.offset | 0);
    const top = hits.slice(offset, offset + limit), needles = [];
    terms.forEach((t) => {
      if (t.post) needles.push(Array.from(t.t));
      t.alts.forEach((a) => needles.push(Array.from(a.t)));
    });
    const labels = {};
    man.ft.concat(man.au).forEach((slug) => { if (own(man.lb, slug)) labels[slug] = man.lb[slug]; });
    const data = await Promise.all(top.map((d) => get(ctx, 'd/' + d + '.json')));
    return {
      results: data.map((x, i) => ({
        url: ctx.root + String(x.u).replace(/^\//, ''), title: x.t, section: x.s, date: x.d || null,
        titleHtml: highlight(x.t, needles, 0), snippetHtml: highlight(x.x, needles, 90),
        fraud_types: x.f, audiences: x.a, score: Math.round(s.sc[top[i]] * 1000) / 1000,
      })),
      total: hits.length, facets: { fraud_types: ftc, audiences: auc }, labels, fuzzy: s.fuzzy,
    };
  }

  const init = (opts) => manifest(context(opts || {})).then(() => true);
  return { init, search, tokenize, parseLaw, version: 1 };
})());
