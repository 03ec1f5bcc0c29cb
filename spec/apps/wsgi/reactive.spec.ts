/**
 * Reactive handlers and operator pipelines on the engine.
 */
import { EMPTY, NEVER, Observable, finalize, interval, map, mergeMap, of, take, throwError } from 'rxjs';
import { inject, pipeline, reactive } from 'rxpulsar/apps/wsgi';
import { compress, handle, httpError, recover, route, router, HttpResponse } from 'rxpulsar/operators';
import { gunzipSync } from 'node:zlib';
import { RawClient, startServer, until } from './raw-client';

const quiet = { onError: () => undefined };

describe('reactive()', () => {
  it('should answer a response returned synchronously', async () => {
    const res = await inject(reactive((req) => HttpResponse.json({ path: req.path, q: req.query })), { url: '/p?a=1&a=2&b=' });
    expect(res.json()).toEqual({ path: '/p', q: { a: ['1', '2'], b: '' } });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('should answer strings, bytes, plain objects, Promises and Observables', async () => {
    expect((await inject(reactive(() => 'text'), '/')).headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await inject(reactive(() => Buffer.from([1, 2])), '/')).body).toEqual(Buffer.from([1, 2]));
    const plain = await inject(reactive(() => ({ status: 418, headers: { 'x-tea': 'pot' }, body: 'short and stout' })), '/');
    expect([plain.status, plain.headers['x-tea'], plain.text]).toEqual([418, 'pot', 'short and stout']);
    expect((await inject(reactive(async () => HttpResponse.text('p')), '/')).text).toBe('p');
    expect((await inject(reactive(() => of(HttpResponse.text('o'), HttpResponse.text('ignored'))), '/')).text).toBe('o');
  });

  it('should stream an Observable body', async () => {
    const res = await inject(
      reactive(() => new HttpResponse(interval(1).pipe(take(4), map(String)), { headers: { 'content-type': 'text/plain' } })),
      '/',
    );
    expect(res.text).toBe('0123');
    expect(res.headers['transfer-encoding']).toBe('chunked');
  });

  it('should read JSON and form bodies', async () => {
    const echo = reactive(async (req) => HttpResponse.json(req.contentType === 'application/json' ? await req.json() : (await req.form()).fields));
    expect((await inject(echo, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' })).json()).toEqual({ a: [1, 2] });
    const form = await inject(echo, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=h%C3%A9&a=3' });
    expect(form.json()).toEqual({ a: ['1', '3'], b: 'hé' });
    const bad = await inject(echo, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }, quiet);
    expect(bad.status).toBe(400);
    const unsupported = await inject(echo, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' }, quiet);
    expect(unsupported.status).toBe(415);
  });

  it('should answer 500 for an Observable that completes without a response', async () => {
    const res = await inject(reactive(() => EMPTY), '/', quiet);
    expect(res.status).toBe(500);
  });

  it('should render errors as HTML, JSON or text by Accept', async () => {
    const app = reactive(() => throwError(() => httpError(403, 'no entry')));
    const html = await inject(app, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(403);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<h1>403 Forbidden</h1>');
    const json = await inject(app, { headers: { accept: 'application/json' } });
    expect(json.json()).toEqual({ status: 403, message: 'no entry', code: 'RXP_ERR_HTTP_STATUS' });
    const text = await inject(app, { headers: { accept: 'text/plain' } });
    expect(text.text).toBe('403 Forbidden\nno entry\n');
  });

  it('should unsubscribe the handler when the client disconnects', async () => {
    let subscribed = false;
    let finalized = false;
    const server = await startServer(
      reactive(
        () =>
          new Observable<HttpResponse>(() => {
            subscribed = true;
          }).pipe(finalize(() => (finalized = true))),
      ),
    );
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await until(() => subscribed);
      expect(finalized).toBe(false);
      client.destroy();
      await until(() => finalized);
      expect(finalized).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('should abort the request signal when the client disconnects', async () => {
    let signal: AbortSignal | undefined;
    const server = await startServer(
      reactive((req) => {
        signal = req.signal;
        return new Promise<never>(() => undefined);
      }),
    );
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await until(() => signal !== undefined);
      expect(signal?.aborted).toBe(false);
      client.destroy();
      await until(() => signal?.aborted === true);
      expect((signal?.reason as { code?: string }).code).toBe('RXP_ERR_HTTP_CLIENT_CLOSED');
    } finally {
      await server.close();
    }
  });

  it('should stop a streamed body when the client disconnects', async () => {
    let finalized = false;
    const server = await startServer(reactive(() => new HttpResponse(interval(1).pipe(map(String), finalize(() => (finalized = true))))));
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await client.waitBytes(200);
      client.destroy();
      await until(() => finalized);
      expect(finalized).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('pipeline()', () => {
  const api = router(
    '/',
    { get: () => HttpResponse.text('home') },
    router(
      'api',
      {},
      router('items/<int:id>', { get: (req) => HttpResponse.json({ id: req.params.id }), delete: () => HttpResponse.empty() }),
      router('big', { get: () => HttpResponse.text('z'.repeat(5000)) }),
      router('never', { get: () => NEVER }),
    ),
  );

  it('should route, compose child prefixes and pass params through', async () => {
    const app = pipeline((request$) => request$.pipe(route(api)));
    expect((await inject(app, '/')).text).toBe('home');
    expect((await inject(app, '/api/items/42')).json()).toEqual({ id: 42 });
    expect((await inject(app, { method: 'DELETE', url: '/api/items/42' })).status).toBe(204);
    const notFound = await inject(app, '/api/items/x');
    expect(notFound.status).toBe(404);
    const notAllowed = await inject(app, { method: 'PUT', url: '/api/items/1', body: '' });
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS');
  });

  it('should run after-middleware (compress) on routed responses', async () => {
    const app = pipeline((request$) => request$.pipe(route(api), compress()));
    const res = await inject(app, { url: '/api/big', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(res.body).toString()).toBe('z'.repeat(5000));
  });

  it('should turn errors into responses with recover()', async () => {
    const app = pipeline((request$) =>
      request$.pipe(
        mergeMap(() => throwError(() => new Error('broken'))),
        handle(() => 'unreachable'),
        recover((error) => HttpResponse.json({ caught: (error as Error).message }, { status: 502 })),
      ),
    );
    const res = await inject(app, '/', quiet);
    expect(res.status).toBe(502);
    expect(res.json()).toEqual({ caught: 'broken' });
  });
});
