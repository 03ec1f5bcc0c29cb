/**
 * The graph's page: a canvas plotting the points pushed on the `data` WebSocket (no library, no
 * CDN), and a box to try the `echo` WebSocket. URLs are relative to the page's address (the
 * sample's base), so the page works wherever the sample is mounted.
 */
import { htmlPage } from '../web/html';

/** Points kept on the plot. */
export const GRAPH_WINDOW = 200;

/** The HTML page. */
export function graphPage(): string {
  return htmlPage({
    title: 'rxpulsar websocket graph',
    style: `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
  canvas { border: 1px solid #ccc; background: #fff; width: 100%; max-width: 800px; height: auto; display: block; }
  .stats span { font-family: ui-monospace, monospace; margin-right: 1.5em; }
  input, button { font: inherit; }
`,
    body: `<h1>WebSocket graph</h1>
<p class="stats">
  <span>status: <b id="status">connecting</b></span>
  <span>points: <b id="count">0</b></span>
  <span>last: <b id="last">–</b></span>
</p>
<canvas id="plot" width="800" height="300"></canvas>
<h2>Echo</h2>
<form id="echo">
  <input id="echo-text" value="Hi there!" size="30"> <button>Send</button>
  <span>reply: <b id="echo-reply"></b></span>
</form>
`,
    script: `'use strict';
const WINDOW = ${GRAPH_WINDOW};
const points = [];
let count = 0;
const $ = (id) => document.getElementById(id);
const canvas = $('plot');
const g = canvas.getContext('2d');

function socketUrl(path) {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

function draw() {
  const w = canvas.width, h = canvas.height, pad = 20;
  g.clearRect(0, 0, w, h);
  if (points.length === 0) return;
  let min = Infinity, max = -Infinity;
  for (const p of points) { if (p.v < min) min = p.v; if (p.v > max) max = p.v; }
  if (max - min < 1e-9) { min -= 1; max += 1; }
  const x = (k) => pad + (k * (w - 2 * pad)) / (WINDOW - 1);
  const y = (v) => h - pad - ((v - min) * (h - 2 * pad)) / (max - min);
  g.strokeStyle = '#ddd';
  g.beginPath(); g.moveTo(pad, y(0)); g.lineTo(w - pad, y(0)); g.stroke();
  g.fillStyle = '#888'; g.font = '11px sans-serif';
  g.fillText(max.toFixed(2), 2, pad - 6); g.fillText(min.toFixed(2), 2, h - 4);
  g.strokeStyle = '#05a'; g.lineWidth = 1.5;
  g.beginPath();
  points.forEach((p, k) => (k === 0 ? g.moveTo(x(k), y(p.v)) : g.lineTo(x(k), y(p.v))));
  g.stroke();
}

let retry = 0;
function connect() {
  const ws = new WebSocket(socketUrl('data'));
  ws.onopen = () => { retry = 0; $('status').textContent = 'live'; };
  ws.onmessage = (event) => {
    const point = JSON.parse(event.data);
    points.push(point);
    if (points.length > WINDOW) points.shift();
    count++;
    $('count').textContent = String(count);
    $('last').textContent = point.v.toFixed(4);
    requestAnimationFrame(draw);
  };
  ws.onclose = () => {
    $('status').textContent = 'closed, reconnecting';
    // Capped backoff: a stopped server is not hammered.
    setTimeout(connect, Math.min(10000, 250 * 2 ** retry++));
  };
}
connect();

let echo;
$('echo').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('echo-text').value;
  if (!echo || echo.readyState > 1) {
    echo = new WebSocket(socketUrl('echo'));
    echo.onmessage = (e) => { $('echo-reply').textContent = String(e.data); };
  }
  if (echo.readyState === 1) echo.send(text);
  else echo.addEventListener('open', () => echo.send(text), { once: true });
});
`,
  });
}
