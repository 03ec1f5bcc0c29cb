/**
 * serveStatic: content types, validators (304), ranges (206/416), traversal.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject, pipeline, type HttpApp } from 'rxpulsar/apps/wsgi';
import { route, router, serveStatic } from 'rxpulsar/operators';
import { rawExchange, startServer } from '../../apps/wsgi/raw-client';

describe('serveStatic()', () => {
  let base: string;
  let root: string;
  let app: HttpApp;
  const big = Buffer.alloc(200 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'rxpulsar-static-'));
    root = join(base, 'public');
    mkdirSync(join(root, 'docs'), { recursive: true });
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'hello.txt'), 'Hello, static!');
    writeFileSync(join(root, 'style.css'), 'body{}');
    writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'big.bin'), big);
    writeFileSync(join(base, 'outside.txt'), 'OUTSIDE-CONTENT-42');
    symlinkSync(join(base, 'outside.txt'), join(root, 'escape.txt'));
    utimesSync(join(root, 'hello.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
    app = pipeline((request$) => request$.pipe(route(router('static/<path:path>', { get: serveStatic(root, { maxAge: 60 }) }))));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const quiet = { onError: () => undefined };

  it('should serve a file with its type, length, validators and cache headers', async () => {
    const res = await inject(app, '/static/hello.txt');
    expect(res.status).toBe(200);
    expect(res.text).toBe('Hello, static!');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-length']).toBe('14');
    expect(res.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(res.headers.etag).toMatch(/^W\/"e-[0-9a-f]+"$/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect((await inject(app, '/static/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('should answer 304 to a matching If-None-Match or a later If-Modified-Since', async () => {
    const first = await inject(app, '/static/hello.txt');
    const etag = first.headers.etag as string;
    const byEtag = await inject(app, { url: '/static/hello.txt', headers: { 'if-none-match': `"other", ${etag}` } });
    expect(byEtag.status).toBe(304);
    expect(byEtag.body.length).toBe(0);
    expect(byEtag.headers.etag).toBe(etag);
    const byDate = await inject(app, { url: '/static/hello.txt', headers: { 'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT' } });
    expect(byDate.status).toBe(304);
    const older = await inject(app, { url: '/static/hello.txt', headers: { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' } });
    expect(older.status).toBe(200);
    const otherTag = await inject(app, { url: '/static/hello.txt', headers: { 'if-none-match': '"nope"', 'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT' } });
    expect(otherTag.status).toBe(200);
  });

  it('should serve byte ranges with 206 and refuse unsatisfiable ones with 416', async () => {
    const part = await inject(app, { url: '/static/hello.txt', headers: { range: 'bytes=0-4' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe('Hello');
    expect(part.headers['content-range']).toBe('bytes 0-4/14');
    expect(part.headers['content-length']).toBe('5');
    expect((await inject(app, { url: '/static/hello.txt', headers: { range: 'bytes=-7' } })).text).toBe('static!');
    expect((await inject(app, { url: '/static/hello.txt', headers: { range: 'bytes=7-' } })).text).toBe('static!');
    const beyond = await inject(app, { url: '/static/hello.txt', headers: { range: 'bytes=100-200' } }, quiet);
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */14');
    // Several ranges, another unit or an If-Range that does not match: the whole file.
    expect((await inject(app, { url: '/static/hello.txt', headers: { range: 'bytes=0-1,3-4' } })).status).toBe(200);
    expect((await inject(app, { url: '/static/hello.txt', headers: { range: 'lines=1-2' } })).status).toBe(200);
    expect((await inject(app, { url: '/static/hello.txt', headers: { range: 'bytes=0-4', 'if-range': '"stale"' } })).status).toBe(200);
  });

  it('should stream big files, ranges included', async () => {
    const whole = await inject(app, '/static/big.bin');
    expect(whole.body.equals(big)).toBe(true);
    expect(whole.headers['content-type']).toBe('application/octet-stream');
    expect(whole.headers['transfer-encoding']).toBeUndefined();
    const range = await inject(app, { url: '/static/big.bin', headers: { range: 'bytes=100000-170000' } });
    expect(range.status).toBe(206);
    expect(range.body.equals(big.subarray(100000, 170001))).toBe(true);
  });

  it('should answer HEAD with the length and no body', async () => {
    const res = await inject(app, { method: 'HEAD', url: '/static/big.bin' });
    expect(res.headers['content-length']).toBe(String(big.length));
    expect(res.body.length).toBe(0);
  });

  it('should serve a directory index and refuse directories without one', async () => {
    expect((await inject(app, '/static/docs')).text).toBe('<h1>docs</h1>');
    expect((await inject(app, '/static/empty', quiet)).status).toBe(403);
    expect((await inject(app, '/static/missing.txt', quiet)).status).toBe(404);
    expect((await inject(app, '/static/hello.txt/x', quiet)).status).toBe(404);
  });

  it('should never serve anything outside the root', async () => {
    const server = await startServer(app);
    try {
      for (const target of [
        '/static/../outside.txt',
        '/static/%2e%2e/outside.txt',
        '/static/%2E%2E%2Foutside.txt',
        '/static/docs/..%2F..%2Foutside.txt',
        '/static/..%5Coutside.txt',
        '/static/hello.txt%00.png',
        '/static/escape.txt',
        '/static/.env',
      ]) {
        const result = await rawExchange(server.port, [`GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`]);
        expect([400, 403, 404]).toContain(result.responses[0].status);
        expect(result.text).not.toContain('OUTSIDE-CONTENT-42');
        expect(result.text).not.toContain('SECRET');
      }
    } finally {
      await server.close();
    }
  });

  it('should refuse other methods with 405', async () => {
    const direct = pipeline((request$) => request$.pipe(route(router('<path:path>', { post: serveStatic(root) }))));
    const res = await inject(direct, { method: 'POST', url: '/hello.txt', body: '' }, quiet);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
