/** The page a browser gets when it asks the proxy itself for a page. */
export function infoPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>proxyserver — rxpulsar</title>
<style>body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem; } code, pre { background: #f4f4f4; }</style>
</head>
<body>
<h1>Forward proxy</h1>
<p>This is an HTTP forward proxy on the rxpulsar HTTP server. Point a client at this server as its proxy:</p>
<pre>curl -x http://&lt;this host:port&gt; http://example.org/
curl -x http://&lt;this host:port&gt; https://example.org/     # through a CONNECT tunnel</pre>
<ul>
<li>Absolute-form requests (<code>GET http://host/path HTTP/1.1</code>) are forwarded with undici; request and response bodies stream both ways.</li>
<li><code>CONNECT host:port</code> opens a TCP tunnel (HTTPS, WebSocket over TLS, anything).</li>
<li>Hop-by-hop headers are removed; <code>X-Forwarded-For</code> and <code>Via</code> are added; more headers can be added or removed with <code>--proxy-add-headers</code>, <code>--proxy-remove-headers</code> and their response counterparts.</li>
</ul>
</body>
</html>
`;
}
