/**
 * The calculator's page: a form that calls a method over HTTP POST (fetch) or over the WebSocket,
 * and shows the request and the reply. Every URL is relative to the page's own address (the
 * sample's base), so the page works wherever the sample is mounted. No external assets.
 */
import { htmlPage } from '../web/html';

/** The HTML page. */
export function calculatorPage(): string {
  return htmlPage({
    title: 'rxpulsar calculator',
    style: `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 52em; }
  input, select, button { font: inherit; }
  input.num { width: 8em; }
  pre { background: #f5f5f5; padding: .6em; white-space: pre-wrap; word-break: break-all; }
  .error { color: #b00; }
  label { margin-right: 1em; }
`,
    body: `<h1>JSON-RPC calculator</h1>
<p>JSON-RPC 2.0 by <code>POST</code> to this page’s address, and over the WebSocket <code>ws</code> next to it.</p>
<form id="call">
  <select id="method">
    <option>calc.add</option><option>calc.subtract</option><option>calc.multiply</option><option>calc.divide</option>
    <option>calc.randompaths</option><option>ping</option><option>echo</option><option>server_info</option><option>functions_list</option>
  </select>
  <input id="a" class="num" value="3" title="a"> <input id="b" class="num" value="7" title="b">
  <label><input type="radio" name="transport" value="http" checked> HTTP</label>
  <label><input type="radio" name="transport" value="ws"> WebSocket</label>
  <button id="go">Call</button>
</form>
<p>Result: <output id="result"></output></p>
<h3>Request</h3><pre id="request"></pre>
<h3>Reply</h3><pre id="reply"></pre>
`,
    script: `'use strict';
let seq = 0;
let socket;
const pending = new Map();
const $ = (id) => document.getElementById(id);

function params(method) {
  const a = Number($('a').value), b = Number($('b').value);
  if (method.startsWith('calc.') && method !== 'calc.randompaths') return [a, b];
  if (method === 'calc.randompaths') return { num_paths: a || 1, size: b || 10 };
  if (method === 'echo') return [$('a').value];
  return [];
}

function overHttp(body) {
  return fetch(new URL('.', location.href), { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    .then((res) => res.json());
}

function openSocket() {
  if (socket && socket.readyState <= 1) return socket;
  const url = new URL('ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(url);
  socket.onmessage = (event) => {
    const reply = JSON.parse(event.data);
    const done = pending.get(reply.id);
    if (done) { pending.delete(reply.id); done(reply); }
  };
  socket.onclose = () => {
    for (const done of pending.values()) done({ error: { code: 0, message: 'WebSocket closed' } });
    pending.clear();
  };
  return socket;
}

function overWebSocket(body, id) {
  const ws = openSocket();
  return new Promise((resolve) => {
    pending.set(id, resolve);
    if (ws.readyState === 1) ws.send(body);
    else ws.addEventListener('open', () => ws.send(body), { once: true });
  });
}

$('call').addEventListener('submit', (event) => {
  event.preventDefault();
  const method = $('method').value;
  const id = ++seq;
  const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: params(method) });
  $('request').textContent = body;
  const transport = document.querySelector('input[name=transport]:checked').value;
  (transport === 'ws' ? overWebSocket(body, id) : overHttp(body)).then((reply) => {
    $('reply').textContent = JSON.stringify(reply, null, 2);
    const result = $('result');
    result.className = reply.error ? 'error' : '';
    result.textContent = reply.error ? reply.error.message + (reply.error.data ? ' (' + JSON.stringify(reply.error.data) + ')' : '') : JSON.stringify(reply.result);
  }, (error) => { $('result').className = 'error'; $('result').textContent = String(error); });
});
`,
  });
}
