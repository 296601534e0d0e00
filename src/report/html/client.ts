// The HTML report's inline client. Plain ES2017 in a string (the report needs no bundler step); it builds every
// node with textContent, never innerHTML, because finding messages and resource names come from user files.
// Its one interpolation is STRIDE.
//
// Loading: the small index block (the default view's groups and their counts) comes before this script and the
// large data block after it, so the first view renders while the browser is still reading the findings. The data
// block is parsed once the document has loaded (when idle, or at the first interaction), then filters, grouping
// and findings work from it, 100 at a time.

/** Integers per finding in the data block's `f` array; the field order is the F_* constants in CLIENT_JS. */
export const STRIDE = 17;

export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var STRIDE = ${STRIDE};
  var F_RULE = 0, F_STATUS = 1, F_SEV = 2, F_TITLE = 3, F_MSG = 4, F_CITES = 5, F_RES = 6, F_FILE = 7, F_LINE = 8,
    F_COL = 9, F_PATH = 10, F_ACTUAL = 11, F_EXPECTED = 12, F_FP = 13, F_LABELS = 14, F_WAIVER = 15, F_FLAGS = 16;
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var SEVERITY_TEXT = ['Critical', 'High', 'Medium', 'Low', 'Info'];
  var STATUSES = ['fail', 'unknown', 'waived', 'pass'];
  var STATUS_TEXT = ['Fail', 'Needs review', 'Waived', 'Passed'];
  var PAGE = 100;
  var doc = document;
  var IDX = JSON.parse(doc.getElementById('phiguard-index').textContent);
  var N = IDX.total;
  var CITES = Object.create(null);
  IDX.cites.forEach(function (c) { CITES[c[0]] = c; });
  // Filled from the data block by hydrate().
  var S = null, F = null, RULES, RES, LISTS, WAIVERS, citeKey, ruleById;

  var form = doc.getElementById('filters');
  var groupsEl = doc.getElementById('groups');
  var countEl = doc.getElementById('count');
  var collator = null;
  // Created on first use: building an ICU collator costs milliseconds the first view does not need.
  function compare(a, b) {
    if (!collator) collator = new Intl.Collator('en', { numeric: true });
    return collator.compare(a, b);
  }
  var uid = 0;
  var expanded = Object.create(null);
  var groups = [];
  var groupsShown = 0;
  var view = 'section';

  // Thousands separators without Intl (its first use is slow, and the first view formats every group count).
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function plural(n, one, many) { return fmt(n) + ' ' + (n === 1 ? one : many); }

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function hydrate() {
    if (F) return true;
    var block = doc.getElementById('phiguard-data');
    if (!block) return false;
    var D = JSON.parse(block.textContent);
    S = D.s; F = D.f; RULES = D.rules; RES = D.res; LISTS = D.lists; WAIVERS = D.w;
    citeKey = [];
    ruleById = Object.create(null);
    RULES.forEach(function (r, i) { ruleById[S[r[0]]] = i; });
    // The groups on screen came from the index; give them their findings if the data agrees, else redraw.
    var fresh = buildGroups(matching(readFilters()), view);
    var same = fresh.length === groups.length && fresh.every(function (g, k) {
      return g.key === groups[k].key && g.count === groups[k].count;
    });
    if (same) fresh.forEach(function (g, k) { groups[k].items = g.items; });
    else apply();
    doc.documentElement.setAttribute('data-hydrated', 'true');
    performance.mark('phiguard:hydrated');
    return true;
  }

  // Runs fn with the data parsed; before the data block has been read, after DOMContentLoaded.
  function withData(fn) {
    if (hydrate()) fn();
    else doc.addEventListener('DOMContentLoaded', function () { hydrate(); fn(); });
  }

  // Text search runs over the interned string table: each distinct string is tested once per term, then a finding
  // matches when one of its string ids does. A case-insensitive pattern spares a lower-cased copy of the table.
  function termMask(term) {
    var pattern = new RegExp(term.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&'), 'i');
    var mask = new Uint8Array(S.length);
    for (var i = 0; i < S.length; i++) if (pattern.test(S[i])) mask[i] = 1;
    return mask;
  }
  function terms(text) {
    return text.split(/\s+/).filter(function (t) { return t.length > 0; });
  }
  function hit(mask, id) { return id >= 0 && mask[id] === 1; }
  function listHit(mask, list) {
    if (list < 0) return false;
    var items = LISTS[list];
    for (var i = 0; i < items.length; i++) if (mask[items[i]] === 1) return true;
    return false;
  }
  function resourceHit(mask, o) {
    var r = RES[F[o + F_RES]];
    return mask[r[0]] === 1 || mask[r[1]] === 1 || mask[r[2]] === 1 || mask[r[3]] === 1 || hit(mask, F[o + F_FILE]);
  }
  function textHit(mask, o) {
    if (resourceHit(mask, o)) return true;
    var rule = RULES[F[o + F_RULE]];
    if (mask[rule[0]] === 1 || mask[rule[1]] === 1) return true;
    if (hit(mask, F[o + F_TITLE]) || hit(mask, F[o + F_MSG]) || hit(mask, F[o + F_PATH])) return true;
    if (hit(mask, F[o + F_ACTUAL]) || hit(mask, F[o + F_EXPECTED]) || hit(mask, F[o + F_FP])) return true;
    if (listHit(mask, F[o + F_CITES]) || listHit(mask, F[o + F_LABELS])) return true;
    var w = F[o + F_WAIVER];
    if (w >= 0) for (var i = 0; i < WAIVERS[w].length; i++) if (hit(mask, WAIVERS[w][i])) return true;
    return false;
  }

  function readFilters() {
    var sev = [], status = [];
    SEVERITIES.forEach(function (s, i) { sev[i] = form.querySelector('input[name=severity][value=' + s + ']').checked; });
    STATUSES.forEach(function (s, i) { status[i] = form.querySelector('input[name=status][value=' + s + ']').checked; });
    var ruleValue = form.elements.namedItem('rule').value;
    return {
      view: form.querySelector('input[name=view]:checked').value,
      sev: sev,
      status: status,
      rule: ruleValue === '' ? -1 : (ruleById[ruleValue] === undefined ? -2 : ruleById[ruleValue]),
      resource: terms(form.elements.namedItem('resource').value).map(termMask),
      text: terms(form.elements.namedItem('text').value).map(termMask),
    };
  }

  function formIsDefault() {
    return Array.prototype.every.call(form.elements, function (c) {
      if (c.type === 'checkbox' || c.type === 'radio') return c.checked === c.defaultChecked;
      if (c.type === 'search') return c.value === c.defaultValue;
      if (c.tagName === 'SELECT') return c.selectedIndex === 0;
      return true;
    });
  }

  function matching(filters) {
    var out = [];
    for (var i = 0, o = 0; i < N; i++, o += STRIDE) {
      if (!filters.status[F[o + F_STATUS]] || !filters.sev[F[o + F_SEV]]) continue;
      if (filters.rule !== -1 && F[o + F_RULE] !== filters.rule) continue;
      var ok = true;
      for (var a = 0; ok && a < filters.resource.length; a++) ok = resourceHit(filters.resource[a], o);
      for (var b = 0; ok && b < filters.text.length; b++) ok = textHit(filters.text[b], o);
      if (ok) out.push(i);
    }
    return out;
  }

  // Lower rank = shown first: failures by severity, then needs review, waived, passed.
  function rank(i) { var o = i * STRIDE; return F[o + F_STATUS] * 5 + F[o + F_SEV]; }
  function where(i) {
    var o = i * STRIDE;
    return F[o + F_FILE] >= 0 ? S[F[o + F_FILE]] + ':' + F[o + F_LINE] + ':' + F[o + F_COL] : S[RES[F[o + F_RES]][0]];
  }
  function compareFindings(a, b) {
    return rank(a) - rank(b) || compare(S[RULES[F[a * STRIDE + F_RULE]][0]], S[RULES[F[b * STRIDE + F_RULE]][0]]) ||
      compare(where(a), where(b)) || a - b;
  }

  function newGroup(key, label) {
    return { key: key, label: label, items: [], count: 0, best: 99, status: [0, 0, 0, 0], failSev: [0, 0, 0, 0, 0], shown: 0 };
  }

  function buildGroups(items, byView) {
    var table = [], list = [];
    for (var k = 0; k < items.length; k++) {
      var i = items[k], o = i * STRIDE, st = F[o + F_STATUS], r = st * 5 + F[o + F_SEV];
      var ids = byView === 'section' ? LISTS[F[o + F_CITES]] : [F[o + F_RES]];
      for (var c = 0; c < ids.length; c++) {
        var id = ids[c], g = table[id];
        if (!g) {
          if (byView === 'section') {
            if (citeKey[id] === undefined) citeKey[id] = 'c:' + S[id];
            g = newGroup(citeKey[id], null);
          } else {
            g = newGroup('r:' + id, null);
          }
          g.id = id;
          table[id] = g;
          list.push(g);
        }
        g.items.push(i);
        g.count++;
        g.status[st]++;
        if (st === 0) g.failSev[F[o + F_SEV]]++;
        if (r < g.best) g.best = r;
      }
    }
    if (byView === 'section') {
      list.sort(function (a, b) { return compare(S[a.id], S[b.id]); });
    } else {
      list.sort(function (a, b) {
        return a.best - b.best || b.count - a.count || compare(S[RES[a.id][2]], S[RES[b.id][2]]);
      });
    }
    return list;
  }

  function sectionLabel(cite) {
    var info = CITES[cite];
    var type = info && info[2] === 'R' ? 'Required (R)' : info && info[2] === 'A' ? 'Addressable (A)' : '';
    return { title: '45 CFR ' + cite + ' ' + (info ? info[1] : ''), meta: type };
  }

  function groupLabel(g) {
    if (g.key.charAt(0) === 'c') return sectionLabel(g.key.slice(2));
    var r = RES[g.id];
    return { title: S[r[2]], meta: S[r[1]] + ' \u00b7 ' + S[r[0]] };
  }

  function groupSummary(g) {
    var parts = [plural(g.count, 'finding', 'findings')];
    if (g.status[0]) {
      var sev = [];
      g.failSev.forEach(function (n, s) { if (n) sev.push(fmt(n) + ' ' + SEVERITIES[s]); });
      parts.push(fmt(g.status[0]) + ' failed (' + sev.join(', ') + ')');
    }
    if (g.status[1]) parts.push(fmt(g.status[1]) + ' need review');
    if (g.status[2]) parts.push(fmt(g.status[2]) + ' waived');
    if (g.status[3]) parts.push(fmt(g.status[3]) + ' passed');
    return parts.join(' \u00b7 ');
  }

  function row(dl, term, content) {
    var div = el('div');
    div.appendChild(el('dt', null, term));
    var dd = el('dd');
    if (typeof content === 'string') dd.textContent = content; else dd.appendChild(content);
    div.appendChild(dd);
    dl.appendChild(div);
  }

  function frag() {
    var f = doc.createDocumentFragment();
    for (var i = 0; i < arguments.length; i++) {
      var part = arguments[i];
      f.appendChild(typeof part === 'string' ? doc.createTextNode(part) : part);
    }
    return f;
  }

  function renderFinding(i) {
    var o = i * STRIDE;
    var sev = F[o + F_SEV], st = F[o + F_STATUS];
    var rule = RULES[F[o + F_RULE]];
    var article = el('article', 'finding s-' + SEVERITIES[sev]);
    var h = el('h4');
    h.tabIndex = -1;
    h.appendChild(el('span', 'mono', S[rule[0]]));
    h.appendChild(doc.createTextNode(' ' + S[F[o + F_TITLE]]));
    article.appendChild(h);
    var badges = el('p', 'badges');
    badges.appendChild(el('span', 'badge s-' + SEVERITIES[sev], 'Severity: ' + SEVERITY_TEXT[sev]));
    badges.appendChild(el('span', 'badge st st-' + STATUSES[st], STATUS_TEXT[st]));
    article.appendChild(badges);
    var dl = el('dl');
    var r = RES[F[o + F_RES]];
    var resource = frag(S[r[2]] + ' (' + S[r[1]] + ')', el('br'), el('code', null, S[r[0]]));
    if (r[3] !== r[0]) resource.appendChild(frag(el('br'), 'address ', el('code', null, S[r[3]])));
    row(dl, 'Resource', resource);
    row(dl, 'Location', el('code', null, where(i)));
    var cites = el('ul');
    LISTS[F[o + F_CITES]].forEach(function (c) {
      var info = CITES[S[c]];
      var type = info && info[2] ? ' (' + info[2] + ')' : '';
      cites.appendChild(el('li', null, S[c] + ' ' + (info ? info[1] : '') + type));
    });
    row(dl, 'HIPAA', cites);
    row(dl, 'Message', S[F[o + F_MSG]]);
    var actual = F[o + F_ACTUAL] >= 0 ? el('code', null, S[F[o + F_ACTUAL]]) : el('em', null, 'absent');
    var evidence = frag(el('code', null, S[F[o + F_PATH]]), st === 1 ? ': unresolved ' : ': ', actual);
    if (F[o + F_EXPECTED] >= 0) {
      var arrow = el('span', null, ' \u2192 ');
      arrow.setAttribute('aria-hidden', 'true');
      evidence.appendChild(frag(arrow, el('span', 'sr-only', ', expected '), el('span', null, S[F[o + F_EXPECTED]])));
    }
    row(dl, 'Evidence', evidence);
    if (F[o + F_LABELS] >= 0) row(dl, 'Labels', LISTS[F[o + F_LABELS]].map(function (l) { return S[l]; }).join(', '));
    row(dl, 'PHI scope', F[o + F_FLAGS] & 1 ? 'Yes' : 'No');
    if (F[o + F_FLAGS] & 2) row(dl, 'Baseline', 'Known before (in the baseline): not judged by the gate');
    row(dl, 'Fingerprint', el('code', null, S[F[o + F_FP]]));
    var w = F[o + F_WAIVER];
    if (w >= 0) {
      // reason, expires, ticket, approver, source, at, state (WAIVER_FIELDS in html.ts)
      var names = ['Reason', 'Expires', 'Ticket', 'Approver', 'Declared in', 'At'], parts = [];
      WAIVERS[w].slice(0, 6).forEach(function (id, k) { if (id >= 0) parts.push(names[k] + ': ' + S[id]); });
      var state = WAIVERS[w][6] >= 0 ? S[WAIVERS[w][6]] : '';
      var term = state === 'expired' ? 'Waiver (expired)' : state === 'forbidden' ? 'Waiver (not allowed by config)' : 'Waiver';
      row(dl, term, parts.length ? parts.join('; ') : 'No details recorded');
    }
    article.appendChild(dl);
    return article;
  }

  function renderMore(g) {
    var body = g.body;
    var old = body.querySelector(':scope > .more');
    if (old) old.remove();
    if (!g.sorted) { g.items.sort(compareFindings); g.sorted = true; }
    var start = g.shown, end = Math.min(g.items.length, start + PAGE);
    var first = null;
    var f = doc.createDocumentFragment();
    for (var k = start; k < end; k++) {
      var node = renderFinding(g.items[k]);
      if (!first) first = node;
      f.appendChild(node);
    }
    body.appendChild(f);
    g.shown = end;
    var left = g.items.length - end;
    if (left > 0) {
      var more = el('button', 'more', 'Show ' + fmt(Math.min(PAGE, left)) + ' more (' + fmt(left) + ' remaining)');
      more.type = 'button';
      more.setAttribute('data-action', 'more');
      body.appendChild(more);
    }
    return first;
  }

  function setExpanded(g, open) {
    g.button.setAttribute('aria-expanded', open ? 'true' : 'false');
    g.body.hidden = !open;
    if (open) { expanded[g.key] = true; if (!g.shown) renderMore(g); }
    else delete expanded[g.key];
  }

  function renderGroup(g) {
    var n = ++uid;
    var wrap = el('div', 'group');
    var h = el('h3');
    var button = el('button');
    button.type = 'button';
    button.id = 'gh-' + n;
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', 'gb-' + n);
    button.setAttribute('data-action', 'toggle');
    var chev = el('span', 'chev', '\u25b8');
    chev.setAttribute('aria-hidden', 'true');
    var label = g.label || groupLabel(g);
    button.appendChild(chev);
    button.appendChild(el('span', 'g-title', label.title));
    button.appendChild(el('span', 'g-meta', (label.meta ? label.meta + ' \u00b7 ' : '') + groupSummary(g)));
    h.appendChild(button);
    wrap.appendChild(h);
    var body = el('div', 'group-body');
    body.id = 'gb-' + n;
    body.setAttribute('role', 'region');
    body.setAttribute('aria-labelledby', 'gh-' + n);
    body.hidden = true;
    wrap.appendChild(body);
    g.button = button; g.body = body; g.shown = 0;
    wrap.groupRef = g;
    if (expanded[g.key]) setExpanded(g, true);
    return wrap;
  }

  function renderGroups() {
    var old = groupsEl.querySelector(':scope > .more');
    if (old) old.remove();
    var end = Math.min(groups.length, groupsShown + PAGE);
    var f = doc.createDocumentFragment(), first = null;
    for (var k = groupsShown; k < end; k++) {
      var node = renderGroup(groups[k]);
      if (!first) first = node;
      f.appendChild(node);
    }
    groupsEl.appendChild(f);
    groupsShown = end;
    var left = groups.length - end;
    if (left > 0) {
      var noun = view === 'section' ? 'sections' : 'resources';
      var more = el('button', 'more', 'Show ' + fmt(Math.min(PAGE, left)) + ' more ' + noun + ' (' + fmt(left) + ' remaining)');
      more.type = 'button';
      more.setAttribute('data-action', 'more-groups');
      groupsEl.appendChild(more);
    }
    return first;
  }

  function show(matched) {
    groupsShown = 0;
    groupsEl.textContent = '';
    if (N === 0) groupsEl.appendChild(el('p', 'empty', 'No findings: nothing failed or needs review.'));
    else if (matched === 0) groupsEl.appendChild(el('p', 'empty', 'No findings match these filters.'));
    else renderGroups();
    var noun = view === 'section' ? plural(groups.length, 'HIPAA section', 'HIPAA sections') : plural(groups.length, 'resource', 'resources');
    countEl.textContent = 'Showing ' + plural(matched, 'finding', 'findings') + ' of ' + fmt(N) + ', in ' + noun + '.';
  }

  function apply() {
    var filters = readFilters();
    if (filters.view !== view) expanded = Object.create(null);
    view = filters.view;
    var items = matching(filters);
    groups = buildGroups(items, view);
    show(items.length);
  }

  groupsEl.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button) return;
    withData(function () {
      var action = button.getAttribute('data-action');
      if (action === 'more-groups') {
        var firstGroup = renderGroups();
        if (firstGroup) firstGroup.querySelector('button').focus();
        return;
      }
      var g = button.closest('.group').groupRef;
      if (action === 'toggle') setExpanded(g, button.getAttribute('aria-expanded') !== 'true');
      else if (action === 'more') {
        var first = renderMore(g);
        if (first) first.querySelector('h4').focus();
      }
    });
  });

  var timer = 0;
  function applySoon() { withData(apply); }
  form.addEventListener('input', function (event) {
    if (event.target.type !== 'search') return;
    clearTimeout(timer);
    timer = setTimeout(applySoon, 200);
  });
  form.addEventListener('change', function (event) {
    if (event.target.type !== 'search') applySoon();
  });
  form.addEventListener('submit', function (event) { event.preventDefault(); clearTimeout(timer); applySoon(); });
  // Enter applies at once (two search fields and no submit button mean the form has no implicit submission).
  form.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || event.target.type !== 'search') return;
    event.preventDefault();
    clearTimeout(timer);
    applySoon();
  });
  doc.getElementById('f-reset').addEventListener('click', function () { form.reset(); clearTimeout(timer); applySoon(); });

  // Print the groups on screen expanded (their first page), then restore what the reader had open.
  var openedForPrint = [];
  window.addEventListener('beforeprint', function () {
    if (!hydrate()) return;
    for (var k = 0; k < groupsShown; k++) {
      var g = groups[k];
      if (!expanded[g.key]) { setExpanded(g, true); openedForPrint.push(g); }
    }
  });
  window.addEventListener('afterprint', function () {
    openedForPrint.forEach(function (g) { setExpanded(g, false); });
    openedForPrint = [];
  });

  // First view: the default filters' section groups from the index, with no need for the data block. A browser
  // that restored other form values (back/forward) waits for the data instead.
  if (formIsDefault()) {
    groups = IDX.groups.map(function (x) {
      var g = newGroup('c:' + x[0], sectionLabel(x[0]));
      g.items = null; g.count = x[1]; g.status = x[2]; g.failSev = x[3];
      return g;
    });
    show(IDX.matched);
  } else {
    withData(apply);
  }
  doc.documentElement.setAttribute('data-ready', 'true');
  performance.mark('phiguard:rendered');
  window.addEventListener('load', function () {
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 1); };
    idle(function () { hydrate(); }, { timeout: 1000 });
  });
})();
`;
