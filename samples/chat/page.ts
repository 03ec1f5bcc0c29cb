/**
 * The chat's page. Names and messages are put in the page as text nodes (`textContent`), never
 * as HTML, so `<b>` in a message shows as `<b>`. The WebSocket URL is relative to the page's
 * address (the sample's base). No external assets.
 */
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from './protocol';
import { htmlPage } from '../web/html';

/** The HTML page. */
export function chatPage(): string {
  return htmlPage({
    title: 'rxpulsar chat',
    style: `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 50em; }
  input, button { font: inherit; }
  #log { list-style: none; padding: .5em; margin: 1em 0; border: 1px solid #ddd; height: 24em; overflow-y: auto; }
  #log li { white-space: pre-wrap; margin: .15em 0; }
  #log .notice { color: #777; font-style: italic; }
  #log .error { color: #b00; }
  #log .name { font-weight: bold; }
  #log time { color: #999; font-size: 11px; margin-right: .5em; }
  .hint { color: #777; font-size: 12px; }
`,
    body: `<h1>Chat</h1>
<p class="hint">status: <span id="status">connecting</span> · served by worker <span id="worker">?</span></p>
<form id="join">
  <input id="name" placeholder="your name" maxlength="${MAX_NAME_LENGTH}" required autocomplete="off">
  <button>Join</button>
</form>
<ul id="log"></ul>
<form id="say" hidden>
  <input id="text" placeholder="message" maxlength="${MAX_TEXT_LENGTH}" size="60" autocomplete="off">
  <button>Send</button>
</form>
`,
    script: `'use strict';
const $ = (id) => document.getElementById(id);
const url = new URL('ws', location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
let ws;
let retry = 0;

function line(kind, parts, time) {
  const li = document.createElement('li');
  li.className = kind;
  if (time) {
    const t = document.createElement('time');
    t.textContent = new Date(time).toLocaleTimeString();
    li.append(t);
  }
  for (const [cls, text] of parts) {
    const span = document.createElement('span');
    if (cls) span.className = cls;
    span.textContent = text; // text, never HTML
    li.append(span);
  }
  const log = $('log');
  log.append(li);
  log.scrollTop = log.scrollHeight;
}

function connect() {
  ws = new WebSocket(url);
  ws.onopen = () => { $('status').textContent = 'connected'; };
  ws.onclose = (event) => {
    $('status').textContent = 'disconnected (' + event.code + '), reconnecting';
    $('say').hidden = true;
    $('join').hidden = false;
    // Capped backoff (a restarted worker, a stopped server); joining again is the user's call.
    setTimeout(connect, Math.min(10000, 250 * 2 ** retry++));
  };
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    switch (m.type) {
      case 'welcome':
        retry = 0;
        $('status').textContent = 'ready';
        $('worker').textContent = m.worker;
        break;
      case 'joined':
        $('join').hidden = true;
        $('say').hidden = false;
        $('text').focus();
        break;
      case 'join':
        line('notice', [['name', m.name], ['', ' joined']], m.time);
        break;
      case 'leave':
        line('notice', [['name', m.name], ['', ' left']], m.time);
        break;
      case 'message':
        line('message', [['name', m.name], ['', ': '], ['text', m.text]], m.time);
        break;
      case 'error':
        line('error', [['', m.error]]);
        break;
    }
  };
}
connect();

$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('name').value;
  if (name.trim() && ws.readyState === 1) ws.send(JSON.stringify({ type: 'join', name }));
});
$('say').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (text.trim() && ws.readyState === 1) ws.send(JSON.stringify({ type: 'message', text }));
  $('text').value = '';
});
`,
  });
}
