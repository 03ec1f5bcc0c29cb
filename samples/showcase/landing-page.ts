import { escapeHtml as esc, htmlPage } from '../web/html';

/** The showcase's landing page: one link per hosted sample, plus the dashboard. */
export interface LandingLink {
  readonly href: string;
  readonly title: string;
  readonly text: string;
}

export function landingPage(links: readonly LandingLink[], version: string): string {
  const items = links.map((l) => `<li><a href="${esc(l.href)}">${esc(l.title)}</a> — ${esc(l.text)}</li>`).join('\n    ');
  return htmlPage({
    title: 'rxpulsar showcase',
    style: `body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; color: #222; } a { color: #0645ad; } code { background: #f4f4f4; padding: 0 .2rem; }`,
    body: `<h1>rxpulsar showcase</h1>
<p>One rxpulsar server (version ${esc(version)}) hosting every web sample: HTTP workers supervised by the arbiter,
WebSocket and JSON-RPC routes, a task queue with its own workers, and a live view of the actor tree.</p>
<ul>
    ${items}
</ul>
<p>Run any sample on its own with <code>npm run sample -- &lt;name&gt; --bind 127.0.0.1:0</code>.</p>
`,
  });
}
