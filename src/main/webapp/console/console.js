// The pullqueue console: a thin page over the native API (/api/v1). No build step, no dependencies.
(function () {
  'use strict';
  const api = '../api/v1/queues';
  let current = null;
  let nextToken = null;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function showError(message) {
    const p = document.getElementById('error');
    p.textContent = message || '';
    p.hidden = !message;
  }

  async function call(method, path) {
    const r = await fetch(path, { method: method, headers: { 'Accept': 'application/json' } });
    if (r.status === 204) return null;
    const body = await r.json();
    if (!r.ok) throw new Error(body.error ? body.error.reason + ': ' + body.error.message : 'HTTP ' + r.status);
    return body;
  }

  function row(cells, onClick) {
    const tr = el('tr');
    cells.forEach(c => tr.appendChild(c instanceof Node ? c : el('td', c)));
    if (onClick) tr.addEventListener('click', onClick);
    return tr;
  }

  function num(v) { return el('td', v === undefined ? '' : v, 'num'); }

  async function loadQueues() {
    try {
      const data = await call('GET', api);
      const body = document.querySelector('#queues tbody');
      body.replaceChildren();
      data.queues.forEach(q => {
        const s = q.stats || {};
        body.appendChild(row([
          el('td', q.name), el('td', q.mode), num(s.tasks), num(s.due), num(s.inFlight), num(s.leasedLastMinute),
          el('td', s.oldestEta || ''), num(q.retryLimit === undefined ? '∞' : q.retryLimit),
          el('td', q.paused ? 'paused' : (q.mode === 'pull' ? 'active' : 'push (not served)'), q.paused ? 'paused' : '')
        ], q.mode === 'pull' ? () => openQueue(q.name) : null));
      });
      document.getElementById('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
      showError(null);
    } catch (e) {
      showError(e.message);
    }
  }

  async function loadTasks(append) {
    const url = api + '/' + encodeURIComponent(current) + '/tasks?pageSize=50' +
      (append && nextToken ? '&pageToken=' + encodeURIComponent(nextToken) : '');
    const data = await call('GET', url);
    const body = document.querySelector('#tasks tbody');
    if (!append) body.replaceChildren();
    data.tasks.forEach(t => {
      const del = el('button', 'Delete', 'danger');
      del.addEventListener('click', async ev => {
        ev.stopPropagation();
        if (!confirm('Delete task ' + t.name + '?')) return;
        await act('DELETE', api + '/' + encodeURIComponent(current) + '/tasks/' + encodeURIComponent(t.name));
      });
      const cell = el('td'); cell.appendChild(del);
      body.appendChild(row([el('td', t.name), el('td', t.tag || ''), el('td', t.eta), el('td', t.leased ? 'yes' : ''),
        num(t.retryCount), num(t.payloadSize), cell], () => showTask(t.name)));
    });
    nextToken = data.nextPageToken || null;
    document.getElementById('more').hidden = !nextToken;
  }

  async function showTask(name) {
    const t = await call('GET', api + '/' + encodeURIComponent(current) + '/tasks/' + encodeURIComponent(name));
    let text;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(t.payload), c => c.charCodeAt(0))); }
    catch (e) { text = '(binary payload, base64) ' + t.payload; }
    const view = document.getElementById('task-view');
    view.textContent = JSON.stringify(Object.assign({}, t, { payload: undefined }), null, 2) + '\n\npayload:\n' + text;
    view.hidden = false;
  }

  async function openQueue(name) {
    current = name;
    nextToken = null;
    document.getElementById('queue-name').textContent = name;
    document.getElementById('queue-detail').hidden = false;
    document.getElementById('task-view').hidden = true;
    try { await loadTasks(false); showError(null); } catch (e) { showError(e.message); }
  }

  async function act(method, path) {
    try {
      await call(method, path);
      await loadQueues();
      if (current) await loadTasks(false);
    } catch (e) {
      showError(e.message);
    }
  }

  document.getElementById('pause').addEventListener('click', () => act('POST', api + '/' + encodeURIComponent(current) + ':pause'));
  document.getElementById('resume').addEventListener('click', () => act('POST', api + '/' + encodeURIComponent(current) + ':resume'));
  document.getElementById('purge').addEventListener('click', () => {
    if (confirm('Delete every task of ' + current + '?')) act('POST', api + '/' + encodeURIComponent(current) + ':purge');
  });
  document.getElementById('more').addEventListener('click', () => loadTasks(true).catch(e => showError(e.message)));

  loadQueues();
  setInterval(loadQueues, 5000);
})();
