/**
 * The dashboard page: a live table of the actor tree, fed over a WebSocket by the showcase
 * (snapshots every second, lifecycle events as they happen), with buttons to add or remove a
 * worker and to restart one. Plain HTML and DOM code: nothing to build.
 */
import { htmlPage } from '../web/html';
export function dashboardPage(wsPath: string): string {
  return htmlPage({
    title: 'rxpulsar dashboard',
    style: `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid #ddd; font-variant-numeric: tabular-nums; }
  th { background: #f4f4f4; }
  .state-running { color: #17803d; } .state-restarting, .state-spawning, .state-stopping { color: #b26b00; } .state-escalated { color: #b00020; }
  button { margin-right: .3rem; }
  #status { float: right; } #log { height: 12rem; overflow: auto; background: #fafafa; border: 1px solid #ddd; padding: .4rem; font: 12px monospace; }
  a { color: #0645ad; }
`,
    body: `<h1>rxpulsar dashboard <span id="status">connecting…</span></h1>
<p><a href="../">← all samples</a></p>
<div id="arbiter"></div>
<div id="monitors"></div>
<h2>Events</h2>
<div id="log"></div>
`,
    script: `(function () {
  const last = new Map();
  let lastTasks;
  const fmtBytes = (n) => n === undefined ? '—' : (n / 1048576).toFixed(1) + ' MB';
  const fmt = (n, d) => n === undefined ? '—' : Number(n).toFixed(d);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  function rate(key, value, time) {
    const prev = last.get(key);
    last.set(key, { value, time });
    if (!prev || value === undefined || time <= prev.time) return undefined;
    return Math.max(0, (value - prev.value) / ((time - prev.time) / 1000));
  }
  function render(s) {
    const a = s.arbiter;
    let tasks = '';
    if (s.tasks) { const r = lastTasks ? (s.tasks.done - lastTasks.done) / ((s.time - lastTasks.time) / 1000) : undefined; lastTasks = { done: s.tasks.done, time: s.time }; tasks = ' · tasks/s ' + fmt(r, 1); }
    document.getElementById('arbiter').innerHTML = '<h2>arbiter</h2><p id="arbiter-line">pid ' + a.pid + ' · up ' + fmt(a.uptime, 0) + ' s · ' + fmtBytes(a.rss) + ' · loop lag ' + fmt(a.loopLag, 2) + ' ms · rxpulsar ' + esc(a.version) + tasks + '</p>';
    const groups = s.monitors.map((m) => ({ title: 'monitor ' + m.name, monitor: m.name, size: m.size, concurrency: m.concurrency, workers: m.workers }));
    if (s.actors.length) groups.push({ title: 'spawned actors', workers: s.actors });
    document.getElementById('monitors').innerHTML = groups.map((g) => {
      const buttons = g.monitor ? ' <button data-action="add" data-monitor="' + esc(g.monitor) + '">add worker</button><button data-action="remove" data-monitor="' + esc(g.monitor) + '">remove worker</button>' : '';
      const rows = g.workers.map((w) => '<tr class="worker" data-aid="' + esc(w.aid) + '"><td>' + esc(w.name) + '(' + esc(w.aid) + ')</td><td class="state-' + esc(w.state) + '">' + esc(w.state) + '</td><td>' + esc(w.concurrency) + '</td><td>' + (w.pid ?? '—') + (w.threadId ? ' / t' + w.threadId : '') + '</td><td>' + fmt(w.uptime, 0) + ' s</td><td>' + fmtBytes(w.rss) + '</td><td>' + fmtBytes(w.heapUsed) + '</td><td>' + fmt(w.loopLag, 2) + ' ms</td><td>' + (w.requests ?? '—') + '</td><td>' + fmt(rate(w.aid, w.requests, s.time), 1) + '</td><td>' + w.restarts + '</td><td>' + (g.monitor ? '<button data-action="restart" data-monitor="' + esc(g.monitor) + '" data-aid="' + esc(w.aid) + '">restart</button>' : '') + '</td></tr>').join('');
      return '<h2 class="group">' + esc(g.title) + (g.size ? ' <small>(' + g.size + ' × ' + esc(g.concurrency) + ')</small>' : '') + buttons + '</h2><table><thead><tr><th>actor</th><th>state</th><th>concurrency</th><th>pid / thread</th><th>uptime</th><th>rss</th><th>heap</th><th>loop lag</th><th>requests</th><th>req/s</th><th>restarts</th><th></th></tr></thead><tbody>' + rows + '</tbody></table>';
    }).join('');
  }
  function log(text) {
    const el = document.getElementById('log');
    const line = document.createElement('div');
    line.textContent = new Date().toLocaleTimeString() + '  ' + text;
    el.prepend(line);
  }
  let ws;
  function connect() {
    const url = new URL(${JSON.stringify(wsPath)}, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(url);
    ws.onopen = () => { document.getElementById('status').textContent = 'live'; };
    ws.onclose = () => { document.getElementById('status').textContent = 'reconnecting…'; setTimeout(connect, 1000); };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.type === 'snapshot') render(msg.data);
      else if (msg.type === 'event') log(msg.data.type + ' ' + msg.data.name + '(' + msg.data.aid + ')' + (msg.data.reason ? ': ' + msg.data.reason : ''));
      else if (msg.type === 'done') log(msg.data);
      else if (msg.type === 'error') log('error: ' + msg.data);
    };
  }
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b || !ws || ws.readyState !== 1) return;
    const m = b.dataset.monitor;
    if (b.dataset.action === 'add') ws.send(JSON.stringify({ action: 'scale', monitor: m, delta: 1 }));
    if (b.dataset.action === 'remove') ws.send(JSON.stringify({ action: 'scale', monitor: m, delta: -1 }));
    if (b.dataset.action === 'restart') ws.send(JSON.stringify({ action: 'restart', monitor: m, aid: b.dataset.aid }));
  });
  connect();
})();
`,
  });
}
