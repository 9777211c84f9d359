// gitops-sim run report: draws the data model that `gitops-sim report` embeds in the page
// (script#report-data, built by sim/report/report_model.cpp). No libraries, no network.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('report-data').textContent);
  const root = document.getElementById('app');
  const tooltip = document.getElementById('tooltip');
  const SVG = 'http://www.w3.org/2000/svg';

  // -- small helpers ---------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function s(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k === 'cls') node.setAttribute('class', v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
  }
  function append(node, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
  }

  // Virtual time as Go durations: 1h2m3s, 4m5s, 1.5s, 250ms.
  function fmtMs(ms) {
    ms = Math.round(ms);
    if (ms === 0) return '0s';
    const neg = ms < 0;
    ms = Math.abs(ms);
    if (ms < 1000) return (neg ? '-' : '') + ms + 'ms';
    const hours = Math.floor(ms / 3600000), mins = Math.floor((ms % 3600000) / 60000), secs = (ms % 60000) / 1000;
    let out = '';
    if (hours) out += hours + 'h';
    if (hours || mins) out += mins + 'm';
    out += (Number.isInteger(secs) ? secs : secs.toFixed(3).replace(/0+$/, '')) + 's';
    return (neg ? '-' : '') + out;
  }
  const fmtWall = (sec) => (sec < 1 ? (sec * 1000).toFixed(0) + ' ms' : sec.toFixed(2) + ' s');
  const pct = (x) => (x * 100).toFixed(0) + '%';
  const meanOf = (m) => (m && m.count ? (m.mean || fmtMs(m.meanSeconds * 1000)) : '\u2013');

  function showTip(evt, text) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    const x = Math.min(evt.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
    tooltip.style.left = x + 'px';
    tooltip.style.top = evt.clientY + 16 + 'px';
  }
  const hideTip = () => { tooltip.hidden = true; };

  function diffPre(text) {
    const pre = h('pre', { cls: 'diff' });
    for (const line of text.split('\n')) {
      const cls = line.startsWith('diff ') || line.startsWith('--- ') || line.startsWith('+++ ') ? 'file'
        : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : null;
      pre.appendChild(cls ? h('span', { cls, text: line }) : document.createTextNode(line + '\n'));
    }
    return pre;
  }

  function metricCards(m) {
    return h('div', { cls: 'cards' },
      card(String(m.deployments ?? 0), 'deployments'),
      card((m.deploymentsPerDay ?? 0).toFixed(m.deploymentsPerDay >= 100 ? 0 : 1), 'deployments per virtual day'),
      card(m.deployments ? pct(m.changeFailureRate || 0) : '\u2013', 'change failure rate'),
      card(meanOf(m.leadTime), 'lead time for changes (mean)'),
      card(meanOf(m.timeToRestore), 'time to restore (mean)'),
      card(meanOf(m.timeToDetectDrift), 'time to detect drift (mean)'));
  }
  function card(value, label) {
    return h('div', { cls: 'card' }, h('div', { cls: 'value', text: value }), h('div', { cls: 'label', text: label }));
  }

  // -- run report --------------------------------------------------------------------------

  function renderRun() {
    const sum = data.summary;
    document.title = data.title + ': ' + sum.passed + '/' + sum.total + ' passed';
    root.append(
      h('div', { cls: 'header' }, h('h1', { text: data.title }),
        h('span', { cls: 'muted', text: sum.total + ' scenarios, ' + sum.virtualTime + ' virtual in ' + fmtWall(sum.wallSeconds) + ' wall' })),
      h('div', { cls: 'chips' },
        h('span', { cls: 'chip' }, h('span', { cls: 'badge passed', text: 'passed' }), ' ' + sum.passed),
        h('span', { cls: 'chip' }, h('span', { cls: 'badge failed', text: 'failed' }), ' ' + sum.failed),
        sum.invalid ? h('span', { cls: 'chip' }, h('span', { cls: 'badge invalid', text: 'invalid' }), ' ' + sum.invalid) : null,
        sum.error ? h('span', { cls: 'chip' }, h('span', { cls: 'badge error', text: 'error' }), ' ' + sum.error) : null),
      h('h2', { text: 'DORA metrics for the run' }), metricCards(data.metrics));

    const nameFilter = h('input', { id: 'filter-name', type: 'search', placeholder: 'Filter scenarios by name or file' });
    const statusFilter = h('select', { id: 'filter-status' },
      ['all', 'passed', 'failed', 'invalid', 'error'].map((v) => h('option', { value: v, text: v === 'all' ? 'all statuses' : v })));
    const shown = h('span', { cls: 'muted' });
    root.append(h('div', { cls: 'controls' }, nameFilter, statusFilter, shown));

    const rows = [];
    const tbody = h('tbody');
    const sections = [];
    const anyFailed = data.scenarios.some((sc) => sc.status !== 'passed');
    data.scenarios.forEach((sc, i) => {
      const m = sc.metrics || {};
      const row = h('tr', { 'data-index': i, onclick: () => { sections[i].details.open = true; sections[i].node.scrollIntoView({ behavior: 'smooth' }); } },
        h('td', {}, h('span', { cls: 'badge ' + sc.status, text: sc.status })),
        h('td', {}, h('span', { cls: 'name', text: sc.name }), h('div', { cls: 'muted mono', text: sc.file || '' })),
        h('td', { cls: 'num', text: sc.virtualTime || fmtMs(sc.virtualMs || 0) }),
        h('td', { cls: 'num', text: fmtWall(sc.wallSeconds || 0) }),
        h('td', { cls: 'num', text: String(m.deployments ?? '\u2013') }),
        h('td', { cls: 'num', text: m.deployments ? pct(m.changeFailureRate || 0) : '\u2013' }),
        h('td', { cls: 'num', text: meanOf(m.leadTime) }),
        h('td', { cls: 'num', text: meanOf(m.timeToRestore) }));
      rows.push(row);
      tbody.append(row);
    });
    root.append(h('table', { cls: 'overview' },
      h('thead', {}, h('tr', {}, ['Status', 'Scenario', 'Virtual', 'Wall', 'Deploys', 'CFR', 'Lead time', 'Restore']
        .map((t, i) => h('th', { cls: i >= 2 ? 'num' : null, text: t })))), tbody));

    data.scenarios.forEach((sc, i) => {
      const section = scenarioSection(sc, i, anyFailed ? sc.status !== 'passed' : i === 0);
      sections.push(section);
      root.append(section.node);
    });

    function applyFilter() {
      const text = nameFilter.value.trim().toLowerCase();
      const status = statusFilter.value;
      let count = 0;
      data.scenarios.forEach((sc, i) => {
        const match = (status === 'all' || sc.status === status) &&
          (!text || sc.name.toLowerCase().includes(text) || (sc.file || '').toLowerCase().includes(text));
        rows[i].classList.toggle('hidden', !match);
        sections[i].node.classList.toggle('hidden', !match);
        count += match ? 1 : 0;
      });
      shown.textContent = count + ' of ' + data.scenarios.length + ' shown';
    }
    nameFilter.addEventListener('input', applyFilter);
    statusFilter.addEventListener('change', applyFilter);
    applyFilter();
  }

  function scenarioSection(sc, index, open) {
    const details = h('details', { open: open || null });
    const node = h('section', { cls: 'scenario', id: 's-' + index, 'data-name': sc.name, 'data-status': sc.status }, details);
    details.append(h('summary', {},
      h('span', { cls: 'badge ' + sc.status, text: sc.status }), h('span', { cls: 'name', text: sc.name }),
      ...(sc.tags || []).map((t) => h('span', { cls: 'tag', text: t })),
      h('span', { cls: 'muted', text: (sc.virtualTime || '') + ' virtual \u00b7 ' + (sc.timeline.marks.length) + ' marks \u00b7 ' + (sc.file || '') })));
    let drawn = false;
    const draw = () => {
      if (drawn || !details.open) return;
      drawn = true;
      details.append(scenarioBody(sc, index));
    };
    details.addEventListener('toggle', draw);
    draw();
    return { node, details };
  }

  function scenarioBody(sc, index) {
    const body = h('div', { cls: 'body' });
    if (sc.description) body.append(h('div', { cls: 'description', text: sc.description.trim() }));
    body.append(h('div', { cls: 'meta' },
      h('span', { text: 'seed ' + sc.seed }), h('span', { text: 'event log ' + (sc.eventLogHash || '\u2013') }),
      h('span', { text: (sc.stepsRun ?? 0) + ' steps run' }), h('span', { text: sc.events.length + ' events' }),
      h('span', { text: fmtWall(sc.wallSeconds || 0) + ' wall' })));
    body.append(h('div', { cls: 'replay mono', text: sc.replay }));
    if (sc.world) body.append(worldChips(sc.world));
    if (sc.failure) body.append(failureBlock(sc.failure));
    if (sc.metrics && sc.status !== 'invalid') body.append(metricCards(sc.metrics));
    const panel = h('div', { cls: 'details', 'data-scenario': index },
      h('span', { cls: 'muted', text: 'Click a mark, bar or strip segment for its full record.' }));
    body.append(timelineWidget(sc, index, panel), panel);
    return body;
  }

  function worldChips(world) {
    const chips = [];
    for (const r of world.repos || []) chips.push(h('span', { text: 'repo ' + r.name + ' (' + r.role + ')' }));
    for (const p of world.pipelines || []) chips.push(h('span', { text: 'CI ' + p.name + ': ' + p.repo + ' \u2192 ' + p.image + (p.writeBackRepo ? ' \u2192 ' + p.writeBackRepo : '') }));
    for (const a of world.applications || []) {
      const policy = a.automated ? 'auto' + (a.selfHeal ? '+selfHeal' : '') + (a.prune ? '+prune' : '') : 'manual';
      chips.push(h('span', { text: 'app ' + a.name + ': ' + a.repo + '/' + a.path + ' \u2192 ns ' + a.namespace + ', ' + policy + (a.rollback !== 'none' ? ', rollback ' + a.rollback : '') }));
    }
    return h('div', { cls: 'world' }, chips);
  }

  function failureBlock(f) {
    const block = h('div', { cls: 'failure' });
    block.append(h('div', { cls: 'message', text: (f.step ? 'Step ' + f.step + (f.kind ? ' (' + f.kind + ')' : '') + ' failed' : 'Failed') + ' at ' + fmtMs(f.at) }));
    if (f.expectation) {
      const e = f.expectation;
      block.append(h('table', { cls: 'expectation' }, h('tbody', {},
        e.where ? h('tr', {}, h('td', { text: 'where' }), h('td', { cls: 'mono', text: e.where + (e.path ? '  ' + e.path : '') })) : null,
        h('tr', {}, h('td', { text: 'checked' }), h('td', { text: e.what })),
        h('tr', {}, h('td', { text: 'expected' }), h('td', { cls: 'expected', text: e.expected })),
        h('tr', {}, h('td', { text: 'actual' }), h('td', { cls: 'actual', text: e.actual })),
        e.context ? h('tr', {}, h('td', { text: 'state' }), h('td', { text: e.context })) : null)));
    } else {
      block.append(h('pre', { text: f.message }));
    }
    if (f.diffRows && f.diffRows.length) {
      block.append(h('h3', { text: 'Live vs desired' }));
      const tbody = h('tbody');
      for (const r of f.diffRows) {
        if (r.type === 'file' || r.type === 'hunk' || r.type === 'note') {
          tbody.append(h('tr', { cls: r.type }, h('td', { colspan: 4, text: r.left })));
          continue;
        }
        const change = r.type === 'change';
        tbody.append(h('tr', {},
          h('td', { cls: 'no', text: r.leftNo ?? '' }), h('td', { cls: change && r.left !== undefined ? 'del' : null, text: r.left ?? '' }),
          h('td', { cls: 'no', text: r.rightNo ?? '' }), h('td', { cls: change && r.right !== undefined ? 'add' : null, text: r.right ?? '' })));
      }
      block.append(h('table', { cls: 'sbs' },
        h('colgroup', {}, h('col', { style: 'width:44px' }), h('col'), h('col', { style: 'width:44px' }), h('col')),
        h('thead', {}, h('tr', {}, h('th', {}), h('th', { text: 'live' }), h('th', {}), h('th', { text: 'desired (after sync)' }))), tbody));
    }
    if (f.replay) block.append(h('div', { cls: 'replay mono', text: 'replay: ' + f.replay }));
    return block;
  }

  // -- the swimlane timeline -------------------------------------------------------------------

  const LABEL_W = 150, LANE_H = 46, AXIS_H = 24, STRIP_H = 20, PAD_R = 16;
  const TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((x) => x * 1000);

  function timelineWidget(sc, index, panel) {
    const tl = sc.timeline;
    const lanes = tl.lanes;
    const laneIndex = Object.fromEntries(lanes.map((l, i) => [l.id, i]));
    const end = Math.max(tl.endMs, 1000);
    // A little room left of 0s, so marks at the start are whole.
    const home = () => ({ from: -end * 0.012, to: end * 1.02 });
    const view = home();
    let selected = null;
    const box = h('div', { cls: 'timeline', 'data-scenario': index });
    const counts = {};
    for (const m of tl.marks) counts[m.lane] = (counts[m.lane] || 0) + 1;

    const toolbar = h('div', { cls: 'toolbar' },
      h('button', { type: 'button', text: 'Zoom in', onclick: () => zoom(0.5) }),
      h('button', { type: 'button', text: 'Zoom out', onclick: () => zoom(2) }),
      h('button', { type: 'button', text: 'Reset', onclick: () => { Object.assign(view, home()); render(); } }),
      h('span', { cls: 'muted', text: 'wheel: zoom \u00b7 drag: pan \u00b7 double-click: reset' }),
      h('span', { cls: 'legend' },
        h('span', {}, h('i', { style: 'background:var(--ok)' }), 'ok'), h('span', {}, h('i', { style: 'background:var(--fail)' }), 'failed'),
        h('span', {}, h('i', { style: 'background:var(--warn)' }), 'warning'), h('span', {}, h('i', { style: 'background:var(--info)' }), 'info'),
        h('span', {}, h('i', { style: 'background:rgba(214,69,69,.3)' }), 'fault'), h('span', {}, h('i', { style: 'background:rgba(224,138,0,.3)' }), 'drift'),
        h('span', {}, h('i', { style: 'background:rgba(102,112,133,.3)' }), 'controller down'),
        h('span', {}, h('i', { style: 'background:#8fd4a8' }), 'Healthy'), h('span', {}, h('i', { style: 'background:#9dbbe8' }), 'Progressing'),
        h('span', {}, h('i', { style: 'background:#ef9a9a' }), 'Degraded'), h('span', {}, h('i', { style: 'background:#d5d9e0' }), 'Missing')));

    function zoom(factor, centerMs) {
      const c = centerMs ?? (view.from + view.to) / 2;
      const span = Math.max(200, Math.min(end * 4, (view.to - view.from) * factor));
      const ratio = (c - view.from) / (view.to - view.from);
      view.from = c - span * ratio;
      view.to = view.from + span;
      render();
    }

    const wrap = h('div', {}, toolbar, box);
    let svg = null;
    function width() { return Math.max(760, box.clientWidth || 1100); }

    function render() {
      const W = width();
      const plotW = W - LABEL_W - PAD_R;
      const x = (ms) => LABEL_W + ((ms - view.from) / (view.to - view.from)) * plotW;
      const inView = (a, b) => b >= view.from && a <= view.to;
      const H = AXIS_H + lanes.length * LANE_H + (tl.strips.length ? 10 + tl.strips.length * STRIP_H : 0) + 8;
      const clipId = 'clip-' + index;
      const next = s('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-lanes': lanes.length, 'data-marks': tl.marks.length });
      next.append(s('defs', {}, s('clipPath', { id: clipId }, s('rect', { x: LABEL_W, y: 0, width: plotW, height: H }))));

      // lanes
      lanes.forEach((lane, i) => {
        const y = AXIS_H + i * LANE_H;
        next.append(s('g', { cls: 'lane', 'data-lane': lane.id },
          s('rect', { cls: 'lane-bg' + (i % 2 ? ' alt' : ''), x: 0, y, width: W, height: LANE_H }),
          s('text', { cls: 'lane-title', x: 8, y: y + 19, text: lane.title }),
          s('text', { cls: 'lane-sub', x: 8, y: y + 33, text: (counts[lane.id] || 0) + ' marks' })));
      });

      // axis and grid
      const span = view.to - view.from;
      const step = TICKS.find((t) => span / t <= 10) || 86400000 * Math.ceil(span / 86400000 / 10);
      const grid = s('g', { 'clip-path': 'url(#' + clipId + ')' });
      for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
        const gx = x(t);
        grid.append(s('line', { cls: 'grid', x1: gx, x2: gx, y1: AXIS_H, y2: H }));
        if (gx + 44 < W) grid.append(s('text', { cls: 'tick', x: gx + 3, y: 15, text: fmtMs(t) }));
      }
      next.append(grid, s('line', { cls: 'axis', x1: LABEL_W, x2: W - PAD_R, y1: AXIS_H, y2: AXIS_H }));

      const plot = s('g', { 'clip-path': 'url(#' + clipId + ')' });
      next.append(plot);

      // shaded windows
      for (const w of tl.windows) {
        if (!inView(w.from, w.to) || laneIndex[w.lane] === undefined) continue;
        const y = AXIS_H + laneIndex[w.lane] * LANE_H + 2;
        const x0 = x(w.from), x1 = Math.max(x(w.to), x0 + 3);
        const rect = s('rect', { cls: 'win win-' + w.kind, x: x0, y, width: x1 - x0, height: LANE_H - 4, 'data-kind': w.kind });
        const tip = w.label + ': ' + fmtMs(w.from) + ' \u2192 ' + (w.open ? 'still open at the end' : fmtMs(w.to) + ' (' + fmtMs(w.to - w.from) + ')');
        rect.addEventListener('mousemove', (e) => showTip(e, tip));
        rect.addEventListener('mouseleave', hideTip);
        rect.addEventListener('click', () => showDetails({ label: w.label, at: w.from, end: w.to, open: w.open, events: w.events }, rect));
        plot.append(rect);
      }

      // marks: bars first, then points stacked where they collide
      const lastX = {};
      tl.marks.forEach((m, mi) => {
        const li = laneIndex[m.lane];
        if (li === undefined) return;
        const y0 = AXIS_H + li * LANE_H;
        const isBar = m.end !== undefined;
        if (isBar ? !inView(m.at, m.end) : !inView(m.at, m.at)) return;
        const cls = 'mark r-' + m.result + (isBar ? ' bar' : '') + (selected === mi ? ' selected' : '');
        let shape;
        if (isBar) {
          const x0 = x(m.at), x1 = Math.max(x(m.end), x0 + 4);
          shape = s('rect', { cls, x: x0, y: y0 + 29, width: x1 - x0, height: 13, rx: 3 });
          const g = s('g', {}, shape);
          for (const w of m.waves || []) g.append(s('line', { cls: 'wave', x1: x(w.at), x2: x(w.at), y1: y0 + 29, y2: y0 + 42 }));
          plot.append(g);
        } else {
          // Points ride the upper half of the lane, bars the lower. Points closer than
          // 10 px are pushed right (up to 40 px), so each stays clickable.
          const exact = Math.round(x(m.at));
          const last = lastX[m.lane];
          const px = last !== undefined && exact < last + 10 && last + 10 - exact <= 40 ? last + 10 : exact;
          const n = px === exact ? 1 : 2;
          lastX[m.lane] = px;
          const cy = y0 + 15;
          shape = pointShape(m, px, cy, cls);
          plot.append(shape);
          if ((m.kind === 'commit' || m.kind === 'writeback' || m.kind === 'image' || m.kind === 'rollback' || m.kind === 'failure') && n === 1) {
            const room = nextGap(m, mi) - 12;
            if (room > 40) plot.append(s('text', { cls: 'mark-label', x: px + 9, y: y0 + 19, text: clip(m.label, Math.floor(room / 6)) }));
          }
        }
        shape.setAttribute('data-mark', mi);
        shape.setAttribute('data-kind', m.kind);
        shape.setAttribute('data-event', m.events.length ? m.events[0] : -1);
        const tip = m.label + ' \u00b7 ' + fmtMs(m.at) + (isBar ? ' \u2192 ' + fmtMs(m.end) + ' (' + fmtMs(m.end - m.at) + (m.open ? ', unfinished' : '') + ')' : '');
        shape.addEventListener('mousemove', (e) => showTip(e, tip));
        shape.addEventListener('mouseleave', hideTip);
        shape.addEventListener('click', (e) => { e.stopPropagation(); selected = mi; showDetails(m, shape); });
      });

      function nextGap(m, mi) {
        let gap = Infinity;
        for (let j = mi + 1; j < tl.marks.length; j++) {
          const o = tl.marks[j];
          if (o.lane === m.lane && o.at > m.at) { gap = x(o.at) - x(m.at); break; }
        }
        return Math.min(gap, W - PAD_R - x(m.at));
      }

      // failure line
      if (sc.failure && inView(sc.failure.at, sc.failure.at)) {
        plot.append(s('line', { cls: 'failure-line', x1: x(sc.failure.at), x2: x(sc.failure.at), y1: AXIS_H, y2: H }));
      }

      // app state strips
      if (tl.strips.length) {
        const top = AXIS_H + lanes.length * LANE_H + 10;
        tl.strips.forEach((strip, i) => {
          const y = top + i * STRIP_H;
          const g = s('g', { cls: 'strip', 'data-app': strip.app }, s('text', { cls: 'strip-title', x: 8, y: y + 13, text: 'app ' + strip.app }));
          next.append(g);
          const segs = s('g', { 'clip-path': 'url(#' + clipId + ')' });
          g.append(segs);
          for (const seg of strip.segments) {
            if (!inView(seg.from, seg.to)) continue;
            const x0 = x(seg.from), x1 = Math.max(x(seg.to), x0 + 2);
            const tip = 'app ' + strip.app + ': ' + seg.sync + ', ' + seg.health + ' from ' + fmtMs(seg.from) + ' for ' + fmtMs(seg.to - seg.from) +
              ' (revision ' + seg.revision + ')' + (seg.message ? ' \u2014 ' + seg.message : '');
            const rect = s('rect', { cls: 'seg h-' + seg.health, x: x0, y: y + 5, width: x1 - x0, height: STRIP_H - 8, 'data-health': seg.health, 'data-sync': seg.sync });
            const band = s('rect', { cls: 's-' + seg.sync, x: x0, y: y + 1, width: x1 - x0, height: 3, 'pointer-events': 'none' });
            rect.addEventListener('mousemove', (e) => showTip(e, tip));
            rect.addEventListener('mouseleave', hideTip);
            rect.addEventListener('click', () => showDetails({ label: 'app ' + strip.app + ': ' + seg.sync + ', ' + seg.health, at: seg.from, end: seg.to, events: [seg.event] }, rect));
            segs.append(rect, band);
          }
        });
      }

      attachPanZoom(next, x, plotW);
      if (svg) box.replaceChild(next, svg); else box.append(next);
      svg = next;
    }

    function attachPanZoom(node, x, plotW) {
      node.addEventListener('wheel', (e) => {
        e.preventDefault();
        const rect = node.getBoundingClientRect();
        const ms = view.from + ((e.clientX - rect.left - LABEL_W) / plotW) * (view.to - view.from);
        zoom(e.deltaY < 0 ? 0.8 : 1.25, ms);
      }, { passive: false });
      node.addEventListener('dblclick', () => { Object.assign(view, home()); render(); });
      node.addEventListener('mousedown', (e) => {
        if (e.button !== 0) return;
        const startX = e.clientX, from = view.from, to = view.to;
        let moved = false;
        const move = (ev) => {
          const dx = ev.clientX - startX;
          if (Math.abs(dx) < 3 && !moved) return;
          moved = true;
          node.classList.add('panning');
          const shift = (dx / plotW) * (to - from);
          view.from = from - shift;
          view.to = to - shift;
          render();
        };
        const up = () => { window.removeEventListener('mousemove', move); window.removeEventListener('mouseup', up); };
        window.addEventListener('mousemove', move);
        window.addEventListener('mouseup', up);
      });
    }

    function showDetails(item, shape) {
      if (svg) svg.querySelectorAll('.selected').forEach((n) => n.classList.remove('selected'));
      if (shape) shape.classList.add('selected');
      panel.replaceChildren();
      panel.setAttribute('data-selected', item.label);
      const when = fmtMs(item.at) + (item.end !== undefined && item.end !== item.at ? ' \u2192 ' + fmtMs(item.end) + ' (' + fmtMs(item.end - item.at) + (item.open ? ', still open at the end' : '') + ')' : '');
      panel.append(h('h4', { text: item.label }), h('div', { cls: 'muted', text: when }));
      if (item.waves && item.waves.length) {
        panel.append(h('table', {}, h('thead', {}, h('tr', {}, ['at', 'phase', 'wave', 'applied', 'pruned'].map((t) => h('th', { text: t })))),
          h('tbody', {}, item.waves.map((w) => h('tr', {}, [fmtMs(w.at), w.phase, w.wave, w.applied, w.pruned].map((v) => h('td', { text: String(v) })))))));
      }
      for (const i of item.events || []) {
        const e = sc.events[i];
        if (!e) continue;
        const ev = h('div', { cls: 'event', 'data-event': i },
          h('div', { cls: 'event-head', text: fmtMs(e.atMs) + '  ' + e.actor + '  ' + e.type }));
        const record = Object.assign({}, e);
        const diff = e.details && typeof e.details.diff === 'string' ? e.details.diff : null;
        if (diff) record.details = Object.assign({}, e.details, { diff: '(below)' });
        ev.append(h('pre', { cls: 'record', text: JSON.stringify(record, null, 2) }));
        if (diff) ev.append(h('div', { cls: 'muted', text: 'live vs desired at this refresh:' }), diffPre(diff));
        panel.append(ev);
      }
    }

    // Draw once the box has a width.
    requestAnimationFrame(render);
    render();
    let resizeTimer = null;
    window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(render, 100); });
    return wrap;
  }

  function pointShape(m, px, cy, cls) {
    switch (m.kind) {
      case 'drift': case 'health':
        return s('path', { cls, d: `M${px} ${cy - 6}L${px + 6} ${cy}L${px} ${cy + 6}L${px - 6} ${cy}Z` });
      case 'rollback': case 'failure':
        return s('path', { cls, d: `M${px} ${cy - 7}L${px + 7} ${cy + 5}L${px - 7} ${cy + 5}Z` });
      case 'image': case 'writeback':
        return s('rect', { cls, x: px - 5, y: cy - 5, width: 10, height: 10, rx: 2 });
      case 'step': case 'status': case 'note': case 'expect': case 'fault': case 'refresh': case 'controller':
        return s('circle', { cls, cx: px, cy, r: 4 });
      default:
        return s('circle', { cls, cx: px, cy, r: 6 });
    }
  }
  const clip = (text, n) => (text.length <= n ? text : text.slice(0, Math.max(1, n - 1)) + '\u2026');

  // -- fuzz campaign report ----------------------------------------------------------------------

  function renderCampaign() {
    document.title = data.title + ': ' + data.failures.length + ' failing of ' + data.cases;
    root.append(h('div', { cls: 'header' }, h('h1', { text: data.title }),
      h('span', { cls: 'muted', text: 'seed ' + data.seed + (data.shard ? ', shard ' + data.shard : '') + ', ' + data.threads + ' thread(s)' + (data.size ? ', size ' + data.size : '') })));
    root.append(h('div', { cls: 'cards' },
      card(String(data.cases), 'cases run'), card(String(data.failures.length), 'failing cases (shrunk)'),
      card(data.casesPerSecond.toFixed(1), 'cases per second'), card(data.stepsPerCase.toFixed(1), 'steps per case'),
      card(fmtWall(data.seconds), 'wall time')));
    const coverage = (title, items) => {
      const max = Math.max(1, ...items.map((i) => i.count));
      return [h('h2', { text: title }), h('div', { cls: 'coverage' }, items.map((i) => [
        h('span', { cls: 'mono', text: i.name }),
        h('div', {}, h('div', { cls: 'bar' + (i.count ? '' : ' zero'), style: i.count ? 'width:' + Math.max(0.5, (100 * i.count) / max) + '%' : null })),
        h('span', { cls: 'num', text: String(i.count) })]))];
    };
    root.append(...coverage('Commands covered', data.coverage.commands), ...coverage('Faults covered', data.coverage.faults));
    root.append(h('h2', { text: data.failures.length ? 'Counterexamples' : 'No invariant was broken' }));
    data.failures.forEach((f, i) => {
      root.append(h('section', { cls: 'scenario', id: 'f-' + i }, h('div', { cls: 'body' },
        h('h3', {}, h('span', { cls: 'badge failed', text: f.invariant || 'failure' }), ' case seed ' + f.seed),
        h('pre', { text: f.message }),
        h('div', { cls: 'muted', text: 'shrunk from ' + f.commands + ' to ' + f.shrunkCommands + ' commands in ' + f.shrinkRuns + ' runs' }),
        h('ol', { cls: 'steps' }, f.steps.map((line) => h('li', { text: line }))),
        f.file ? h('div', { text: 'written to ' + f.file + (f.replayed ? ' (replays the same failure)' : ' (does NOT replay the failure)') }) : null,
        f.replay ? h('div', { cls: 'replay mono', text: f.replay }) : null,
        h('div', { cls: 'replay mono', text: f.rerun }))));
    });
  }

  if (data.kind === 'campaign') renderCampaign(); else renderRun();
})();
