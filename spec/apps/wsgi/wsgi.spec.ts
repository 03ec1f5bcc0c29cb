/**
 * WSGI-style callables: environ, start_response, every kind of body, errors.
 */
import { Observable, firstValueFrom, from, interval, map, of, take, toArray } from 'rxjs';
import { inject, wsgi, type StartResponse, type WsgiCallable, type WsgiEnviron } from 'rxpulsar/apps/wsgi';
import { RawClient, rawExchange, startServer } from './raw-client';

const quiet = { onError: () => undefined };

function captureEnviron(): { app: WsgiCallable; seen: () => WsgiEnviron } {
  let environ: WsgiEnviron | undefined;
  return {
    app: (env, startResponse) => {
      environ = env;
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    },
    seen: () => {
      if (environ === undefined) throw new Error('not called');
      return environ;
    },
  };
}

describe('wsgi()', () => {
  describe('environ', () => {
    it('should carry the WSGI keys, with wsgi.version [1, 0] (not the HTTP version)', async () => {
      const { app, seen } = captureEnviron();
      await inject(wsgi(app), {
        method: 'POST',
        url: '/a%20b/c?x=1&y=2',
        headers: { Host: 'example.com:8080', 'Content-Type': 'text/plain', 'X-Custom-Thing': 'v', Cookie: 'a=1' },
        body: 'hello',
        remoteAddress: '10.1.2.3',
      });
      const environ = seen();
      expect(environ['wsgi.version']).toEqual([1, 0]);
      expect(environ.REQUEST_METHOD).toBe('POST');
      expect(environ.SCRIPT_NAME).toBe('');
      expect(environ.PATH_INFO).toBe('/a b/c');
      expect(environ.QUERY_STRING).toBe('x=1&y=2');
      expect(environ.RAW_URI).toBe('/a%20b/c?x=1&y=2');
      expect(environ.SERVER_NAME).toBe('example.com');
      expect(environ.SERVER_PORT).toBe('8080');
      expect(environ.SERVER_PROTOCOL).toBe('HTTP/1.1');
      expect(environ.REMOTE_ADDR).toBe('10.1.2.3');
      expect(environ.CONTENT_TYPE).toBe('text/plain');
      expect(environ.CONTENT_LENGTH).toBe('5');
      expect(environ.HTTP_HOST).toBe('example.com:8080');
      expect(environ.HTTP_X_CUSTOM_THING).toBe('v');
      expect(environ.HTTP_COOKIE).toBe('a=1');
      expect(environ.HTTP_CONTENT_TYPE).toBeUndefined();
      expect(environ['wsgi.url_scheme']).toBe('http');
      expect(environ['wsgi.run_once']).toBe(false);
      expect(environ['rxpulsar.request'].method).toBe('POST');
    });

    it('should drop header names with underscores (spoofing of HTTP_* keys)', async () => {
      const { app, seen } = captureEnviron();
      await inject(wsgi(app), { headers: { 'X-Real-IP': '1.1.1.1', X_Real_IP: '6.6.6.6' } });
      expect(seen().HTTP_X_REAL_IP).toBe('1.1.1.1');
    });

    it('should strip SCRIPT_NAME and trust forwarded headers only when asked', async () => {
      const { app, seen } = captureEnviron();
      const headers = { 'X-Forwarded-For': '1.2.3.4, 5.6.7.8', 'X-Forwarded-Proto': 'https' };
      await inject(wsgi(app, { scriptName: '/mount' }), { url: '/mount/x', headers });
      expect(seen().SCRIPT_NAME).toBe('/mount');
      expect(seen().PATH_INFO).toBe('/x');
      expect(seen().REMOTE_ADDR).toBe('127.0.0.1');
      expect(seen()['wsgi.url_scheme']).toBe('http');
      await inject(wsgi(app, { trustProxy: true }), { url: '/x', headers });
      expect(seen().REMOTE_ADDR).toBe('5.6.7.8');
      expect(seen()['wsgi.url_scheme']).toBe('https');
    });

    it('should give wsgi.input as an Observable body, a Readable and a whole buffer', async () => {
      const echo = (how: 'observable' | 'readable' | 'buffer'): WsgiCallable =>
        (environ, startResponse) => {
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          const input = environ['wsgi.input'];
          if (how === 'observable') return input.pipe(toArray(), map((chunks) => Buffer.concat(chunks).toString().toUpperCase()));
          if (how === 'buffer') return input.text().then((text) => [text.toUpperCase()]);
          return (async function* () {
            for await (const chunk of input.readable()) yield String(chunk).toUpperCase();
          })();
        };
      for (const how of ['observable', 'readable', 'buffer'] as const) {
        const res = await inject(wsgi(echo(how)), { method: 'POST', body: 'some body' });
        expect(res.text).toBe('SOME BODY');
      }
    });
  });

  describe('start_response and headers', () => {
    it('should keep custom headers and every Set-Cookie (pulsar dropped them)', async () => {
      const res = await inject(
        wsgi((_env, startResponse) => {
          startResponse('201 Created', [
            ['Content-Type', 'application/json'],
            ['Access-Control-Allow-Origin', '*'],
            ['X-Foo', 'bar'],
            ['Content-Disposition', 'attachment; filename="a.txt"'],
            ['Set-Cookie', 'a=1'],
            ['Set-Cookie', 'b=2'],
          ]);
          return ['{}'];
        }),
        '/',
      );
      expect(res.status).toBe(201);
      expect(res.statusMessage).toBe('Created');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['x-foo']).toBe('bar');
      expect(res.headers['content-disposition']).toBe('attachment; filename="a.txt"');
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(res.headers['content-length']).toBe('2');
      expect(res.headers.server).toMatch(/^rxpulsar\//);
      expect(res.headers.date).toMatch(/GMT$/);
    });

    it('should refuse a second start_response without exc_info (500)', async () => {
      const res = await inject(
        wsgi((_env, startResponse) => {
          startResponse('200 OK', []);
          startResponse('404 Not Found', []);
          return ['never'];
        }),
        { url: '/' },
        quiet,
      );
      expect(res.status).toBe(500);
    });

    it('should let exc_info replace headers not sent yet', async () => {
      const res = await inject(
        wsgi((_env, startResponse) => {
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          startResponse('503 Service Unavailable', [['Retry-After', '5']], new Error('boom'));
          return ['later'];
        }),
        { url: '/' },
      );
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.text).toBe('later');
    });

    it('should answer 500 for invalid statuses, header injection and missing start_response', async () => {
      const cases: WsgiCallable[] = [
        (_e, s) => {
          s('OK', []);
          return [''];
        },
        (_e, s) => {
          s('200 OK', [['X-Evil', 'a\r\nSet-Cookie: pwned=1']]);
          return [''];
        },
        (_e, s) => {
          s('200 OK', [['Bad Name', 'v']]);
          return [''];
        },
        () => ['no start_response'],
        (_e, s) => {
          s('200 OK', [['Content-Length', '3']]);
          return ['more than three'];
        },
      ];
      for (const app of cases) {
        const res = await inject(wsgi(app), { url: '/' }, quiet);
        expect(res.status).toBe(500);
        expect(res.raw.toString('latin1')).not.toContain('pwned');
      }
    });

    it('should support the legacy write() callable', async () => {
      const res = await inject(
        wsgi((_env, startResponse: StartResponse) => {
          const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
          write('early ');
          return ['late'];
        }),
        { url: '/' },
      );
      expect(res.text).toBe('early late');
      expect(res.headers['transfer-encoding']).toBe('chunked');
    });
  });

  describe('bodies', () => {
    const start = (s: StartResponse): void => {
      s('200 OK', [['Content-Type', 'text/plain']]);
    };

    it('should send an array with a Content-Length in one piece', async () => {
      const res = await inject(
        wsgi((_e, s) => {
          start(s);
          return ['Hello, ', Buffer.from('World'), new Uint8Array([0x21])];
        }),
        '/',
      );
      expect(res.text).toBe('Hello, World!');
      expect(res.headers['content-length']).toBe('13');
    });

    it('should count UTF-8 bytes, not characters', async () => {
      const res = await inject(
        wsgi((_e, s) => {
          start(s);
          return ['héllo ✓'];
        }),
        '/',
      );
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength('héllo ✓')));
      expect(res.text).toBe('héllo ✓');
    });

    it('should pull generators and send small ones whole', async () => {
      const res = await inject(
        wsgi(function* (_e, s) {
          start(s);
          yield 'a';
          yield 'b';
          yield 'c';
        }),
        '/',
      );
      expect(res.text).toBe('abc');
      expect(res.headers['content-length']).toBe('3');
    });

    it('should stream big generators chunked and call close()', async () => {
      let closed = false;
      const chunk = 'x'.repeat(16 * 1024);
      const body = {
        *[Symbol.iterator]() {
          for (let i = 0; i < 8; i++) yield chunk;
        },
        close: () => {
          closed = true;
        },
      };
      const res = await inject(
        wsgi((_e, s) => {
          start(s);
          return body;
        }),
        '/',
      );
      expect(res.body.length).toBe(8 * chunk.length);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(closed).toBe(true);
    });

    it('should await a Promise of a body', async () => {
      const res = await inject(
        wsgi(async (_e, s) => {
          await Promise.resolve();
          start(s);
          return ['async'];
        }),
        '/',
      );
      expect(res.text).toBe('async');
    });

    it('should send a synchronous Observable whole and an asynchronous one chunked', async () => {
      const sync = await inject(
        wsgi((_e, s) => {
          start(s);
          return of('a', 'b');
        }),
        '/',
      );
      expect(sync.headers['content-length']).toBe('2');
      expect(sync.text).toBe('ab');
      const async = await inject(
        wsgi((_e, s) => {
          start(s);
          return interval(1).pipe(
            take(3),
            map((i) => `${i}`),
          );
        }),
        '/',
      );
      expect(async.headers['transfer-encoding']).toBe('chunked');
      expect(async.text).toBe('012');
    });

    it('should answer 500 when the app throws, with a traceback only in debug mode', async () => {
      const failing = wsgi(() => {
        throw new Error('secret detail');
      });
      const plain = await inject(failing, { headers: { Accept: 'application/json' } }, quiet);
      expect(plain.status).toBe(500);
      expect(plain.json<{ message: string }>().message).not.toContain('secret');
      const debug = await inject(failing, { headers: { Accept: 'application/json' } }, { ...quiet, debug: true });
      const body = debug.json<{ message: string; stack: string }>();
      expect(body.message).toBe('secret detail');
      expect(body.stack).toContain('wsgi.spec.ts');
    });

    it('should drop the connection when a streamed body fails after the headers', async () => {
      const server = await startServer(
        wsgi((_e, s) => {
          start(s);
          return new Observable<string>((subscriber) => {
            subscriber.next('partial');
            setImmediate(() => subscriber.error(new Error('mid-stream')));
          });
        }),
      );
      try {
        const result = await rawExchange(server.port, ['GET / HTTP/1.1\r\nHost: a\r\n\r\n']);
        expect(result.text).toContain('partial');
        expect(result.text.endsWith('0\r\n\r\n')).toBe(false);
        expect(result.closedByServer).toBe(true);
      } finally {
        await server.close();
      }
    });

    it('should unsubscribe a WSGI Observable body when the client goes away', async () => {
      let unsubscribed = false;
      const server = await startServer(
        wsgi((_e, s) => {
          start(s);
          return new Observable<string>((subscriber) => {
            subscriber.next('tick');
            return () => {
              unsubscribed = true;
            };
          });
        }),
      );
      try {
        const client = await RawClient.connect(server.port);
        client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
        await firstValueFrom(from(client.waitBytes(1)));
        client.destroy();
        await new Promise<void>((resolve) => {
          const check = (): void => (unsubscribed ? resolve() : void setImmediate(check));
          check();
        });
        expect(unsubscribed).toBe(true);
      } finally {
        await server.close();
      }
    });
  });
});
