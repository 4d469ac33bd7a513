// The pullqueue console: a thin page over the native API (/api/v1). No build step, no dependencies, no inline
// script or style (it runs under a Content-Security-Policy of default-src 'self').
// Every view has its own address (hash routing), so a link can be shared:
//   #/                                   the queues
//   #/queues/NAME?state=&tag=&order=&size=&page=&window=   a queue: charts, configuration, filtered tasks
//   #/queues/NAME/tasks/TASK             a task: its facts, history and payload
import { lineChart, formatNumber } from './charts.js';

const API = '../api/v1';
const $ = id => document.getElementById(id);
let timer = null; // refreshes the view shown, skipped while the tab is hidden (counting a big queue is not free)
let route = null;
let carried = ''; // what the next view says on arrival (the result of the action that led there)

// ------------------------------------------------------------------------------------------------ helpers

/** A task's tag as text; a tag that is not UTF-8 comes as tagBase64 and is shown as such. */
function tagText(t) {
  return t.tag || (t.tagBase64 ? 'base64:' + t.tagBase64 : '');
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function link(text, href) {
  const a = el('a', text);
  a.href = href;
  return a;
}

function showError(message) {
  $('error').textContent = message || '';
  $('error').hidden = !message;
}

function say(message) {
  $('status').textContent = message;
}

async function call(method, path, body) {
  const init = { method: method, headers: { 'Accept': 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(API + path, init);
  if (r.status === 204) return null;
  let data = null;
  try { data = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) {
    throw new Error(data && data.error ? data.error.reason + ': ' + data.error.message : 'HTTP ' + r.status);
  }
  return data;
}

const q = name => '/queues/' + encodeURIComponent(name);

function age(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor(s % 86400 / 3600) + ' h';
}

const nowUsec = () => Date.now() * 1000;

function taskState(t) {
  if (t.leased) return 'leased';
  return Number(t.etaUsec) <= nowUsec() ? 'due' : 'not yet due';
}

function when(iso) {
  return new Date(iso).toLocaleString();
}

function fact(dl, term, value) {
  dl.appendChild(el('dt', term));
  const dd = el('dd');
  if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
  dl.appendChild(dd);
}

/** Asks in the page (a modal dialog; Escape or Cancel says no). Resolves true when confirmed. */
function confirmAction(text, okLabel) {
  const d = $('confirm');
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel || 'Confirm';
  d.returnValue = '';
  return new Promise(resolve => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true });
    d.showModal();
    $('confirm-cancel').focus();
  });
}

async function act(text, okLabel, work) {
  if (!(await confirmAction(text, okLabel))) return false;
  try {
    const message = await work();
    showError(null);
    say(message);
    await render();
    return true;
  } catch (e) {
    showError(e.message);
    return false;
  }
}

function summary(results, verb) {
  const ok = results.filter(r => r.status === 'OK').length;
  const failed = results.filter(r => r.status !== 'OK').map(r => r.name + ' ' + r.status);
  return verb + ' ' + ok + ' task' + (ok === 1 ? '' : 's') + (failed.length ? '; not: ' + failed.join(', ') : '') + '.';
}

// ------------------------------------------------------------------------------------------------ routing

function parseRoute() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || '');
  if (parts[0] === 'queues' && parts.length === 2) return { view: 'queue', queue: parts[1], params: params };
  if (parts[0] === 'queues' && parts[2] === 'tasks' && parts.length === 4) {
    return { view: 'task', queue: parts[1], task: parts[3], params: params };
  }
  return { view: 'queues', params: params };
}

function queueHref(name, params) {
  const s = params ? params.toString() : '';
  return '#/queues/' + encodeURIComponent(name) + (s ? '?' + s : '');
}

function taskHref(queue, task) {
  return '#/queues/' + encodeURIComponent(queue) + '/tasks/' + encodeURIComponent(task);
}

function crumbs(r) {
  const nav = $('crumbs');
  nav.replaceChildren();
  const ol = el('ol');
  const add = (text, href) => {
    const li = el('li');
    if (href) li.appendChild(link(text, href)); else {
      li.textContent = text;
      li.setAttribute('aria-current', 'page');
    }
    ol.appendChild(li);
  };
  add('Queues', r.view === 'queues' ? null : '#/');
  if (r.queue) add(r.queue, r.view === 'queue' ? null : queueHref(r.queue));
  if (r.task) add(r.task, null);
  nav.appendChild(ol);
}

async function render() {
  route = parseRoute();
  for (const v of ['queues', 'queue', 'task']) $('view-' + v).hidden = route.view !== v;
  crumbs(route);
  clearInterval(timer);
  try {
    if (route.view === 'queues') {
      document.title = 'Queues · pullqueue';
      await renderQueues();
      timer = setInterval(() => document.hidden || renderQueues().catch(e => showError(e.message)), 5000);
    } else if (route.view === 'queue') {
      document.title = route.queue + ' · pullqueue';
      await renderQueue();
      timer = setInterval(() => document.hidden || refreshQueue().catch(e => showError(e.message)), 10000);
    } else {
      document.title = route.task + ' · ' + route.queue + ' · pullqueue';
      await renderTask();
    }
    showError(null);
  } catch (e) {
    showError(e.message);
  }
}

// ------------------------------------------------------------------------------------------------ queues

let queueFilter = '';

async function renderConfigStatus() {
  const box = $('config-status');
  let c;
  try {
    c = await call('GET', '/config');
  } catch (e) {
    // Only admins may read which queue.yaml is in force; others see the queues without it.
    if (!String(e.message).startsWith('PERMISSION_DENIED')) throw e;
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.replaceChildren();
  const p = el('p');
  p.appendChild(el('span', 'queue.yaml '));
  p.appendChild(el('code', c.path));
  if (c.reload.result === 'applied') {
    p.appendChild(el('span', ': in force since ' + (c.reload.appliedAt ? when(c.reload.appliedAt) : '?') + '.'));
    box.className = 'config ok';
  } else {
    p.appendChild(el('span', ': the last change was refused ' + when(c.reload.refusedAt)
      + (c.loaded ? '; the version applied ' + when(c.reload.appliedAt) + ' stays in force' : '; no version is in force')
      + '. Error: '));
    p.appendChild(el('strong', c.reload.error));
    box.className = 'config refused';
  }
  box.appendChild(p);
}

async function renderQueues() {
  const [data] = await Promise.all([call('GET', '/queues'), renderConfigStatus()]);
  const body = document.querySelector('#queues tbody');
  body.replaceChildren();
  const now = Date.now();
  data.queues.filter(x => x.name.includes(queueFilter)).forEach(x => {
    const s = x.stats || {};
    const tr = el('tr');
    const name = el('td');
    if (x.mode === 'pull') name.appendChild(link(x.name, queueHref(x.name))); else name.textContent = x.name;
    tr.appendChild(name);
    tr.appendChild(el('td', x.mode));
    for (const v of [s.tasks, s.due, s.inFlight, s.leasedLastMinute]) tr.appendChild(el('td', v === undefined ? '' : v, 'num'));
    tr.appendChild(el('td', s.due > 0 && s.oldestEtaUsec ? age((now * 1000 - s.oldestEtaUsec) / 1e6) : ''));
    tr.appendChild(el('td', x.retryLimit === undefined ? '∞' : x.retryLimit, 'num'));
    const state = x.mode !== 'pull' ? 'push (not served)' : x.paused ? 'paused' : 'active';
    tr.appendChild(el('td', state, x.paused ? 'paused' : ''));
    body.appendChild(tr);
  });
  $('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
}

// ------------------------------------------------------------------------------------------------ a queue

function filterParams() {
  const p = route.params;
  return {
    state: p.get('state') || 'any',
    tag: p.get('tag') || '',
    order: p.get('order') || 'eta',
    size: p.get('size') || '50',
    page: p.get('page') || '',
    window: p.get('window') || '3600'
  };
}

function hrefWith(changes) {
  const f = Object.assign(filterParams(), changes);
  const p = new URLSearchParams();
  if (f.state !== 'any') p.set('state', f.state);
  if (f.tag) p.set('tag', f.tag);
  if (f.order !== 'eta') p.set('order', f.order);
  if (f.size !== '50') p.set('size', f.size);
  if (f.window !== '3600') p.set('window', f.window);
  if (f.page) p.set('page', f.page);
  return queueHref(route.queue, p);
}

async function renderQueueHead() {
  const x = await call('GET', q(route.queue));
  $('queue-name').textContent = x.name;
  $('queue-state').textContent = x.paused ? 'paused' : 'active';
  $('queue-state').className = 'badge ' + (x.paused ? 'paused' : 'active');
  $('pause').disabled = x.paused;
  $('resume').disabled = !x.paused;
  const s = x.stats;
  const counts = $('queue-counts');
  counts.replaceChildren();
  fact(counts, 'tasks', s.tasks);
  fact(counts, 'due', s.due);
  fact(counts, 'in flight', s.inFlight);
  fact(counts, 'leased in the last minute', s.leasedLastMinute);
  fact(counts, 'oldest due task', s.due > 0 && s.oldestEtaUsec ? age((nowUsec() - s.oldestEtaUsec) / 1e6) : 'none due');
  const cfg = $('queue-config');
  cfg.replaceChildren();
  fact(cfg, 'mode', x.mode);
  fact(cfg, 'retry limit', x.retryLimit === undefined ? 'none (unlimited)' : x.retryLimit + ' leases');
  fact(cfg, 'lease requests per second', x.leaseRequestsPerSecond === 0 ? 'unlimited' : x.leaseRequestsPerSecond);
  fact(cfg, 'ACL: users', x.acl.userEmails.length ? x.acl.userEmails.join(', ') : 'anyone');
  fact(cfg, 'ACL: writers', x.acl.writerEmails.length ? x.acl.writerEmails.join(', ') : 'anyone');
}

async function renderCharts() {
  const f = filterParams();
  const h = await call('GET', q(route.queue) + '/history?seconds=' + encodeURIComponent(f.window));
  const from = Date.parse(h.from);
  const to = Date.parse(h.to);
  const pts = key => h.points.map(p => [p.atUsec / 1000, p[key]]);
  const box = $('charts');
  box.replaceChildren(
    lineChart({ id: 'chart-backlog', title: 'Backlog (tasks)', from, to, series: [
      { name: 'due', cls: 's1', points: pts('due') },
      { name: 'in flight', cls: 's2', points: pts('inFlight') },
      { name: 'all', cls: 's3', points: pts('tasks') }] }),
    lineChart({ id: 'chart-rates', title: 'Tasks per second', unit: '/s', from, to, series: [
      { name: 'added', cls: 's1', points: pts('addedPerSecond') },
      { name: 'leased', cls: 's2', points: pts('leasedPerSecond') },
      { name: 'deleted', cls: 's3', points: pts('deletedPerSecond') }] }),
    lineChart({ id: 'chart-age', title: 'Oldest due task (seconds waiting)', unit: 's', from, to, series: [
      { name: 'age', cls: 's4', points: pts('oldestDueAgeSeconds') }] }));
  $('history-note').textContent = h.points.length
    ? h.points.length + ' points, one per ' + formatNumber(h.stepSeconds) + ' s'
    : 'no samples yet in this window (one is taken every few seconds)';
}

const selected = new Set();

function updateSelection() {
  const n = selected.size;
  $('sel-count').textContent = n ? n + ' selected' : '';
  for (const id of ['sel-delete', 'sel-release', 'sel-run']) $(id).disabled = n === 0;
}

async function renderTasks() {
  const f = filterParams();
  const p = new URLSearchParams({ pageSize: f.size, order: f.order, state: f.state });
  if (f.tag) p.set('tag', f.tag);
  if (f.page) p.set('pageToken', f.page);
  const data = await call('GET', q(route.queue) + '/tasks?' + p.toString());
  const body = document.querySelector('#tasks tbody');
  body.replaceChildren();
  selected.clear();
  $('sel-all').checked = false;
  data.tasks.forEach(t => {
    const tr = el('tr');
    const box = el('input');
    box.type = 'checkbox';
    box.value = t.name;
    box.setAttribute('aria-label', 'Select task ' + t.name);
    box.addEventListener('change', () => {
      if (box.checked) selected.add(t.name); else selected.delete(t.name);
      updateSelection();
    });
    const c0 = el('td');
    c0.appendChild(box);
    tr.appendChild(c0);
    const c1 = el('td', null, 'name');
    c1.appendChild(link(t.name, taskHref(route.queue, t.name)));
    tr.appendChild(c1);
    tr.appendChild(el('td', tagText(t)));
    tr.appendChild(el('td', taskState(t)));
    tr.appendChild(el('td', age((nowUsec() - t.createdUsec) / 1e6)));
    tr.appendChild(el('td', when(t.eta)));
    tr.appendChild(el('td', t.retryCount, 'num'));
    tr.appendChild(el('td', t.payloadSize, 'num'));
    body.appendChild(tr);
  });
  if (data.tasks.length === 0) {
    const tr = el('tr');
    const td = el('td', 'No tasks match.');
    td.colSpan = 8;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  updateSelection();
  $('next-page').hidden = !data.nextPageToken;
  if (data.nextPageToken) $('next-page').href = hrefWith({ page: data.nextPageToken });
  $('first-page').hidden = !f.page;
  $('first-page').href = hrefWith({ page: '' });
  $('page-note').textContent = data.tasks.length + ' task' + (data.tasks.length === 1 ? '' : 's') + ' on this page';
}

async function renderQueue() {
  const f = filterParams();
  $('f-state').value = f.state;
  $('f-tag').value = f.tag;
  $('f-order').value = f.order;
  $('f-size').value = f.size;
  $('window').value = f.window;
  await Promise.all([renderQueueHead(), renderCharts(), renderTasks()]);
}

async function refreshQueue() {
  await Promise.all([renderQueueHead(), renderCharts()]);
}

async function onSelected(what) {
  const names = [...selected];
  const n = names.length + ' task' + (names.length === 1 ? '' : 's');
  if (what === 'delete') {
    await act('Delete ' + n + ' of ' + route.queue + '? Their names stay reserved.', 'Delete', async () =>
      summary((await call('POST', q(route.queue) + '/tasks:batchDelete', { names })).results, 'Deleted'));
  } else {
    const release = what === 'release';
    await act((release ? 'Give back the leases of ' : 'Run now ') + n + ' of ' + route.queue + '? '
      + (release ? 'Their holders lose the lease; the tasks are due at once.' : 'They become due at once.'),
      release ? 'Give back' : 'Run now', async () =>
        summary((await call('POST', q(route.queue) + '/tasks:runNow', { names })).results,
          release ? 'Gave back the leases of' : 'Made due'));
  }
}

// ------------------------------------------------------------------------------------------------ a task

function isText(bytes) {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return !/[\u0000-\u0008\u000e-\u001f]/.test(s) ? s : null;
  } catch (e) {
    return null;
  }
}

const SHOWN_BYTES = 65536;

function hexDump(bytes) {
  const lines = [];
  const n = Math.min(bytes.length, SHOWN_BYTES);
  for (let i = 0; i < n; i += 16) {
    const row = bytes.subarray(i, Math.min(i + 16, n));
    const hex = [...row].map(b => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map(b => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(i.toString(16).padStart(8, '0') + '  ' + hex.padEnd(47) + '  ' + ascii);
  }
  return lines.join('\n');
}

async function renderTask() {
  const t = await call('GET', q(route.queue) + '/tasks/' + encodeURIComponent(route.task));
  $('task-name').textContent = t.name;
  const state = taskState(t);
  const facts = $('task-facts');
  facts.replaceChildren();
  fact(facts, 'queue', link(route.queue, queueHref(route.queue)));
  fact(facts, 'state', state);
  fact(facts, 'tag', tagText(t) || '(none)');
  fact(facts, 'added', when(t.created) + ' (' + age((nowUsec() - t.createdUsec) / 1e6) + ' ago)');
  fact(facts, state === 'leased' ? 'lease expires' : state === 'due' ? 'due since' : 'due at', when(t.eta));
  fact(facts, 'retry count', t.retryCount);
  fact(facts, 'retry limit', t.retryLimit === undefined ? 'the queue\'s' : t.retryLimit);
  fact(facts, 'payload size', t.payloadSize + ' bytes');
  const hist = $('task-history');
  hist.replaceChildren();
  hist.appendChild(el('li', 'Added ' + when(t.created) + '.'));
  if (t.retryCount > 0) {
    hist.appendChild(el('li', 'Leased ' + t.retryCount + ' time' + (t.retryCount === 1 ? '' : 's') + '.'));
  }
  hist.appendChild(el('li', state === 'leased' ? 'Leased now; the lease runs out ' + when(t.eta) + '.'
    : state === 'due' ? 'Due since ' + when(t.eta) + ': the next lease call can take it.'
    : 'Waiting: due ' + when(t.eta) + '.'));
  const bytes = Uint8Array.from(atob(t.payload), c => c.charCodeAt(0));
  const text = isText(bytes);
  $('payload-kind').textContent = text !== null ? '(text)' : '(binary, hex)'
    + (bytes.length > SHOWN_BYTES ? ', first ' + SHOWN_BYTES + ' bytes' : '');
  $('payload').textContent = text !== null ? text : hexDump(bytes);
  $('task-release').hidden = state !== 'leased';
  $('task-run').hidden = state !== 'not yet due';
}

async function taskAction(what) {
  const name = route.task;
  const path = q(route.queue) + '/tasks';
  if (what === 'delete') {
    if (!(await confirmAction('Delete task ' + name + '? Its name stays reserved.', 'Delete'))) return;
    try {
      await call('DELETE', path + '/' + encodeURIComponent(name));
      carried = 'Deleted task ' + name + '.';
      location.hash = queueHref(route.queue);
    } catch (e) {
      showError(e.message);
    }
    return;
  }
  const release = what === 'release';
  await act((release ? 'Give back the lease of ' : 'Run now ') + name + '?', release ? 'Give back' : 'Run now',
    async () => summary((await call('POST', path + ':runNow', { names: [name] })).results,
      release ? 'Gave back the lease of' : 'Made due'));
}

// ------------------------------------------------------------------------------------------------ wiring

function queueAction(verb, text, okLabel) {
  return () => act(text(), okLabel, async () => {
    const r = await call('POST', q(route.queue) + ':' + verb, {});
    return verb === 'purge' ? 'Purged ' + r.purged + ' tasks of ' + route.queue + '.'
      : (verb === 'pause' ? 'Paused ' : 'Resumed ') + route.queue + '.';
  });
}

$('pause').addEventListener('click', queueAction('pause',
  () => 'Pause ' + route.queue + '? Lease calls fail until it is resumed; adds still work.', 'Pause'));
$('resume').addEventListener('click', queueAction('resume', () => 'Resume ' + route.queue + '?', 'Resume'));
$('purge').addEventListener('click', queueAction('purge',
  () => 'Delete every task of ' + route.queue + '? This cannot be undone.', 'Purge'));
$('sel-delete').addEventListener('click', () => onSelected('delete'));
$('sel-release').addEventListener('click', () => onSelected('release'));
$('sel-run').addEventListener('click', () => onSelected('run'));
$('sel-all').addEventListener('change', () => {
  document.querySelectorAll('#tasks tbody input[type=checkbox]').forEach(b => {
    b.checked = $('sel-all').checked;
    if (b.checked) selected.add(b.value); else selected.delete(b.value);
  });
  updateSelection();
});
$('task-delete').addEventListener('click', () => taskAction('delete'));
$('task-release').addEventListener('click', () => taskAction('release'));
$('task-run').addEventListener('click', () => taskAction('run'));
$('filter').addEventListener('submit', ev => {
  ev.preventDefault();
  location.hash = hrefWith({ state: $('f-state').value, tag: $('f-tag').value.trim(), order: $('f-order').value,
    size: $('f-size').value, page: '' });
});
$('window').addEventListener('change', () => { location.hash = hrefWith({ window: $('window').value }); });
$('queue-filter').addEventListener('input', () => {
  queueFilter = $('queue-filter').value.trim();
  renderQueues().catch(e => showError(e.message));
});
window.addEventListener('hashchange', () => {
  say(carried);
  carried = '';
  render().then(() => $('content').focus({ preventScroll: true }));
});
render();
