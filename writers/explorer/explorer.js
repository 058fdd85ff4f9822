/* writers/explorer/explorer.js - kluster's network diagram made explorable
 * (pan, zoom, search, cards with the evidence, regions, pairs and brokers,
 * top N), inlined verbatim after the SVG and the JSON in #kl-data
 * (kluster-explorer/1).  ES2017, no library, nothing from the network.
 * Its words are English unless the data's "ui" gives them in the page's
 * language (writers/explorer.c). */
(() => {
  'use strict';
  const root = document.getElementById('kl-explorer'), dataEl = document.getElementById('kl-data');
  if (!root || !dataEl || root.classList.contains('kl-on')) return;
  const stage = root.querySelector('.kl-stage'), svg = stage && stage.querySelector('svg');
  let D;
  try { D = JSON.parse(dataEl.textContent); } catch (e) { return; }
  if (!svg || !D || !Array.isArray(D.actors)) return;
  const actors = D.actors, regions = D.regions || [], pairs = D.pairs || [], kinds = D.kinds || [],
    sources = D.sources || [], all = (sel, from) => Array.from((from || svg).querySelectorAll(sel));

  // ---- words: ui.text maps the English to the page's language, ui.kinds
  // and ui.relations name the kinds and relation types; English without
  const ui = D.ui || {}, uiText = ui.text || {}, uiKinds = ui.kinds || kinds, uiRel = ui.relations || {};
  const tr = (s, n, m) => (uiText[s] || s).replace(/\{n\}/g, n).replace(/\{m\}/g, m);
  const kindWord = k => uiKinds[k] || tr('actor');
  const relWord = t => uiRel[t] || String(t || tr('tie')).replace(/_/g, ' ');

  // ---- helpers
  const H = v => String(v == null ? '' : v).replace(/[&<>"']/g, c => '&#' + c.charCodeAt(0) + ';');
  const fold = v => String(v || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const pct = x => x == null ? '–' : (100 * x).toFixed(1) + '%';
  const regionName = r => regions[r] ? regions[r].name : tr('no region');
  const pairName = p => regionName(p.a) + ' – ' + regionName(p.b);
  const links = p => tr(p.links === 1 ? '{n} link' : '{n} links', p.links);
  const quote = v => /^[A-Za-z0-9._:-]+$/.test(v) ? v : "'" + v.replace(/'/g, "'\\''") + "'";
  const egoCommand = a => String(D.ego_command || '').replace(/\{id\}/g, quote(a.id))
    .replace(/\{file\}/g, a.id.replace(/[^A-Za-z0-9._-]/g, '_'));
  const colour = r => regions[r] && /^#[0-9a-f]{3,8}$/i.test(regions[r].colour) ? ` style="background:${regions[r].colour}"` : '';
  const swatch = r => `<span class="kl-swatch" aria-hidden="true"${colour(r)}></span>${H(regionName(r))}`;
  const btn = (text, attrs) => `<button type="button" ${attrs || ''}>${H(text)}</button>`;
  const opt = (v, text) => `<option value="${v}">${H(text)}</option>`;

  // ---- the SVG's nodes
  const index = new Map(actors.map((a, i) => [a.id, i]));
  const nodeOf = [], byTitle = new Map(), nodes = [];   // nodes: actor indices drawn
  all('g.node').forEach(g => {
    const t = g.querySelector('title'), id = g.id.indexOf('actor:') === 0 ? g.id.slice(6) : null;
    const i = index.has(id) ? index.get(id) : -1;
    byTitle.set(t ? t.textContent : '', i);
    if (i < 0) return;
    nodeOf[i] = g;
    nodes.push(i);
    for (const [k, v] of [['tabindex', '0'], ['role', 'button'], ['aria-label', actors[i].name], ['data-kl', i]])
      g.setAttribute(k, v);
  });
  // edges: <title> is "n41--n32", the nodes' titles; a, b: actor indices (-1: not an actor)
  const edges = all('g.edge').map(g => {
    const t = g.querySelector('title'), ends = t ? t.textContent.split(/--|->/) : [];
    const end = s => byTitle.has(s) ? byTitle.get(s) : -1;
    return ends.length === 2 ? {g, a: end(ends[0]), b: end(ends[1])} : null;
  }).filter(Boolean);
  const actorAt = t => {
    const g = t && t.closest ? t.closest('g.node[data-kl]') : null;
    return g && root.contains(g) ? +g.getAttribute('data-kl') : -1;
  };

  // ---- controls
  root.classList.add('kl-on');
  const topList = (D.top || []).filter(i => nodeOf[i]), nTop = topList.length;
  const field = (id, label, html) => `<div class="kl-field${id === 'kl-search' ? ' kl-search' : ''}"><label for="${id}">${label}</label>${html}</div>`;
  stage.insertAdjacentHTML('beforebegin', '<div class="kl-controls">' +
    field('kl-search', H(tr('Find an actor')), '<input id="kl-search" type="search" autocomplete="off" spellcheck="false" ' +
      `placeholder="${H(tr('name, short name or id  ( / )'))}" role="combobox" aria-autocomplete="list" aria-controls="kl-results" ` +
      `aria-expanded="false"><ul id="kl-results" class="kl-results" role="listbox" aria-label="${H(tr('Matching actors'))}" hidden></ul>`) +
    field('kl-region', H(tr('Highlight a region')), '<select id="kl-region">' + opt('', tr('All regions')) + regions.map((r, k) => {
      const n = nodes.filter(i => actors[i].region === k).length;
      return n ? opt(k, r.name + ' (' + n + ')') : '';
    }).join('') + '</select>') +
    field('kl-pair', H(tr('Region pair and its brokers')), '<select id="kl-pair">' + opt('', tr('No pair')) +
      pairs.map((p, k) => opt(k, pairName(p) + ' (' + links(p) + ')')).join('') + '</select>') +
    (nTop ? field('kl-top', H(tr('Actors shown (top by brokerage)')), `<input id="kl-top" type="range" min="${Math.min(5, nTop)}" ` +
      `max="${nTop}" step="1" value="${nTop}"><output for="kl-top" class="kl-topn"></output>`) : '') +
    `</div><div class="kl-main"><div class="kl-zooms" role="group" aria-label="${H(tr('Zoom'))}">` +
    btn('+', `class="kl-zoom" aria-label="${H(tr('Zoom in'))}" title="${H(tr('Zoom in (+)'))}"`) +
    btn('−', `class="kl-zoom" aria-label="${H(tr('Zoom out'))}" title="${H(tr('Zoom out (−)'))}"`) +
    btn(tr('Reset'), `class="kl-zoom kl-reset" title="${H(tr('Show the whole diagram (0)'))}"`) +
    `</div><aside id="kl-card" class="kl-card" aria-label="${H(tr('Details'))}" hidden></aside></div>`);
  const $ = sel => root.querySelector(sel);
  const search = $('#kl-search'), results = $('#kl-results'), regionSel = $('#kl-region'), pairSel = $('#kl-pair'),
    topIn = $('#kl-top') || document.createElement('input'), topOut = $('.kl-topn'), card = $('#kl-card'),
    [zin, zout, zreset] = root.querySelectorAll('.kl-zoom');
  card.after(stage);
  stage.setAttribute('tabindex', '0');
  stage.setAttribute('role', 'group');
  stage.setAttribute('aria-label', tr('Network diagram: drag or arrow keys to pan, + and − to zoom, 0 to reset; Tab reaches the actors'));
  svg.setAttribute('tabindex', '-1');   // Chromium makes the clipped <svg> a tab stop of its own

  // ---- pan and zoom
  const vb = svg.viewBox.baseVal, original = svg.getAttribute('viewBox');
  const full = vb && vb.width > 0 ? {x: vb.x, y: vb.y, w: vb.width, h: vb.height}
    : {x: 0, y: 0, w: svg.getBoundingClientRect().width || 100, h: svg.getBoundingClientRect().height || 100};
  let view, home, elW = 1, elH = 1;
  // the stage: as wide as it is, as tall as the diagram at that width (at most 82% of the window);
  // home: the whole diagram, widened or heightened to the stage's shape
  const measure = () => {
    elW = Math.max(1, stage.clientWidth);
    elH = Math.max(120, Math.round(Math.min(elW * full.h / full.w, Math.max(320, innerHeight * 0.82))));
    svg.style.height = elH + 'px';
    let w = full.w, h = full.h;
    if (h / w > elH / elW) w = h * elW / elH; else h = w * elH / elW;
    home = {x: full.x - (w - full.w) / 2, y: full.y - (h - full.h) / 2, w, h};
  };
  // a view: zoomed between the whole and 30 times, the diagram kept in sight
  const setView = (cx, cy, w) => {
    w = Math.min(Math.max(w, home.w / 30), home.w);
    const h = w * elH / elW;
    const fit = (c, s, lo, len) => s >= len ? lo + len / 2 : Math.min(Math.max(c, lo + s * 0.35), lo + len - s * 0.35);
    cx = fit(cx, w, full.x, full.w);
    cy = fit(cy, h, full.y, full.h);
    view = {x: cx - w / 2, y: cy - h / 2, w, h};
    svg.setAttribute('viewBox', [view.x, view.y, w, h].map(n => Math.round(n * 100) / 100).join(' '));
  };
  const centre = () => ({x: view.x + view.w / 2, y: view.y + view.h / 2});
  const zoomAt = (f, p) => {   // p stays where it is on the screen
    const c = centre(), w = Math.min(Math.max(view.w / f, home.w / 30), home.w), k = w / view.w;
    p = p || c;
    setView(p.x + (c.x - p.x) * k, p.y + (c.y - p.y) * k, w);
  };
  const pan = (dx, dy) => { const c = centre(); setView(c.x + dx, c.y + dy, view.w); };
  // the first view (and Reset, 0): from the top left, zoomed in from the whole just enough
  // that the smallest text is 9 px tall (the report's rule for its figures)
  let least = Infinity;   // the smallest font size, in user units
  const reset = () => {
    const w = Math.min(home.w, least * elW / 9), h = w * elH / elW;
    setView(full.x + w / 2, full.y + h / 2, w);
  };
  const toUser = (x, y) => {
    const r = svg.getBoundingClientRect();
    return {x: view.x + (x - r.left) * view.w / r.width, y: view.y + (y - r.top) * view.h / r.height};
  };
  // how much of the stage's right side the card hides, in user units at width w
  const covered = w => {
    const px = !card.hidden && getComputedStyle(card).position === 'absolute' ? card.offsetWidth + 8 : 0;
    return px > elW * 0.6 ? 0 : px * w / elW;
  };
  const box = list => {   // the nodes' bounding box in user units
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    list.forEach(i => {
      const g = nodeOf[i];
      if (!g || g.classList.contains('kl-hidden')) return;
      const r = g.getBoundingClientRect(), a = toUser(r.left, r.top), b = toUser(r.right, r.bottom);
      if (!r.width && !r.height) return;
      x0 = Math.min(x0, a.x); y0 = Math.min(y0, a.y); x1 = Math.max(x1, b.x); y1 = Math.max(y1, b.y);
    });
    return x1 >= x0 ? {x0, y0, x1, y1} : null;
  };
  // the box centred beside the card, at width w (w(b): from the box)
  const show = (list, w) => {
    const b = box(list);
    if (!b) return;
    if (typeof w === 'function') w = w(b);
    setView((b.x0 + b.x1) / 2 + covered(w) / 2, (b.y0 + b.y1) / 2, w);
  };
  // these nodes in view, zoomed out as far as needed, zoomed in at most 5 times
  const fitTo = list => show(list, b => Math.max((b.x1 - b.x0) * 1.15 / (1 - covered(1)), (b.y1 - b.y0) * 1.15 * elW / elH, home.w / 5));
  // a node in view at the same zoom
  const bringIntoView = i => {
    const b = box([i]), m = covered(view.w);
    if (b && (b.x0 < view.x || b.y0 < view.y || b.x1 > view.x + view.w - m || b.y1 > view.y + view.h)) show([i], view.w);
  };
  measure();
  setView(0, 0, home.w);
  all('text').slice(0, 5000).forEach(t => {
    const m = t.getScreenCTM(), size = parseFloat(getComputedStyle(t).fontSize);
    if (m && size > 0 && /\S/.test(t.textContent.replace(/\u00a0/g, ' ')))
      least = Math.min(least, size * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) * view.w / elW);
  });
  reset();
  zin.addEventListener('click', () => zoomAt(1.4));
  zout.addEventListener('click', () => zoomAt(1 / 1.4));
  zreset.addEventListener('click', reset);
  stage.addEventListener('wheel', e => {
    e.preventDefault();
    const d = Math.max(-300, Math.min(300, e.deltaY * (e.deltaMode ? 16 : 1)));   // lines or pixels
    zoomAt(Math.pow(1.0015, -d), toUser(e.clientX, e.clientY));
  }, {passive: false});
  let drag = null, dragged = false, pointerFocus = false;
  stage.addEventListener('pointerdown', e => {
    pointerFocus = true;
    setTimeout(() => { pointerFocus = false; }, 0);
    if (e.button === 0) drag = {x: e.clientX, y: e.clientY, c: centre(), id: e.pointerId, on: false};
    dragged = false;
  });
  stage.addEventListener('pointermove', e => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.on && dx * dx + dy * dy < 16) return;
    if (!drag.on) {
      drag.on = dragged = true;
      stage.classList.add('kl-grabbing');
      try { stage.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
    }
    const s = view.w / svg.getBoundingClientRect().width;
    setView(drag.c.x - dx * s, drag.c.y - dy * s, view.w);
  });
  const endDrag = e => {
    if (drag && e.pointerId === drag.id) { drag = null; stage.classList.remove('kl-grabbing'); }
  };
  stage.addEventListener('pointerup', endDrag);
  stage.addEventListener('pointercancel', endDrag);
  let resizing = 0;
  addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      const c = centre(), z = view.w / home.w;
      measure();
      setView(c.x, c.y, home.w * z);
    }, 100);
  });
  // printed, the whole static figure
  let saved = null;
  const printing = on => {
    if (!original) return;
    if (on && saved == null) { saved = svg.getAttribute('viewBox'); svg.setAttribute('viewBox', original); }
    if (!on && saved != null) { svg.setAttribute('viewBox', saved); saved = null; }
  };
  const mq = matchMedia('print');   // also fires for window.print() and the browser's Print
  if (mq.addEventListener) mq.addEventListener('change', m => printing(m.matches));
  else addEventListener('beforeprint', () => printing(true)), addEventListener('afterprint', () => printing(false));

  // ---- clipboard
  let note = null;   // the card's "copied" line
  const copy = (text, done) => {   // done: what the note says once copied
    const tell = ok => { if (note) note.textContent = ok ? done : tr('Could not copy: select the text'); };
    const fallback = () => {   // file:// pages may have no clipboard API
      const back = document.activeElement, ta = document.createElement('textarea');
      let ok = false;
      ta.value = text;
      ta.className = 'kl-offscreen';
      root.append(ta);
      ta.select();
      try { ok = document.execCommand('copy'); } catch (e) { /* unsupported */ }
      ta.remove();
      if (back) back.focus({preventScroll: true});
      tell(ok);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(() => tell(true), fallback);
    else fallback();
  };

  // ---- card
  let pinned = null, peek = -1, selected = -1, shown = null;   // pinned: {actor: i} or {pair: k}
  const actorLink = (i, text) => btn(text || actors[i].name, `class="kl-link" data-actor="${i}"`);
  const section = (title, body) => `<section><h4>${title}</h4>${body}</section>`;
  const share = x => `<span class="kl-share">${pct(x)}</span>`;
  const li = (html, cls) => `<li${cls ? ` class="${cls}"` : ''}>${html}</li>`;
  const actorCard = i => {
    const a = actors[i], cmd = egoCommand(a), ev = a.evidence || [];
    const ps = (a.pairs || []).filter(p => pairs[p[0]]).sort((x, y) => y[1] - x[1]);
    return `<h3 class="kl-title">${H(a.name)}${a.short_name && a.short_name !== a.name ? ` <span class="kl-short">(${H(a.short_name)})</span>` : ''}</h3>` +
      `<p class="kl-sub"><span class="kl-kind">${H(kindWord(a.kind))}</span> · ${swatch(a.region)}` +
      (a.drawn ? '' : `<span class="kl-undrawn"> · ${H(tr('not drawn here'))}</span>`) + '</p><dl class="kl-facts">' +
      [[tr('Degree'), a.degree], [tr('IRB share'), pct(a.irb_share)], [tr('Broker rank'), a.rank ? '#' + a.rank : '–']]
        .map(f => `<div><dt>${H(f[0])}</dt><dd>${H(f[1])}</dd></div>`).join('') + '</dl>' +
      `<div class="kl-cmd"><p>${H(tr('Id'))} <code class="kl-id">${H(a.id)}</code></p><p>${H(tr('Its neighbourhood:'))} <code class="kl-command">${H(cmd)}</code></p>` +
      `<p class="kl-buttons">${btn(tr('Copy id'), `data-copy="${H(a.id)}" data-done="${H(tr('Id copied'))}"`)}` +
      `${btn(tr('Copy command'), `data-copy="${H(cmd)}" data-done="${H(tr('Command copied'))}"`)}` +
      '<span class="kl-note" role="status"></span></p></div>' +
      (ps.length ? section(H(tr('Brokers between (share of the paths)')), '<ul class="kl-pairs">' +
        ps.slice(0, 8).map(p => li(btn(pairName(pairs[p[0]]), `class="kl-link" data-pair="${p[0]}"`) + share(p[1]))).join('') +
        (ps.length > 8 ? li(H(tr('and {n} more pairs', ps.length - 8)), 'kl-more') : '') + '</ul>') : '') +
      (ev.length ? section(H(tr('Evidence')), '<ol class="kl-evidence">' + ev.map(e => {
        // the source: an index into D.sources, or named in the item
        const so = typeof e.source === 'number' ? sources[e.source] || {} : {title: e.source};
        const url = [e.url, so.url].filter(u => /^https?:\/\//i.test(u))[0], date = e.date || so.date;
        // dir "in": the relation runs from the other end to this actor ("X member of this")
        const rel = `<span class="kl-rel">${H(relWord(e.type))}</span> `;
        const other = actors[e.with] ? actorLink(e.with, e.with_name) : H(e.with_name);
        return li((e.dir === 'in' ? other + ' ' + rel + `<i>${H(tr('this'))}</i>` : rel + other) +
          (e.quote ? `<blockquote>${H(e.quote)}</blockquote>` : '') + `<p class="kl-src">${H(tr('Source:'))} ` +
          (url ? `<a href="${H(url)}" rel="noopener noreferrer" target="_blank">${H(so.title || url)}</a>` : `<cite>${H(so.title || tr('unnamed'))}</cite>`) +
          (date ? ', ' + H(date) : '') + '</p>');
      }).join('') + '</ol>') : '') +
      (a.evidence_more > 0 ? `<p class="kl-more">${H(tr('and {n} more', a.evidence_more))}</p>` : '');
  };
  const pairCard = k => {
    const p = pairs[k];
    return `<h3 class="kl-title">${H(pairName(p))}</h3><p class="kl-sub">${swatch(p.a)} – ${swatch(p.b)} · ${H(links(p))}</p>` +
      section(H(tr('Brokers (share of the shortest paths)')), '<ul class="kl-pairs">' + (p.brokers || []).filter(b => actors[b[0]])
        .map(b => li(actorLink(b[0]) + share(b[1]) + (actors[b[0]].drawn ? '' : `<span class="kl-undrawn">${H(tr('(not drawn)'))}</span>`))).join('') + '</ul>');
  };
  const renderCard = () => {
    const what = peek >= 0 ? {actor: peek} : pinned;
    const key = what ? (what.actor != null ? 'a' + what.actor : 'p' + what.pair) + (what === pinned) : '';
    if (key === shown) return;
    shown = key;
    card.hidden = !what;
    card.innerHTML = what ? btn('×', `class="kl-close" aria-label="${H(tr('Close the card'))}" title="${H(tr('Close (Esc)'))}"`) +
      (what.actor != null ? actorCard(what.actor) : pairCard(what.pair)) : '';
    note = card.querySelector('.kl-note');
    card.classList.toggle('kl-pinned', what === pinned);
    card.scrollTop = 0;
  };
  const select = i => {
    if (nodeOf[selected]) nodeOf[selected].classList.remove('kl-selected');
    selected = i;
    if (nodeOf[i]) nodeOf[i].classList.add('kl-selected');
  };
  const pinActor = (i, centreIt) => {
    pinned = {actor: i};
    peek = -1;
    select(i);
    const r = topList.indexOf(i);
    if (r >= +topIn.value) { topIn.value = r + 1; applyTop(); }
    renderCard();
    if (centreIt) show([i], Math.min(view.w, home.w / 2.5));
  };
  const closeCard = () => { pinned = null; peek = -1; select(-1); renderCard(); };
  card.addEventListener('click', e => {
    const b = e.target.closest('button'), at = n => b.getAttribute(n);
    if (!b) return;
    if (b.classList.contains('kl-close')) closeCard();
    else if (at('data-copy') != null) copy(at('data-copy'), at('data-done'));
    else if (at('data-actor') != null) pinActor(+at('data-actor'), true);
    else if (at('data-pair') != null) { pairSel.value = at('data-pair'); choosePair(); pairSel.focus(); }
  });
  // nodes: hovered or focused, a card; clicked, Enter or Space, pinned
  const peekAt = i => { if (i !== peek && !(pinned && pinned.actor === i)) { peek = i; renderCard(); } };
  svg.addEventListener('mouseover', e => { const i = actorAt(e.target); if (i >= 0) peekAt(i); });
  svg.addEventListener('mouseout', e => {
    const i = actorAt(e.target);
    if (i >= 0 && i === peek && actorAt(e.relatedTarget) !== i) peekAt(-1);
  });
  svg.addEventListener('focusin', e => {
    const i = actorAt(e.target);
    if (i < 0) return;
    peekAt(i);
    if (!pointerFocus) bringIntoView(i);
  });
  svg.addEventListener('focusout', e => { if (peek >= 0 && actorAt(e.relatedTarget) !== peek) peekAt(-1); });
  stage.addEventListener('click', e => {
    const i = actorAt(e.target);
    if (dragged || i < 0) return;
    pinActor(i, false);
    copy(actors[i].id, tr('Id copied'));
  });

  // ---- search
  let keys = null, hits = [], active = -1;
  // matches of q: prefix of a name, short name, alias or id first, then
  // a word's prefix, anywhere, every word anywhere; then by rank
  const find = q => {
    q = fold(q).trim().replace(/\s+/g, ' ');
    if (!q) return [];
    keys = keys || actors.map(a => [a.name, a.id, a.short_name].concat(a.aliases || []).filter(Boolean).map(fold));
    const words = q.split(' '), found = [];
    keys.forEach((ks, i) => {
      let best = 9;
      for (const s of ks) {
        const p = s.indexOf(q);
        if (p === 0) { best = 0; break; }
        if (p > 0) best = Math.min(best, /[a-z0-9]/.test(s[p - 1]) ? 2 : 1);
        else if (words.length > 1 && words.every(w => s.includes(w))) best = Math.min(best, 3);
      }
      if (best < 9) found.push([best, i]);
    });
    const by = (a, b) => (a.rank || 1e9) - (b.rank || 1e9) || b.degree - a.degree;
    return found.sort((x, y) => x[0] - y[0] || by(actors[x[1]], actors[y[1]])).slice(0, 20).map(x => x[1]);
  };
  const showResults = () => {
    results.innerHTML = hits.map((i, k) => {
      const a = actors[i];
      return `<li id="kl-opt-${k}" role="option" aria-selected="${k === active}" data-actor="${i}"${k === active ? ' class="kl-active"' : ''}>` +
        `<span class="kl-rname">${H(a.name)}${a.short_name && a.short_name !== a.name ? ' (' + H(a.short_name) + ')' : ''}</span>` +
        `<span class="kl-rmeta">${H(kindWord(a.kind))} · ${H(regionName(a.region))}${a.drawn ? '' : ' · ' + H(tr('not drawn'))}</span></li>`;
    }).join('');
    results.hidden = !hits.length;
    search.setAttribute('aria-expanded', String(hits.length > 0));
    if (active < 0) return search.removeAttribute('aria-activedescendant');
    search.setAttribute('aria-activedescendant', 'kl-opt-' + active);
    results.children[active].scrollIntoView({block: 'nearest'});
  };
  const clearResults = () => { hits = []; active = -1; showResults(); };
  const choose = k => { const i = hits[k]; clearResults(); if (i != null) pinActor(i, true); };
  search.addEventListener('input', () => {
    hits = find(search.value);
    active = -1;
    showResults();
  });
  search.addEventListener('keydown', e => {
    const k = e.key;
    if (k === 'ArrowDown' || k === 'ArrowUp') {
      if (!hits.length) { hits = find(search.value); active = -1; }
      if (!hits.length) return;
      e.preventDefault();
      active = k === 'ArrowDown' ? (active + 1) % hits.length : (active <= 0 ? hits.length : active) - 1;
      showResults();
    } else if (k === 'Enter') {
      e.preventDefault();
      if (!hits.length) hits = find(search.value);
      if (hits.length) choose(Math.max(active, 0));
    } else if (k === 'Escape' && hits.length) {
      e.preventDefault();
      e.stopPropagation();
      clearResults();
    }
  });
  search.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== search) clearResults(); }, 150));
  results.addEventListener('mousedown', e => e.preventDefault());
  results.addEventListener('click', e => {
    const li = e.target.closest('li[data-actor]');
    if (li) choose(Array.prototype.indexOf.call(results.children, li));
  });

  // ---- region, pair, top N
  const clearMarks = () => {
    root.classList.remove('kl-dimmed');
    all('.kl-hl, .kl-broker, .kl-path').forEach(g => g.classList.remove('kl-hl', 'kl-broker', 'kl-path'));
  };
  const mark = (i, cls) => { if (nodeOf[i]) nodeOf[i].classList.add(cls); };
  regionSel.addEventListener('change', () => {
    clearMarks();
    if (pairSel.value) { pairSel.value = ''; if (pinned && pinned.pair != null) closeCard(); }
    if (!regionSel.value) return;
    const r = +regionSel.value, inR = i => i >= 0 && actors[i].region === r, hl = nodes.filter(inR);
    root.classList.add('kl-dimmed');
    hl.forEach(i => mark(i, 'kl-hl'));
    edges.forEach(e => { if (inR(e.a) && inR(e.b)) e.g.classList.add('kl-hl'); });
    fitTo(hl);
  });
  // a pair: its regions' nodes kl-hl, its brokers kl-broker, the ties from a broker to either region kl-path
  const choosePair = () => {
    clearMarks();
    regionSel.value = '';
    const p = pairs[pairSel.value];
    if (!pairSel.value || !p) {
      if (pinned && pinned.pair != null) closeCard();
      return;
    }
    const broker = new Set((p.brokers || []).map(b => b[0]));
    const inPair = i => i >= 0 && (actors[i].region === p.a || actors[i].region === p.b);
    root.classList.add('kl-dimmed');
    nodes.forEach(i => { if (inPair(i)) mark(i, 'kl-hl'); });
    broker.forEach(i => mark(i, 'kl-broker'));
    edges.forEach(e => {
      if ((broker.has(e.a) && (inPair(e.b) || broker.has(e.b))) || (broker.has(e.b) && inPair(e.a))) e.g.classList.add('kl-path');
    });
    pinned = {pair: +pairSel.value};
    peek = -1;
    select(-1);
    renderCard();
    fitTo(nodes.filter(i => broker.has(i) || inPair(i)));
  };
  pairSel.addEventListener('change', choosePair);
  const applyTop = () => {
    const n = +topIn.value, hidden = new Set(topList.slice(n));
    nodes.forEach(i => {
      nodeOf[i].classList.toggle('kl-hidden', hidden.has(i));
      nodeOf[i].setAttribute('tabindex', hidden.has(i) ? '-1' : '0');
    });
    edges.forEach(e => e.g.classList.toggle('kl-hidden', hidden.has(e.a) || hidden.has(e.b)));
    topOut.textContent = n === nTop ? tr('all {n}', nTop) : tr('{n} of {m}', n, nTop);
  };
  topIn.addEventListener('input', applyTop);
  if (nTop) applyTop();

  // ---- keyboard
  stage.addEventListener('keydown', e => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const i = actorAt(e.target), k = e.key, s = 0.15;
    if ((k === 'Enter' || k === ' ') && i >= 0) pinActor(i, false);
    else if (k === '+' || k === '=') zoomAt(1.4);
    else if (k === '-' || k === '_') zoomAt(1 / 1.4);
    else if (k === '0') reset();
    else if (k === 'ArrowLeft' || k === 'ArrowRight') pan((k === 'ArrowLeft' ? -s : s) * view.w, 0);
    else if (k === 'ArrowUp' || k === 'ArrowDown') pan(0, (k === 'ArrowUp' ? -s : s) * view.h);
    else return;
    e.preventDefault();
  });
  document.addEventListener('keydown', e => {
    const t = e.target;
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === '/' && !(t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === 'Escape' && (pinned || peek >= 0) && (root.contains(t) || t === document.body)) {
      const back = card.contains(t) && nodeOf[selected];
      closeCard();
      if (back) back.focus();
    }
  });

  // ---- for the tests
  const api = {
    get viewBox() { return [view.x, view.y, view.w, view.h]; },
    get selected() { return selected >= 0 ? actors[selected].id : null; },
    get card() { return pinned ? (pinned.actor != null ? actors[pinned.actor].id : 'pair:' + pinned.pair) : null; }
  };
  try { Object.defineProperty(window, 'klExplorer', {value: Object.freeze(api)}); } catch (e) { /* taken */ }
})();
