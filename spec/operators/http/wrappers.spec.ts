/**
 * Request/response wrappers: query, cookies, headers, bodies (JSON, urlencoded, multipart),
 * error pages and statuses.
 */
import { toArray, lastValueFrom } from 'rxjs';
import {
  EMPTY_BODY,
  RequestBody,
  errorResponse,
  headersOf,
  httpError,
  parseCookies,
  parseMultipart,
  parseQuery,
  preferredEncoding,
  preferredType,
  serializeCookie,
  statusOf,
  HttpRequest,
  HttpResponse,
  type BodyFlowControl,
  type RequestContext,
} from 'rxpulsar/operators';
import { createError } from 'rxpulsar';

const context: RequestContext = {
  connection: { remoteAddress: '10.0.0.1', remotePort: 5555, localAddress: '127.0.0.1', localPort: 80, encrypted: false },
  abortSignal: () => new AbortController().signal,
};

function request(url: string, headers: string[] = [], body: RequestBody = EMPTY_BODY, method = 'GET'): HttpRequest {
  return new HttpRequest(method, url, 1, 1, headers, body, context);
}

function bodyOf(text: string | Buffer): RequestBody {
  const body = new RequestBody(undefined, null);
  body.push(Buffer.isBuffer(text) ? text : Buffer.from(text));
  body.end();
  return body;
}

describe('HttpRequest', () => {
  it('should split path and query, decode the path, and keep repeated query values', () => {
    const req = request('/a%20b/c?x=1&y=&x=2&z=%C3%A9');
    expect(req.path).toBe('/a b/c');
    expect(req.rawPath).toBe('/a%20b/c');
    expect(req.queryString).toBe('x=1&y=&x=2&z=%C3%A9');
    expect(req.query).toEqual({ x: ['1', '2'], y: '', z: 'é' });
    expect(request('/bad%zzpath').path).toBe('/bad%zzpath');
  });

  it('should handle absolute-form and asterisk-form targets', () => {
    expect(request('http://example.com/p/q?s=1').path).toBe('/p/q');
    expect(request('http://example.com/p/q?s=1').queryString).toBe('s=1');
    expect(request('http://example.com').path).toBe('/');
    expect(request('http://example.com?x=1').query).toEqual({ x: '1' });
    expect(request('*').path).toBe('*');
  });

  it('should look headers up in any case and join repeated ones', () => {
    const req = request('/', ['Accept', 'text/html', 'X-Many', 'a', 'x-many', 'b', 'Cookie', 'a=1', 'cookie', 'b=2']);
    expect(req.header('accept')).toBe('text/html');
    expect(req.header('X-MANY')).toBe('a, b');
    expect(req.headers['x-many']).toBe('a, b');
    expect(req.cookies).toEqual({ a: '1', b: '2' });
    expect(req.header('missing')).toBeUndefined();
    expect(req.accepts(['application/json', 'text/html'])).toBe('text/html');
  });

  it('should expose connection info, locals and version', () => {
    const req = request('/');
    expect(req.remoteAddress).toBe('10.0.0.1');
    expect(req.remotePort).toBe(5555);
    expect(req.scheme).toBe('http');
    expect(req.httpVersion).toBe('1.1');
    req.locals.user = 'me';
    expect(req.locals.user).toBe('me');
  });

  it('should read JSON, urlencoded and multipart bodies', async () => {
    expect(await request('/', ['Content-Type', 'application/json'], bodyOf('{"a":1}')).json()).toEqual({ a: 1 });
    const urlencoded = await request('/', ['Content-Type', 'application/x-www-form-urlencoded'], bodyOf('a=1+2&b=%26')).form();
    expect(urlencoded.fields).toEqual({ a: '1 2', b: '&' });
    const boundary = 'XyZ';
    const multipart = Buffer.from(
      `preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="C:\\\\dir\\\\a.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n` +
        `--${boundary}--\r\nepilogue`,
    );
    const form = await request('/', ['Content-Type', `multipart/form-data; boundary="${boundary}"`], bodyOf(multipart)).form();
    expect(form.fields).toEqual({ title: 'Hello' });
    expect(form.files).toHaveLength(1);
    expect(form.files[0]).toMatchObject({ name: 'file', filename: 'a.txt', contentType: 'text/plain' });
    expect(form.files[0].data.toString()).toBe('line1\r\nline2');
  });

  it('should reject malformed bodies with 400 and unknown form types with 415', async () => {
    await expect(request('/', [], bodyOf('{nope')).json()).rejects.toMatchObject({ code: 'RXP_ERR_HTTP_INVALID_BODY', status: 400 });
    await expect(request('/', ['Content-Type', 'text/csv'], bodyOf('a')).form()).rejects.toMatchObject({ status: 415 });
    expect(() => parseMultipart(Buffer.from('--b\r\nno headers end'), 'multipart/form-data; boundary=b')).toThrow(/multipart/);
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data')).toThrow(/boundary/);
  });
});

describe('RequestBody', () => {
  it('should replay chunks that arrived before the subscription, then stream live', async () => {
    const body = new RequestBody(undefined, null);
    body.push(Buffer.from('a'));
    const all = lastValueFrom(body.pipe(toArray()));
    body.push(Buffer.from('b'));
    body.end();
    expect((await all).map(String)).toEqual(['a', 'b']);
  });

  it('should be consumable once', async () => {
    const body = bodyOf('x');
    await body.buffer();
    await expect(body.buffer()).rejects.toMatchObject({ code: 'RXP_ERR_HTTP_BODY_CONSUMED' });
  });

  it('should ask the server to pause above its high-water mark and resume when read', () => {
    const calls: string[] = [];
    const flow: BodyFlowControl = { pauseBody: () => calls.push('pause'), resumeBody: () => calls.push('resume') };
    const body = new RequestBody(undefined, flow);
    body.push(Buffer.alloc(40 * 1024));
    expect(calls).toEqual([]);
    body.push(Buffer.alloc(40 * 1024));
    expect(calls).toEqual(['pause']);
    const sizes: number[] = [];
    const subscription = body.subscribe((chunk) => sizes.push(chunk.length));
    expect(calls).toEqual(['pause', 'resume']);
    expect(sizes).toEqual([40 * 1024, 40 * 1024]);
    subscription.unsubscribe();
    body.push(Buffer.alloc(10));
    expect(sizes).toHaveLength(2);
  });

  it('should deliver a failure to late and current subscribers', async () => {
    const body = new RequestBody(10, null);
    body.fail(createError('RXP_ERR_HTTP_CLIENT_CLOSED', 'request'));
    await expect(body.text()).rejects.toMatchObject({ code: 'RXP_ERR_HTTP_CLIENT_CLOSED' });
  });

  it('should read as a Readable and with for await', async () => {
    const body = bodyOf('streamed');
    const chunks: string[] = [];
    for await (const chunk of body) chunks.push(String(chunk));
    expect(chunks.join('')).toBe('streamed');
    expect(await EMPTY_BODY.text()).toBe('');
    expect(await EMPTY_BODY.text()).toBe('');
  });
});

describe('HttpResponse', () => {
  it('should build typed responses', () => {
    expect(HttpResponse.json({ a: 1 }, { status: 201 })).toMatchObject({ status: 201, body: '{"a":1}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(HttpResponse.html('<p>', { headers: { 'Content-Type': 'text/html; charset=latin1' } }).headers).toEqual({ 'Content-Type': 'text/html; charset=latin1' });
    expect(HttpResponse.redirect('/to', 303)).toMatchObject({ status: 303, headers: { location: '/to' } });
    expect(HttpResponse.empty().status).toBe(204);
    expect(HttpResponse.from({ status: 202, body: 'b' })).toBeInstanceOf(HttpResponse);
  });

  it('should manage headers case-insensitively and keep every cookie', () => {
    const res = HttpResponse.text('x').setHeader('X-A', '1').setHeader('x-a', '2').appendHeader('Vary', 'Accept').appendHeader('vary', 'Origin');
    expect(res.header('X-A')).toBe('2');
    expect(res.header('vary')).toBe('Accept, Origin');
    res.setCookie('a', '1', { httpOnly: true, sameSite: 'Lax' }).setCookie('b', 'two words', { secure: true, maxAge: 60 }).deleteCookie('old');
    expect(res.headers['set-cookie']).toEqual([
      'a=1; Path=/; HttpOnly; SameSite=Lax',
      'b=two%20words; Max-Age=60; Path=/; Secure',
      'old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
    ]);
    res.removeHeader('X-A');
    expect(res.header('x-a')).toBeUndefined();
  });
});

describe('cookies, negotiation', () => {
  it('should parse and serialize cookies safely', () => {
    expect(parseCookies('a=1; b="quoted"; c=%C3%A9; a=ignored; =bad; d')).toEqual({ a: '1', b: 'quoted', c: 'é' });
    expect(() => serializeCookie('bad name', 'v')).toThrow();
    expect(() => serializeCookie('n', 'v', { path: '/a;inject' })).toThrow();
  });

  it('should negotiate types and encodings with q-values', () => {
    expect(preferredType('text/html;q=0.5, application/json', ['text/html', 'application/json'])).toBe('application/json');
    expect(preferredType('text/*', ['application/json', 'text/plain'])).toBe('text/plain');
    expect(preferredType('image/png', ['text/html'])).toBeUndefined();
    expect(preferredType(undefined, ['text/html'])).toBe('text/html');
    expect(preferredEncoding('gzip;q=0.2, deflate', ['gzip', 'deflate'])).toBe('deflate');
    expect(preferredEncoding('*', ['gzip'])).toBe('gzip');
    expect(preferredEncoding('identity', ['gzip'])).toBeUndefined();
    expect(parseQuery('')).toEqual({});
  });
});

describe('errors as responses', () => {
  it('should find the status and headers of errors', () => {
    expect(statusOf(httpError(401, 'who', { 'www-authenticate': 'Basic' }))).toBe(401);
    expect(headersOf(httpError(401, 'who', { 'www-authenticate': 'Basic' }))).toEqual({ 'www-authenticate': 'Basic' });
    expect(statusOf(createError('RXP_ERR_HTTP_NOT_FOUND', '/x'))).toBe(404);
    expect(statusOf(Object.assign(new Error('x'), { statusCode: 418 }))).toBe(418);
    expect(statusOf(new Error('plain'))).toBe(500);
    expect(statusOf('string')).toBe(500);
  });

  it('should render pages by Accept, hide 5xx details and escape HTML', () => {
    const html = errorResponse(new Error('<script>secret</script>'), request('/', ['Accept', 'text/html']));
    expect(html.status).toBe(500);
    expect(String(html.body)).not.toContain('secret');
    const debug = errorResponse(new Error('<script>x</script>'), request('/', ['Accept', 'text/html']), { debug: true });
    expect(String(debug.body)).toContain('&#60;script&#62;x');
    expect(String(debug.body)).toContain('<pre>Error: ');
    const json = errorResponse(createError('RXP_ERR_HTTP_NOT_FOUND', '/x'), request('/', ['Accept', 'application/json']));
    expect(JSON.parse(String(json.body))).toEqual({ status: 404, message: 'Not found: /x', code: 'RXP_ERR_HTTP_NOT_FOUND' });
    const redirect = errorResponse(httpError(302, 'moved', { location: '/there' }), undefined);
    expect(redirect).toMatchObject({ status: 302, body: null, headers: { location: '/there' } });
  });
});
