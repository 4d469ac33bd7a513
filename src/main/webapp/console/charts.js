// Line charts as inline SVG, built with DOM calls (no library, no inline styles: colours come from console.css).
const NS = 'http://www.w3.org/2000/svg';
const W = 600;
const H = 180;
const PAD = { left: 52, right: 10, top: 10, bottom: 24 };

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function formatNumber(v) {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
  if (Math.abs(v) >= 10 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

function clock(ms) {
  const d = new Date(ms);
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}

/**
 * A chart of several series over a time window.
 * opts: { id, title, unit, from, to (ms), series: [{ name, cls, points: [[ms, value], ...] }] }
 * Returns a <figure> with the SVG (role img, title and a description holding the latest values) and a legend.
 */
export function lineChart(opts) {
  const fig = document.createElement('figure');
  fig.className = 'chart';
  fig.id = opts.id;
  const all = opts.series.flatMap(s => s.points.map(p => p[1]));
  const max = niceMax(Math.max(0, ...all));
  const x = t => PAD.left + (W - PAD.left - PAD.right) * (t - opts.from) / Math.max(1, opts.to - opts.from);
  const y = v => H - PAD.bottom - (H - PAD.top - PAD.bottom) * v / max;

  const titleId = opts.id + '-title';
  const descId = opts.id + '-desc';
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId + ' ' + descId });
  svg.appendChild(svgEl('title', { id: titleId }, opts.title));
  const latest = opts.series.map(s => {
    const last = s.points[s.points.length - 1];
    return s.name + ' ' + (last ? formatNumber(last[1]) : 'no data') + (opts.unit ? ' ' + opts.unit : '');
  }).join(', ');
  svg.appendChild(svgEl('desc', { id: descId }, 'Latest: ' + latest + '.'));

  for (const f of [0, 0.5, 1]) {
    const gy = y(max * f);
    svg.appendChild(svgEl('line', { x1: PAD.left, x2: W - PAD.right, y1: gy, y2: gy, class: 'grid' }));
    svg.appendChild(svgEl('text', { x: PAD.left - 6, y: gy + 4, class: 'axis end' }, formatNumber(max * f)));
  }
  svg.appendChild(svgEl('text', { x: PAD.left, y: H - 6, class: 'axis' }, clock(opts.from)));
  svg.appendChild(svgEl('text', { x: W - PAD.right, y: H - 6, class: 'axis end' }, clock(opts.to)));

  for (const s of opts.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => (i === 0 ? 'M' : 'L') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' ');
    svg.appendChild(svgEl('path', { d: d, class: 'line ' + s.cls }));
    if (s.points.length === 1) {
      const p = s.points[0];
      svg.appendChild(svgEl('circle', { cx: x(p[0]), cy: y(p[1]), r: 3, class: 'dot ' + s.cls }));
    }
  }

  const cap = document.createElement('figcaption');
  const h = document.createElement('span');
  h.className = 'chart-title';
  h.textContent = opts.title;
  cap.appendChild(h);
  const legend = document.createElement('ul');
  legend.className = 'legend';
  for (const s of opts.series) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch ' + s.cls;
    sw.setAttribute('aria-hidden', 'true');
    li.appendChild(sw);
    const last = s.points[s.points.length - 1];
    li.appendChild(document.createTextNode(s.name + (last ? ': ' + formatNumber(last[1]) : '')));
    legend.appendChild(li);
  }
  cap.appendChild(legend);
  fig.appendChild(svg);
  fig.appendChild(cap);
  return fig;
}
