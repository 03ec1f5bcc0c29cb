/**
 * samples/httpbin: every endpoint in process (`inject`, virtual time for `/delay` and `/drip`),
 * the landing page's links over a loopback socket, the cancellation of `/delay` when the client
 * leaves, then the sample for real — `samples/httpbin/index.ts` in a child process.
 */
import { startServer, type TestServer } from '../apps/wsgi/raw-client';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { VirtualTimeScheduler } from 'rxjs';
import { inject, type InjectOptions, type InjectResponse } from 'rxpulsar/apps/wsgi';
import { httpbinApp, type HttpbinOptions } from '../../samples/httpbin/app';
import { ENDPOINTS } from '../../samples/httpbin/landing-page';
import { ChildScript } from '../helpers/child';

/** Polls until `predicate` holds (bounded). */
async function waitFor(predicate: () => boolean, what: string, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${maxMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Timers scheduled on `scheduler` and not cancelled (an unsubscribed action stays listed, closed). */
function openTimers(scheduler: VirtualTimeScheduler): number {
  return scheduler.actions.filter((action) => !action.closed).length;
}

/** The hrefs of a page. */
function links(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** Status of a landing-page link once redirects are followed (everything else: 200). */
function expectedStatus(path: string): number {
  if (/\/(basic-auth|digest-auth)\//.test(path) || path.endsWith('/bearer')) return 401;
  if (path.includes('/hidden-basic-auth/')) return 404;
  if (path.endsWith('/status/418')) return 418;
  return 200;
}

interface Dict {
  args: Record<string, string | string[]>;
  data: string;
  files: Record<string, string | string[]>;
  form: Record<string, string | string[]>;
  headers: Record<string, string>;
  json: unknown;
  method: string;
  origin: string;
  url: string;
}

const MULTIPART = Buffer.concat([
  Buffer.from(
    '--XyZ\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="field"\r\n\r\nagain\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="upload"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello file\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="bin"; filename="b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n',
  ),
  Buffer.from([0xff, 0xfe]),
  Buffer.from('\r\n--XyZ--\r\n'),
]);

describe('samples/httpbin: every endpoint (in process)', () => {
  const scheduler = new VirtualTimeScheduler();
  const dice = { value: 0 };
  const options: HttpbinOptions = { prefix: '/httpbin', scheduler, random: () => dice.value };
  const app = httpbinApp(options);
  const get = (request: InjectOptions | string): Promise<InjectResponse> => inject(app, typeof request === 'string' ? { url: `/httpbin${request}` } : { ...request, url: `/httpbin${request.url}` });
  const json = async <T = Dict>(request: InjectOptions | string): Promise<T> => {
    const response = await get(request);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    return response.json<T>();
  };
  /** A request whose answer waits on the virtual clock: run the clock once it is waited on. */
  const timed = async (request: InjectOptions | string): Promise<{ response: InjectResponse; elapsed: number }> => {
    const start = scheduler.now();
    const pending = get(request);
    await waitFor(() => openTimers(scheduler) > 0, 'a timer');
    scheduler.flush();
    const response = await pending;
    return { response, elapsed: scheduler.now() - start };
  };

  it('should serve the landing page listing every endpoint, links under the prefix', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const hrefs = links(page.text).filter((h) => !h.startsWith('https://'));
    const examples = ENDPOINTS.flatMap((g) => g.endpoints).filter((e) => e.example !== undefined);
    expect(hrefs).toHaveLength(examples.length);
    expect(hrefs.every((h) => h.startsWith('/httpbin/'))).toBe(true);
    for (const route of ['/get', '/post', '/status/:codes', '/delay/:s', '/drip', '/digest-auth/:qop/:user/:passwd/:algorithm']) expect(page.text).toContain(`/httpbin${route}`);
  });

  it('GET /get: args (lists for repeated keys), Title-Cased headers, origin, url; HEAD has no body', async () => {
    const body = await json({ url: '/get?a=1&a=2&b=x%20y', headers: { 'user-agent': 'spec', 'x-custom-header': 'v' } });
    expect(body).toEqual({
      args: { a: ['1', '2'], b: 'x y' },
      headers: { Host: 'localhost', 'User-Agent': 'spec', 'X-Custom-Header': 'v' },
      origin: '127.0.0.1',
      url: 'http://localhost/httpbin/get?a=1&a=2&b=x%20y',
    });
    const head = await get({ method: 'HEAD', url: '/get' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await get({ method: 'POST', url: '/get' })).status).toBe(405);
  });

  it('POST /post: JSON body → data and json', async () => {
    const body = await json({ method: 'POST', url: '/post?x=1', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
    expect(body).toMatchObject({ args: { x: '1' }, data: '{"a":[1,2]}', json: { a: [1, 2] }, form: {}, files: {}, origin: '127.0.0.1', url: 'http://localhost/httpbin/post?x=1' });
    expect(body).not.toHaveProperty('method');
    expect(body.headers['Content-Type']).toBe('application/json');
  });

  it('PUT /put: a urlencoded form → form, empty data', async () => {
    const body = await json({ method: 'PUT', url: '/put', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'k=1&k=2&name=a+b' });
    expect(body).toMatchObject({ form: { k: ['1', '2'], name: 'a b' }, data: '', json: null, files: {} });
  });

  it('PATCH /patch: multipart → form and files (binary files as data: URLs)', async () => {
    const body = await json({ method: 'PATCH', url: '/patch', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: MULTIPART });
    expect(body.form).toEqual({ field: ['value', 'again'] });
    expect(body.files).toEqual({ upload: 'hello file', bin: 'data:application/octet-stream;base64,//4=' });
  });

  it('DELETE /delete: binary data as a data: URL, json null', async () => {
    const body = await json({ method: 'DELETE', url: '/delete', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 0xff, 0x10]) });
    expect(body).toMatchObject({ data: 'data:application/octet-stream;base64,AP8Q', json: null });
  });

  it('/anything and /anything/<path>: any method, the method included', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const body = await json({ method, url: '/anything/a/b?c=d', body: method === 'GET' ? undefined : 'raw' });
      expect(body).toMatchObject({ method, args: { c: 'd' }, url: 'http://localhost/httpbin/anything/a/b?c=d' });
    }
    expect(await json('/anything')).toMatchObject({ method: 'GET', data: '' });
  });

  it('/headers, /ip (X-Forwarded-For when a proxy set it), /user-agent', async () => {
    expect(await json({ url: '/headers', headers: { accept: '*/*' } })).toEqual({ headers: { Accept: '*/*', Host: 'localhost' } });
    expect(await json({ url: '/ip', remoteAddress: '10.1.2.3' })).toEqual({ origin: '10.1.2.3' });
    expect(await json({ url: '/ip', headers: { 'x-forwarded-for': '1.2.3.4, 10.0.0.1' } })).toEqual({ origin: '1.2.3.4, 10.0.0.1' });
    expect(await json({ url: '/user-agent', headers: { 'user-agent': 'curl/8' } })).toEqual({ 'user-agent': 'curl/8' });
  });

  it('/status/<code>: that status, with httpbin extras; any method', async () => {
    const teapot = await get('/status/418');
    expect(teapot.status).toBe(418);
    expect(teapot.text).toContain('teapot');
    expect(teapot.headers['x-more-info']).toMatch(/rfc2324/);
    expect((await get({ method: 'POST', url: '/status/201' })).status).toBe(201);
    expect((await get({ method: 'DELETE', url: '/status/204' })).status).toBe(204);
    const moved = await get('/status/302');
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe('/httpbin/redirect/1');
    expect((await get('/status/401')).headers['www-authenticate']).toBe('Basic realm="Fake Realm"');
    expect((await get('/status/407')).headers['proxy-authenticate']).toBe('Basic realm="Fake Realm"');
    expect(JSON.parse((await get('/status/406')).text)).toMatchObject({ message: expect.stringContaining('media type') });
  });

  it('/status/<a,b:w>: a weighted random choice (injected dice); bad codes are 400', async () => {
    dice.value = 0;
    expect((await get('/status/200,500')).status).toBe(200);
    dice.value = 0.99;
    expect((await get('/status/200,500')).status).toBe(500);
    // Weights 1 and 3: a roll of 0.3 of 4 falls in the second code's share.
    dice.value = 0.3;
    expect((await get('/status/201:1,202:3')).status).toBe(202);
    dice.value = 0.2;
    expect((await get('/status/201:1,202:3')).status).toBe(201);
    for (const bad of ['/status/abc', '/status/99', '/status/600', '/status/200:x', '/status/200:0']) expect((await get(bad)).status).toBe(400);
  });

  it('/redirect/<n>, /relative-redirect/<n>, /absolute-redirect/<n>, /redirect-to', async () => {
    const location = async (path: string): Promise<[number, string | readonly string[] | undefined]> => {
      const response = await get(path);
      return [response.status, response.headers.location];
    };
    expect(await location('/redirect/3')).toEqual([302, '/httpbin/relative-redirect/2']);
    expect(await location('/redirect/1')).toEqual([302, '/httpbin/get']);
    expect(await location('/redirect/3?absolute=true')).toEqual([302, 'http://localhost/httpbin/absolute-redirect/2']);
    expect(await location('/relative-redirect/2')).toEqual([302, '/httpbin/relative-redirect/1']);
    expect(await location('/relative-redirect/1')).toEqual([302, '/httpbin/get']);
    expect(await location('/absolute-redirect/2')).toEqual([302, 'http://localhost/httpbin/absolute-redirect/1']);
    expect(await location('/absolute-redirect/1')).toEqual([302, 'http://localhost/httpbin/get']);
    expect((await get('/redirect/0')).status).toBe(404);
    expect(await location('/redirect-to?url=http%3A%2F%2F127.0.0.1%2Fx&status_code=307')).toEqual([307, 'http://127.0.0.1/x']);
    expect(await location('/redirect-to?url=/elsewhere&status_code=200')).toEqual([302, '/elsewhere']);
    expect((await get('/redirect-to')).status).toBe(400);
  });

  it('/cookies, /cookies/set, /cookies/set/<n>/<v>, /cookies/delete: every Set-Cookie sent', async () => {
    expect(await json({ url: '/cookies', headers: { cookie: 'a=1; b=two' } })).toEqual({ cookies: { a: '1', b: 'two' } });
    const set = await get('/cookies/set?k1=v1&k2=v2');
    expect(set.status).toBe(302);
    expect(set.headers.location).toBe('/httpbin/cookies');
    expect(set.headers['set-cookie']).toEqual(['k1=v1; Path=/httpbin', 'k2=v2; Path=/httpbin']);
    const one = await get('/cookies/set/k3/v3');
    expect(one.headers['set-cookie']).toBe('k3=v3; Path=/httpbin');
    const deleted = await get('/cookies/delete?k1&k2');
    expect(deleted.status).toBe(302);
    expect(deleted.headers['set-cookie']).toEqual([expect.stringMatching(/^k1=; Max-Age=0; Expires=Thu, 01 Jan 1970/), expect.stringMatching(/^k2=; Max-Age=0/)]);
    expect((await get('/cookies/set?bad%20name=1')).status).toBe(400);
  });

  it('/basic-auth, /hidden-basic-auth, /bearer', async () => {
    const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const denied = await get('/basic-auth/user/passwd');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="Fake Realm"');
    expect((await get({ url: '/basic-auth/user/passwd', headers: basic('user', 'wrong') })).status).toBe(401);
    expect(await json({ url: '/basic-auth/user/passwd', headers: basic('user', 'passwd') })).toEqual({ authenticated: true, user: 'user' });
    expect((await get('/hidden-basic-auth/user/passwd')).status).toBe(404);
    expect(await json({ url: '/hidden-basic-auth/user/passwd', headers: basic('user', 'passwd') })).toEqual({ authenticated: true, user: 'user' });
    const noToken = await get('/bearer');
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toBe('Bearer');
    expect(await json({ url: '/bearer', headers: { authorization: 'Bearer abc.def' } })).toEqual({ authenticated: true, token: 'abc.def' });
  });

  it('/digest-auth/<qop>/<user>/<passwd>[/<algorithm>]: RFC 7616 challenge and check (broken in pulsar)', async () => {
    const hash = (algorithm: string, text: string): string => createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(text).digest('hex');
    const attempt = async (qop: string, algorithm: string, password: string, method = 'GET', body?: string): Promise<InjectResponse> => {
      const uri = `/httpbin/digest-auth/${qop}/user/passwd/${algorithm}`;
      const challenge = await get({ method, url: uri.slice('/httpbin'.length), body });
      expect(challenge.status).toBe(401);
      const header = String(challenge.headers['www-authenticate']);
      expect(header).toMatch(new RegExp(`^Digest realm="[^"]+", nonce="[0-9a-f]+", qop="${qop}", opaque="[0-9a-f]+", algorithm=${algorithm}`));
      const realm = /realm="([^"]+)"/.exec(header)![1];
      const nonce = /nonce="([^"]+)"/.exec(header)![1];
      const ha1 = hash(algorithm, `user:${realm}:${password}`);
      const ha2 = qop === 'auth-int' ? hash(algorithm, `${method}:${uri}:${hash(algorithm, body ?? '')}`) : hash(algorithm, `${method}:${uri}`);
      const response = hash(algorithm, `${ha1}:${nonce}:00000001:0a4f113b:${qop}:${ha2}`);
      const authorization = `Digest username="user", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=${qop}, nc=00000001, cnonce="0a4f113b", response="${response}", opaque="x"`;
      return get({ method, url: uri.slice('/httpbin'.length), headers: { authorization }, body });
    };
    const ok = await attempt('auth', 'MD5', 'passwd');
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ authenticated: true, user: 'user' });
    expect((await attempt('auth', 'MD5', 'wrong')).status).toBe(401);
    expect((await attempt('auth', 'SHA-256', 'passwd')).status).toBe(200);
    expect((await attempt('auth-int', 'MD5', 'passwd', 'POST', 'the body')).status).toBe(200);
    // Without the algorithm segment: MD5.
    expect((await get('/digest-auth/auth/user/passwd')).headers['www-authenticate']).toMatch(/algorithm=MD5/);
    expect((await get('/digest-auth/nope/user/passwd')).status).toBe(404);
  });

  it('/gzip, /deflate, /brotli: always encoded', async () => {
    const gzip = await get({ url: '/gzip', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toMatchObject({ gzipped: true, method: 'GET', origin: '127.0.0.1', headers: { 'Accept-Encoding': 'gzip' } });
    const deflate = await get('/deflate');
    expect(deflate.headers['content-encoding']).toBe('deflate');
    expect(JSON.parse(inflateSync(deflate.body).toString())).toMatchObject({ deflated: true });
    const brotli = await get('/brotli');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(brotli.body).toString())).toMatchObject({ brotli: true });
  });

  it('/base64/<value>, /encoding/utf8', async () => {
    expect((await get('/base64/SFRUUEJJTiBpcyBhd2Vzb21l')).text).toBe('HTTPBIN is awesome');
    expect((await get('/base64/aGk_Pz8-')).text).toBe('hi???>');
    expect((await get('/base64/%25%25%25')).text).toMatch(/^Incorrect Base64 data/);
    const utf8 = await get('/encoding/utf8');
    expect(utf8.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(utf8.text).toContain('∮ E⋅da = Q');
  });

  it('/html, /json, /xml, /robots.txt, /deny, /forms/post', async () => {
    expect((await get('/html')).text).toContain('<h1>Herman Melville - Moby-Dick</h1>');
    expect(await json<{ slideshow: { title: string } }>('/json')).toMatchObject({ slideshow: { title: 'Sample Slide Show' } });
    const xml = await get('/xml');
    expect(xml.headers['content-type']).toBe('application/xml');
    expect(xml.text).toContain('<slideshow');
    expect((await get('/robots.txt')).text).toBe('User-agent: *\nDisallow: /httpbin/deny\n');
    expect((await get('/deny')).text).toContain("YOU SHOULDN'T BE HERE");
    expect((await get('/forms/post')).text).toContain('<form method="post" action="/httpbin/post">');
  });

  it('/uuid', async () => {
    const { uuid } = await json<{ uuid: string }>('/uuid');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('/bytes/<n> and /stream-bytes/<n>: seeded bytes repeat, the stream is chunked, 100 kB cap', async () => {
    const a = await get('/bytes/64?seed=42');
    expect(a.headers['content-type']).toBe('application/octet-stream');
    expect(a.body.length).toBe(64);
    expect((await get('/bytes/64?seed=42')).body).toEqual(a.body);
    expect((await get('/bytes/64?seed=43')).body).not.toEqual(a.body);
    expect((await get('/bytes/1000000')).body.length).toBe(100 * 1024);
    const streamed = await get('/stream-bytes/64?seed=42&chunk_size=10');
    expect(streamed.headers['transfer-encoding']).toBe('chunked');
    expect(streamed.body).toEqual(a.body);
    expect((await get('/stream-bytes/64?chunk_size=x')).status).toBe(400);
  });

  it('/stream/<n>: n JSON lines, streamed; at most 100', async () => {
    const response = await get('/stream/3?k=v');
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const lines = response.text.trimEnd().split('\n').map((l) => JSON.parse(l) as Dict & { id: number });
    expect(lines.map((l) => l.id)).toEqual([0, 1, 2]);
    expect(lines[0]).toMatchObject({ args: { k: 'v' }, url: 'http://localhost/httpbin/stream/3?k=v', origin: '127.0.0.1', headers: { Host: 'localhost' } });
    expect((await get('/stream/500')).text.trimEnd().split('\n')).toHaveLength(100);
  });

  it('/range/<n>: 200 whole, 206 for a range (suffix too), 416 when unsatisfiable', async () => {
    const whole = await get('/range/30');
    expect(whole.status).toBe(200);
    expect(whole.text).toBe('abcdefghijklmnopqrstuvwxyzabcd');
    expect(whole.headers).toMatchObject({ 'accept-ranges': 'bytes', etag: '"range30"', 'content-length': '30' });
    const part = await get({ url: '/range/30', headers: { range: 'bytes=10-14' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe('klmno');
    expect(part.headers['content-range']).toBe('bytes 10-14/30');
    const suffix = await get({ url: '/range/30', headers: { range: 'bytes=-4' } });
    expect([suffix.status, suffix.text, suffix.headers['content-range']]).toEqual([206, 'abcd', 'bytes 26-29/30']);
    const open = await get({ url: '/range/30', headers: { range: 'bytes=28-' } });
    expect(open.text).toBe('cd');
    const bad = await get({ url: '/range/30', headers: { range: 'bytes=40-50' } });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe('bytes */30');
    expect((await get('/range/200000')).status).toBe(404);
  });

  it('/range/<n>?duration=: the chunks are spread over the duration (virtual time)', async () => {
    const { response, elapsed } = await timed('/range/40?chunk_size=10&duration=2');
    expect(response.text).toBe('abcdefghijklmnopqrstuvwxyzabcdefghijklmn');
    expect(elapsed).toBe(1500); // 4 chunks, one every 500 ms from the start
  });

  it('/delay/<s>: answers after s seconds of the injected clock, at most 10', async () => {
    const { response, elapsed } = await timed('/delay/3?x=1');
    expect(elapsed).toBe(3000);
    expect(response.json()).toMatchObject({ args: { x: '1' }, data: '', form: {}, files: {}, url: 'http://localhost/httpbin/delay/3?x=1' });
    expect((await timed('/delay/60')).elapsed).toBe(10_000);
    expect((await timed('/delay/0.25')).elapsed).toBe(250);
    const posted = await timed({ method: 'POST', url: '/delay/1', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(posted.response.json()).toMatchObject({ json: { a: 1 } });
    expect((await get('/delay/abc')).status).toBe(400);
  });

  it('/drip: numbytes over duration after delay, with the status asked for (virtual time)', async () => {
    const { response, elapsed } = await timed('/drip?duration=2&numbytes=5&code=201&delay=1');
    expect(response.status).toBe(201);
    expect(response.text).toBe('*****');
    expect(response.headers['content-length']).toBe('5');
    expect(elapsed).toBe(1000 + 1600); // first byte at 1 s, then one every 400 ms
    const big = await timed('/drip?duration=1&numbytes=100000');
    expect(big.response.body.length).toBe(100_000);
    expect((await get('/drip?numbytes=0')).status).toBe(400);
  });

  it('/cache, /cache/<n>, /etag/<etag>', async () => {
    const fresh = await get('/cache');
    expect(fresh.status).toBe(200);
    expect(fresh.headers['last-modified']).toMatch(/GMT$/);
    expect(fresh.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await get({ url: '/cache', headers: { 'if-modified-since': String(fresh.headers['last-modified']) } })).status).toBe(304);
    expect((await get({ url: '/cache', headers: { 'if-none-match': String(fresh.headers.etag) } })).status).toBe(304);
    expect((await get('/cache/60')).headers['cache-control']).toBe('public, max-age=60');
    const tagged = await get('/etag/abc');
    expect(tagged.status).toBe(200);
    expect(tagged.headers.etag).toBe('"abc"');
    expect((await get({ url: '/etag/abc', headers: { 'if-none-match': '"x", "abc"' } })).status).toBe(304);
    expect((await get({ url: '/etag/abc', headers: { 'if-none-match': 'W/"abc"' } })).status).toBe(304);
    expect((await get({ url: '/etag/abc', headers: { 'if-none-match': '"x"' } })).status).toBe(200);
    expect((await get({ url: '/etag/abc', headers: { 'if-match': '"x"' } })).status).toBe(412);
    expect((await get({ url: '/etag/abc', headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await get('/etag/a%0d%0aSet-Cookie:%20x=1')).status).toBe(400);
  });

  it('/response-headers: headers from the query, listed in the body with its own length', async () => {
    const response = await get('/response-headers?freeform=hello&X-Two=1&X-Two=2');
    expect(response.headers.freeform).toBe('hello');
    expect(response.headers['x-two']).toEqual(['1', '2']);
    const body = response.json<Record<string, unknown>>();
    expect(body).toEqual({ 'Content-Type': 'application/json', freeform: 'hello', 'X-Two': ['1', '2'], 'Content-Length': String(response.body.length) });
    expect((await get({ method: 'POST', url: '/response-headers?a=b' })).headers.a).toBe('b');
    expect((await get('/response-headers?Content-Length=1')).status).toBe(400);
    expect((await get('/response-headers?bad%20name=1')).status).toBe(400);
    expect((await get('/response-headers?x=a%0d%0ab')).status).toBe(400);
  });

  it('/links/<n>/<offset>, /links/<n>', async () => {
    const page = await get('/links/5/2');
    expect(links(page.text.replace(/'/g, '"'))).toEqual(['/httpbin/links/5/0', '/httpbin/links/5/1', '/httpbin/links/5/3', '/httpbin/links/5/4']);
    const moved = await get('/links/5');
    expect([moved.status, moved.headers.location]).toEqual([302, '/httpbin/links/5/0']);
  });

  it('CORS on every answer (credentials: the origin is echoed); errors negotiated with Accept', async () => {
    const response = await get({ url: '/get', headers: { origin: 'http://app.example' } });
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': 'http://app.example', 'access-control-allow-credentials': 'true' });
    const preflight = await get({ method: 'OPTIONS', url: '/post', headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    const missing = await get({ url: '/nope', headers: { accept: 'application/json', origin: 'http://app.example' } });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ status: 404 });
    expect(missing.headers['access-control-allow-origin']).toBe('http://app.example');
  });

  it('should serve at the root without a prefix', async () => {
    const root = httpbinApp();
    expect((await inject(root, '/')).text).toContain('href="/get?show=1&amp;show=2"');
    expect((await inject(root, '/redirect/2')).headers.location).toBe('/relative-redirect/1');
    expect((await inject(root, '/get')).json()).toMatchObject({ url: 'http://localhost/get' });
  });
});

describe('samples/httpbin: over a loopback socket', () => {
  let server: TestServer;
  let port: number;
  const scheduler = new VirtualTimeScheduler();
  let current = httpbinApp({ prefix: '/httpbin', scheduler });

  beforeAll(async () => {
    server = await startServer({ serve: (request, exchange) => current.serve(request, exchange) });
    port = server.port;
  });

  afterAll(() => server.close());

  it('should cancel /delay when the client disconnects (its timer is cleared at once)', async () => {
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    let answered = false;
    client.on('data', () => (answered = true));
    client.write('GET /httpbin/delay/10 HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => openTimers(scheduler) === 1, 'the delay timer');
    client.destroy();
    await waitFor(() => openTimers(scheduler) === 0, 'the timer cleared');
    expect(answered).toBe(false);
  });

  it("should answer every link of the landing page (redirects followed) with its expected status", async () => {
    // No waiting: /delay and /drip are capped to 0 s here.
    current = httpbinApp({ prefix: '/httpbin', maxDelay: 0 });
    const base = `http://127.0.0.1:${port}`;
    const page = await (await fetch(`${base}/httpbin/`, { signal: AbortSignal.timeout(10_000) })).text();
    const hrefs = links(page).filter((h) => h.startsWith('/httpbin/'));
    expect(hrefs.length).toBeGreaterThan(40);
    const results = [];
    for (const href of hrefs) {
      const response = await fetch(base + href, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      results.push([href, response.status]);
    }
    expect(results).toEqual(hrefs.map((href) => [href, expectedStatus(href)]));
  });
});

describe('samples/httpbin: samples/httpbin/index.ts (child process)', () => {
  let child: ChildScript | undefined;
  afterAll(() => child?.kill());

  it('should serve httpbin over HTTP, every landing link included, then exit 0 on SIGTERM', async () => {
    const c = (child = new ChildScript('samples/httpbin/index.ts', ['--bind', '127.0.0.1:0', '--workers', '1']));
    const url = await c.url();
    const base = url.replace(/\/$/, '');
    const signal = (): AbortSignal => AbortSignal.timeout(15_000);

    const got = (await (await fetch(`${base}/get?x=1`, { headers: { 'user-agent': 'spec' }, signal: signal() })).json()) as Dict;
    expect(got).toMatchObject({ args: { x: '1' }, origin: '127.0.0.1', url: `${base}/get?x=1`, headers: { 'User-Agent': 'spec' } });

    const form = new FormData();
    form.append('field', 'value');
    form.append('upload', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');
    const posted = (await (await fetch(`${base}/post`, { method: 'POST', body: form, signal: signal() })).json()) as Dict;
    expect(posted).toMatchObject({ form: { field: 'value' }, files: { upload: 'file body' }, data: '' });

    const gzip = await fetch(`${base}/gzip`, { signal: signal() });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(await gzip.json()).toMatchObject({ gzipped: true });

    const stream = await fetch(`${base}/stream/3`, { signal: signal() });
    expect(stream.headers.get('transfer-encoding')).toBe('chunked');
    expect((await stream.text()).trimEnd().split('\n')).toHaveLength(3);

    // The landing page's links, on the real server and its real clock (/delay/1, /drip 1 s).
    const page = await (await fetch(`${base}/`, { signal: signal() })).text();
    const hrefs = links(page).filter((h) => h.startsWith('/'));
    const results = [];
    for (const href of hrefs) {
      const response = await fetch(base + href, { signal: signal() });
      await response.arrayBuffer();
      results.push([href, response.status]);
    }
    expect(results).toEqual(hrefs.map((href) => [href, expectedStatus(href)]));

    c.child.kill('SIGTERM');
    expect((await c.exited).code).toBe(0);
  }, 60_000);
});
