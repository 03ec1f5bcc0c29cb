/**
 * The sample's page: a form that queues a job over JSON-RPC, and the list of tasks, live — a
 * snapshot then every change, read from the `events` stream (Server-Sent Events). Every URL is
 * relative to `basePath`, so the page works wherever the app is mounted.
 */
import { htmlPage } from '../web/html';

/** The HTML page (no external assets). */
export function taskQueuePage(basePath: string): string {
  const base = JSON.stringify(basePath.endsWith('/') ? basePath : `${basePath}/`);
  return htmlPage({
    title: 'rxpulsar task queue',
    style: `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
  table { border-collapse: collapse; width: 100%; margin-top: 1em; }
  th, td { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; font-family: ui-monospace, monospace; font-size: 12px; }
  .SUCCESS { color: #070; } .FAILURE { color: #b00; } .REVOKED { color: #888; } .STARTED, .RECEIVED { color: #05a; } .RETRY { color: #a60; }
  input, select, button { font: inherit; }
`,
    body: `<h1>Task queue</h1>
<form id="run">
  <select id="job"></select>
  <input id="args" value="[40, 50]" size="30" title="arguments, as a JSON array">
  <button>Run</button> <span id="said"></span>
</form>
<table>
  <thead><tr><th>id</th><th>job</th><th>status</th><th>attempt</th><th>worker</th><th>from_task</th><th>result / error</th></tr></thead>
  <tbody id="tasks"></tbody>
</table>
`,
    script: `const base = ${base};
let seq = 0;
async function rpc(method, params) {
  const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: ++seq, method, params }) });
  const reply = await res.json();
  if (reply.error) throw new Error(reply.error.message + (reply.error.data ? ': ' + JSON.stringify(reply.error.data) : ''));
  return reply.result;
}
rpc('job_list', []).then((jobs) => {
  document.getElementById('job').innerHTML = jobs.map((j) => '<option>' + j.name + '</option>').join('');
  document.getElementById('job').value = 'addition';
});
document.getElementById('run').addEventListener('submit', (e) => {
  e.preventDefault();
  const said = document.getElementById('said');
  let args;
  try { args = JSON.parse(document.getElementById('args').value || '[]'); } catch (err) { said.textContent = 'arguments: ' + err.message; return; }
  rpc('run_new_task', { jobname: document.getElementById('job').value, args })
    .then((task) => { said.textContent = 'queued ' + task.id; }, (err) => { said.textContent = err.message; });
});
const rows = new Map();
const body = document.getElementById('tasks');
const cell = (text) => { const td = document.createElement('td'); td.textContent = text === undefined ? '' : text; return td; };
const events = new EventSource(base + 'events');
events.onmessage = (message) => {
  const e = JSON.parse(message.data);
  let row = rows.get(e.id);
  if (!row) {
    row = document.createElement('tr');
    rows.set(e.id, row);
    body.prepend(row);
    while (rows.size > 200) { const [id, old] = rows.entries().next().value; old.remove(); rows.delete(id); }
  }
  if (e.type !== 'status') { row.lastChild && (row.lastChild.textContent = JSON.stringify(e.progress ?? e.value)); return; }
  const outcome = e.status === 'SUCCESS' ? JSON.stringify(e.result) : e.error ? e.error.message : '';
  row.className = e.status;
  row.replaceChildren(cell(e.id), cell(e.job), cell(e.status), cell(e.attempt), cell(e.worker), cell(e.from_task), cell(outcome));
};
`,
  });
}
