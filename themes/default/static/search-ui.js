/* fanzha search page: runs the query in ?q= on load, renders results into #search-results
   (title, section, snippet with the match marked), keeps the box, the URL and the back button in
   step, and offers fraud-type / audience filters with counts. The engine is search.js. */
(function () {
  'use strict';
  var list = document.getElementById('search-results');
  var input = document.getElementById('q');
  var form = document.getElementById('search-form');
  var status = document.getElementById('search-status');
  var facetsBox = document.getElementById('search-facets');
  var filterBox = document.getElementById('search-filter-box');
  if (!list || !input || !window.FanzhaSearch) { return; }
  var root = list.getAttribute('data-root') || '/';
  var seq = 0;
  var timer = null;

  function params() {
    var p = new URLSearchParams(location.search);
    return { q: p.get('q') || '', type: p.getAll('type'), aud: p.getAll('aud') };
  }
  function urlFor(st) {
    var p = new URLSearchParams();
    if (st.q) { p.set('q', st.q); }
    st.type.forEach(function (t) { p.append('type', t); });
    st.aud.forEach(function (a) { p.append('aud', a); });
    var s = p.toString();
    return location.pathname + (s ? '?' + s : '');
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }

  function renderFacets(st, res) {
    facetsBox.textContent = '';
    if (filterBox) {
      /* closed by default so results stay at the top on a phone; open while a filter is on */
      filterBox.hidden = !res.results.length && !st.type.length && !st.aud.length;
      if (st.type.length || st.aud.length) { filterBox.open = true; }
    }
    [['type', 'fraud_types', '诈骗类型'], ['aud', 'audiences', '人群']].forEach(function (f) {
      var counts = (res.facets && res.facets[f[1]]) || {};
      var slugs = Object.keys(counts);
      if (!slugs.length && !st[f[0]].length) { return; }
      var group = el('div', 'facet-group');
      group.appendChild(el('p', 'filter-label', f[2]));
      var ul = el('ul', 'chips');
      slugs.sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
      slugs.forEach(function (slug) {
        var li = el('li');
        var b = el('button', 'facet', ((res.labels && res.labels[slug]) || slug) + '（' + counts[slug] + '）');
        b.type = 'button';
        var on = st[f[0]].indexOf(slug) >= 0;
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
        b.addEventListener('click', function () {
          var next = params();
          var i = next[f[0]].indexOf(slug);
          if (i >= 0) { next[f[0]].splice(i, 1); } else { next[f[0]].push(slug); }
          history.pushState(null, '', urlFor(next));
          run();
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      group.appendChild(ul);
      facetsBox.appendChild(group);
    });
  }

  function renderResults(st, res) {
    list.textContent = '';
    res.results.forEach(function (r) {
      var li = el('li', 'result');
      var a = el('a', 'r-title', r.title);
      a.href = r.url; /* search.js already puts the site root in front */
      li.appendChild(a);
      var meta = el('p', 'meta', r.section + (r.date ? ' · ' + r.date : ''));
      li.appendChild(meta);
      var snip = el('p', 'snippet');
      snip.innerHTML = r.snippetHtml || ''; /* escaped by search.js, only <mark> added */
      li.appendChild(snip);
      list.appendChild(li);
    });
    if (!st.q) {
      status.textContent = '请输入要查的内容。';
    } else if (!res.results.length) {
      status.textContent = '没有找到和“' + st.q + '”有关的内容。换个说法试试，或者浏览诈骗类型和案例。';
    } else {
      status.textContent = '找到 ' + res.total + ' 条结果' + (res.fuzzy ? '（按读音相近的字查到的）' : '') + (res.total > res.results.length ? '，显示前 ' + res.results.length + ' 条' : '') + '。';
    }
  }

  function run() {
    var st = params();
    var mine = ++seq;
    if (input.value !== st.q) { input.value = st.q; }
    list.setAttribute('data-state', 'loading');
    if (!st.q.trim()) {
      renderResults(st, { results: [], total: 0 });
      facetsBox.textContent = '';
      if (filterBox) { filterBox.hidden = true; }
      list.setAttribute('data-state', 'done');
      return;
    }
    status.textContent = '正在搜索……';
    window.FanzhaSearch.search(st.q, { root: root, filters: { fraud_types: st.type, audiences: st.aud }, limit: 20 })
      .then(function (res) {
        if (mine !== seq) { return; }
        renderResults(st, res);
        renderFacets(st, res);
        list.setAttribute('data-state', 'done');
      })
      .catch(function (e) {
        if (mine !== seq) { return; }
        list.textContent = '';
        status.textContent = '搜索出错了，请稍后再试。（' + (e && e.message ? e.message : e) + '）';
        list.setAttribute('data-state', 'done');
      });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var st = params();
      st.q = input.value;
      history.replaceState(null, '', urlFor(st));
      run();
    }, 250);
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    var st = params();
    st.q = input.value;
    history.pushState(null, '', urlFor(st));
    run();
  });
  window.addEventListener('popstate', run);
  run();
})();
