/**
 * The HTTP operators as RxJS operators, in marble tests: handle, route, recover, cleanPath,
 * cors, compress.
 */
import { map, mergeMap, of, throwError, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { gunzipSync, inflateSync } from 'node:zlib';
import {
  EMPTY_BODY,
  cleanPath,
  compress,
  cors,
  handle,
  httpError,
  recover,
  route,
  router,
  HttpRequest,
  HttpResponse,
  type RequestContext,
} from 'rxpulsar/operators';

const context: RequestContext = {
  connection: { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 80, encrypted: false },
  abortSignal: () => new AbortController().signal,
};

function request(url: string, headers: Record<string, string> = {}, method = 'GET'): HttpRequest {
  return new HttpRequest(method, url, 1, 1, Object.entries(headers).flat(), EMPTY_BODY, context);
}

/** A response summarized for marble comparison. */
function summary(response: HttpResponse): string {
  return `${response.status} ${typeof response.body === 'string' ? response.body : ''}`.trim();
}

const summarize = (source: Observable<HttpResponse>): Observable<string> => source.pipe(map(summary));

function marbles(run: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void): void {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(run);
}

describe('handle()', () => {
  it('should map each request to its handler response, sync or async', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const r1 = request('/a');
      const r2 = request('/b');
      const source = cold('-a--b---|', { a: r1, b: r2 });
      const subs = '       ^-------!';
      const handler = (req: HttpRequest): HttpResponse | Observable<HttpResponse> =>
        req.path === '/a' ? HttpResponse.text('A') : timer(2).pipe(map(() => HttpResponse.text('B')));
      expectObservable(summarize(source.pipe(handle(handler)))).toBe('-a----b-|', { a: '200 A', b: '200 B' });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should attach the request to each response', () => {
    const req = request('/x');
    let seen: HttpRequest | undefined;
    of(req)
      .pipe(handle(() => 'hi'))
      .subscribe((res) => (seen = res.request));
    expect(seen).toBe(req);
  });

  it('should error when the handler throws, and when it answers nothing usable', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-|', { a: request('/') });
      expectObservable(source.pipe(handle(() => {
        throw new Error('boom');
      }))).toBe('-#', undefined, new Error('boom'));
    });
    let error: unknown;
    of(request('/'))
      .pipe(handle(() => undefined as unknown as string))
      .subscribe({ error: (e: unknown) => (error = e) });
    expect((error as { code?: string }).code).toBe('RXP_ERR_HTTP_NO_RESPONSE');
  });

  it('should pass never and empty sources through', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(summarize(cold<HttpRequest>('-|').pipe(handle(() => 'x')))).toBe('-|');
      expectObservable(summarize(cold<HttpRequest>('-').pipe(handle(() => 'x')))).toBe('-');
    });
  });

  it('should unsubscribe the handler on early disposal', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const inner = cold('----a|', { a: HttpResponse.text('late') });
      const source = cold('a|', { a: request('/') });
      expectObservable(summarize(source.pipe(handle(() => inner))), '^--!').toBe('---');
      expectSubscriptions(inner.subscriptions).toBe('^--!');
    });
  });
});

describe('route()', () => {
  const api = router('items/<int:id>', { get: (req) => HttpResponse.text(`item ${req.params.id}`) });

  it('should route, and error 404 for unknown paths', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: request('/items/1'), b: request('/nope') });
      const result = source.pipe(route(api), map(summary));
      expectObservable(result).toBe('-a-#', { a: '200 item 1' }, expect.objectContaining({ code: 'RXP_ERR_HTTP_NOT_FOUND', status: 404 }));
    });
  });
});

describe('recover()', () => {
  it('should replace an error with the error page of its request', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-|', { a: request('/x', { accept: 'application/json' }) });
      const result = source.pipe(
        handle(() => throwError(() => httpError(409, 'conflict'))),
        recover(),
        map((res) => `${res.status} ${String(res.body)} ${res.header('content-type')}`),
      );
      expectObservable(result).toBe('-(a|)', {
        a: '409 {"status":409,"message":"conflict","code":"RXP_ERR_HTTP_STATUS"} application/json; charset=utf-8',
      });
    });
  });

  it('should use a custom renderer, falling back to the page when it returns undefined', () => {
    marbles(({ cold, expectObservable }) => {
      const failing = cold<HttpResponse>('-#', undefined, new Error('x'));
      expectObservable(summarize(failing.pipe(recover(() => HttpResponse.text('custom', { status: 503 }))))).toBe('-(a|)', { a: '503 custom' });
      expectObservable(failing.pipe(recover(() => undefined), map((r) => r.status))).toBe('-(a|)', { a: 500 });
    });
  });

  it('should pass values through untouched', () => {
    marbles(({ cold, expectObservable }) => {
      const ok = HttpResponse.text('ok');
      expectObservable(cold('-a-|', { a: ok }).pipe(recover())).toBe('-a-|', { a: ok });
    });
  });
});

describe('cleanPath()', () => {
  it('should let clean paths through and redirect paths with empty segments', () => {
    marbles(({ cold, expectObservable }) => {
      const clean = request('/a/b');
      const dirty = request('//a///b?x=1');
      const source = cold('-a-b-|', { a: clean, b: dirty });
      expectObservable(source.pipe(cleanPath())).toBe(
        '-a-#',
        { a: clean },
        expect.objectContaining({ code: 'RXP_ERR_HTTP_STATUS', data: { status: 301, headers: { location: '/a/b?x=1' } } }),
      );
    });
  });
});

describe('cors()', () => {
  const respond = (origin: string | undefined): HttpResponse => {
    const res = HttpResponse.text('x');
    res.request = request('/', origin === undefined ? {} : { origin });
    return res;
  };

  it('should add Access-Control headers for allowed origins only', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', { a: respond('https://good.example'), b: respond('https://evil.example'), c: respond(undefined) });
      const result = source.pipe(
        cors({ origin: ['https://good.example'], credentials: true, maxAge: 600 }),
        map((r) => [r.header('access-control-allow-origin'), r.header('access-control-allow-credentials'), r.header('vary')].join('|')),
      );
      expectObservable(result).toBe('-a-b-c-|', { a: 'https://good.example|true|Origin', b: '||', c: '||' });
    });
  });

  it('should allow any origin with *', () => {
    const res = respond('https://any.example');
    of(res).pipe(cors()).subscribe();
    expect(res.header('access-control-allow-origin')).toBe('*');
    expect(res.header('access-control-allow-methods')).toBe('GET, HEAD, POST');
  });
});

describe('compress()', () => {
  const text = 'compress me '.repeat(200);
  const respond = (acceptEncoding: string | undefined, body: HttpResponse['body'] = text, type = 'text/plain'): HttpResponse => {
    const res = new HttpResponse(body, { headers: { 'content-type': type } });
    res.request = request('/', acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding });
    return res;
  };

  it('should gzip or deflate by Accept-Encoding and add Vary', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', { a: respond('gzip, deflate'), b: respond('deflate'), c: respond('br;q=1, gzip;q=0') });
      const result = source.pipe(
        compress(),
        map((r) => {
          const encoding = r.header('content-encoding');
          const plain = encoding === 'gzip' ? gunzipSync(r.body as Buffer) : encoding === 'deflate' ? inflateSync(r.body as Buffer) : Buffer.from(r.body as string);
          return `${encoding ?? 'identity'} ${plain.toString() === text} ${r.header('vary')}`;
        }),
      );
      expectObservable(result).toBe('-a-b-c-|', { a: 'gzip true Accept-Encoding', b: 'deflate true Accept-Encoding', c: 'identity true Accept-Encoding' });
    });
  });

  it('should leave small, incompressible, encoded and non-2xx responses alone', () => {
    const small = respond('gzip', 'tiny');
    const image = respond('gzip', Buffer.alloc(5000), 'image/png');
    const encoded = respond('gzip');
    encoded.setHeader('content-encoding', 'br');
    const error = respond('gzip');
    error.status = 500;
    of(small, image, encoded, error).pipe(compress()).subscribe();
    expect(small.header('content-encoding')).toBeUndefined();
    expect(image.header('content-encoding')).toBeUndefined();
    expect(encoded.header('content-encoding')).toBe('br');
    expect(error.header('content-encoding')).toBeUndefined();
  });

  it('should compress streamed bodies as they stream', async () => {
    const res = respond('gzip', of('a'.repeat(3000), 'b'.repeat(3000)));
    const [compressed] = await new Promise<HttpResponse[]>((resolve) => {
      const out: HttpResponse[] = [];
      of(res).pipe(compress()).subscribe({ next: (r) => out.push(r), complete: () => resolve(out) });
    });
    const chunks: Buffer[] = [];
    for await (const chunk of compressed.body as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(gunzipSync(Buffer.concat(chunks)).toString()).toBe('a'.repeat(3000) + 'b'.repeat(3000));
    expect(compressed.header('content-length')).toBeUndefined();
  });

  it('should compress big bodies off the event loop', async () => {
    const body = 'x'.repeat(200_000);
    const res = respond('gzip', body);
    const out = await new Promise<HttpResponse>((resolve) => of(res).pipe(compress(), mergeMap((r) => of(r))).subscribe(resolve));
    expect(gunzipSync(out.body as Buffer).toString()).toBe(body);
  });
});
