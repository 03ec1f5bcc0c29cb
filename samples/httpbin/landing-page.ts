/**
 * The landing page: every endpoint, grouped as on httpbin.org, with a link to try it (GET
 * endpoints) or the method to use (the others: try them with curl or the order form).
 */
import { escapeHtml } from './respond';

export interface Endpoint {
  /** Methods, e.g. `GET` or `GET POST PUT PATCH DELETE`. */
  readonly methods: string;
  /** The route as documented, e.g. `/status/:codes`. */
  readonly route: string;
  readonly title: string;
  /** A GET example to link to (relative to the mount point). */
  readonly example?: string;
}

export const ENDPOINTS: ReadonlyArray<{ readonly group: string; readonly endpoints: readonly Endpoint[] }> = [
  {
    group: 'HTTP methods',
    endpoints: [
      { methods: 'GET', route: '/get', title: "The request's query parameters.", example: '/get?show=1&show=2' },
      { methods: 'POST', route: '/post', title: "The request's form, files, JSON or raw data." },
      { methods: 'PUT', route: '/put', title: "The request's form, files, JSON or raw data." },
      { methods: 'PATCH', route: '/patch', title: "The request's form, files, JSON or raw data." },
      { methods: 'DELETE', route: '/delete', title: "The request's form, files, JSON or raw data." },
      { methods: 'ANY', route: '/anything/:anything', title: 'Anything passed in the request, method included.', example: '/anything/you/like?x=1' },
    ],
  },
  {
    group: 'Request inspection',
    endpoints: [
      { methods: 'GET', route: '/headers', title: "The request's headers.", example: '/headers' },
      { methods: 'GET', route: '/ip', title: "The requester's IP address.", example: '/ip' },
      { methods: 'GET', route: '/user-agent', title: "The request's User-Agent header.", example: '/user-agent' },
    ],
  },
  {
    group: 'Status codes',
    endpoints: [
      { methods: 'ANY', route: '/status/:codes', title: 'A given status code, or a random one of several (`200,418:2`: weights).', example: '/status/418' },
    ],
  },
  {
    group: 'Redirects',
    endpoints: [
      { methods: 'GET', route: '/redirect/:n', title: '302 redirects n times, then /get (`?absolute=true` for absolute URLs).', example: '/redirect/3' },
      { methods: 'GET', route: '/relative-redirect/:n', title: '302 relative redirects n times.', example: '/relative-redirect/3' },
      { methods: 'GET', route: '/absolute-redirect/:n', title: '302 absolute redirects n times.', example: '/absolute-redirect/3' },
      { methods: 'ANY', route: '/redirect-to?url=&status_code=', title: 'A redirect to the given URL.', example: '/redirect-to?url=get' },
    ],
  },
  {
    group: 'Cookies',
    endpoints: [
      { methods: 'GET', route: '/cookies', title: 'The cookies sent.', example: '/cookies' },
      { methods: 'GET', route: '/cookies/set?name=value', title: 'Sets cookies, then redirects to /cookies.', example: '/cookies/set?k1=v1&k2=v2' },
      { methods: 'GET', route: '/cookies/set/:name/:value', title: 'Sets one cookie, then redirects to /cookies.', example: '/cookies/set/k3/v3' },
      { methods: 'GET', route: '/cookies/delete?name', title: 'Deletes cookies, then redirects to /cookies.', example: '/cookies/delete?k1&k2' },
    ],
  },
  {
    group: 'Auth',
    endpoints: [
      { methods: 'GET', route: '/basic-auth/:user/:passwd', title: 'Challenges HTTP Basic Auth (401 until the credentials match).', example: '/basic-auth/user/passwd' },
      { methods: 'GET', route: '/hidden-basic-auth/:user/:passwd', title: 'Basic Auth answering 404 instead of 401.', example: '/hidden-basic-auth/user/passwd' },
      { methods: 'GET', route: '/bearer', title: 'Checks a Bearer token (401 without one).', example: '/bearer' },
      { methods: 'GET', route: '/digest-auth/:qop/:user/:passwd/:algorithm', title: 'Challenges HTTP Digest Auth (qop auth or auth-int; MD5, SHA-256, SHA-512).', example: '/digest-auth/auth/user/passwd/MD5' },
    ],
  },
  {
    group: 'Response formats and encodings',
    endpoints: [
      { methods: 'GET', route: '/gzip', title: 'gzip-encoded JSON.', example: '/gzip' },
      { methods: 'GET', route: '/deflate', title: 'deflate-encoded JSON.', example: '/deflate' },
      { methods: 'GET', route: '/brotli', title: 'brotli-encoded JSON.', example: '/brotli' },
      { methods: 'GET', route: '/encoding/utf8', title: 'A UTF-8 encoded page.', example: '/encoding/utf8' },
      { methods: 'GET', route: '/html', title: 'An HTML document.', example: '/html' },
      { methods: 'GET', route: '/json', title: 'A JSON document.', example: '/json' },
      { methods: 'GET', route: '/xml', title: 'An XML document.', example: '/xml' },
      { methods: 'GET', route: '/robots.txt', title: 'robots.txt rules.', example: '/robots.txt' },
      { methods: 'GET', route: '/deny', title: 'A page denied by robots.txt.', example: '/deny' },
      { methods: 'GET', route: '/forms/post', title: 'An HTML form that posts to /post.', example: '/forms/post' },
    ],
  },
  {
    group: 'Dynamic data',
    endpoints: [
      { methods: 'GET', route: '/uuid', title: 'A UUID4.', example: '/uuid' },
      { methods: 'GET', route: '/base64/:value', title: 'Decodes a base64url-encoded string.', example: '/base64/SFRUUEJJTiBpcyBhd2Vzb21l' },
      { methods: 'GET', route: '/bytes/:n?seed=', title: 'n random bytes (at most 100 kB; a seed makes them repeatable).', example: '/bytes/1024?seed=7' },
      { methods: 'GET', route: '/stream-bytes/:n?seed=&chunk_size=', title: 'n random bytes, streamed in chunks.', example: '/stream-bytes/4096?chunk_size=512' },
      { methods: 'GET', route: '/stream/:n', title: 'n JSON lines, streamed (at most 100).', example: '/stream/5' },
      { methods: 'GET', route: '/range/:n', title: 'n bytes honouring Range requests (206, 416).', example: '/range/1024' },
      { methods: 'ANY', route: '/delay/:s', title: 'Answers after s seconds (at most 10; cancelled when the client leaves).', example: '/delay/1' },
      { methods: 'GET', route: '/drip?duration=&numbytes=&code=&delay=', title: 'Drips bytes over a duration.', example: '/drip?duration=1&numbytes=5&code=200&delay=0' },
      { methods: 'GET', route: '/links/:n/:offset', title: 'A page of n links.', example: '/links/10/0' },
    ],
  },
  {
    group: 'Caching and response headers',
    endpoints: [
      { methods: 'GET', route: '/cache', title: '304 when If-Modified-Since or If-None-Match is sent, else 200.', example: '/cache' },
      { methods: 'GET', route: '/cache/:n', title: 'Sets Cache-Control for n seconds.', example: '/cache/60' },
      { methods: 'GET', route: '/etag/:etag', title: 'Honours If-None-Match (304) and If-Match (412).', example: '/etag/abc' },
      { methods: 'GET POST', route: '/response-headers?name=value', title: 'Response headers taken from the query.', example: '/response-headers?freeform=hello&X-Sample=1' },
    ],
  },
];

/** The page, with links under `prefix` (`''` or `/httpbin`). */
export function landingPage(prefix: string): string {
  const groups = ENDPOINTS.map(({ group, endpoints }) => {
    const rows = endpoints
      .map((e) => {
        const route = escapeHtml(prefix + e.route);
        const target = e.example === undefined ? `<code>${route}</code>` : `<a href="${escapeHtml(prefix + e.example)}"><code>${route}</code></a>`;
        return `<li><span class="m">${escapeHtml(e.methods)}</span> ${target} — ${escapeHtml(e.title)}</li>`;
      })
      .join('\n');
    return `<h2>${escapeHtml(group)}</h2>\n<ul>\n${rows}\n</ul>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>httpbin — rxpulsar</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
  ul { list-style: none; padding: 0; } li { margin: .2rem 0; }
  .m { display: inline-block; min-width: 6rem; font: 12px monospace; color: #666; }
  a { color: #0645ad; }
</style>
</head>
<body>
<h1>httpbin(1): HTTP request &amp; response service</h1>
<p>A clone of <a href="https://httpbin.org/">httpbin.org</a> on the rxpulsar HTTP server: the same endpoints, the same JSON.
Try <code>curl -i http://&lt;host&gt;${escapeHtml(prefix)}/get?a=1</code>.</p>
${groups.join('\n')}
</body>
</html>
`;
}
