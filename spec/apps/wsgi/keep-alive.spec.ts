/**
 * Connection management over real sockets: keep-alive, Connection: close, pipelining order,
 * HEAD, 100-continue, chunked bodies both ways, backpressure.
 */
import { delay, firstValueFrom, interval, map, of, take, timer } from 'rxjs';
import { reactive, type HttpApp } from 'rxpulsar/apps/wsgi';
import { HttpResponse } from 'rxpulsar/operators';
import { RawClient, rawExchange, startServer, turns, until, type TestServer } from './raw-client';

describe('HTTP engine: connections (raw sockets)', () => {
  let server: TestServer;

  beforeAll(async () => {
    const app: HttpApp = reactive(async (req) => {
      switch (req.path) {
        case '/slow':
          // Finishes after the requests pipelined behind it.
          await firstValueFrom(timer(30));
          return HttpResponse.text('slow');
        case '/fast':
          return HttpResponse.text('fast');
        case '/echo':
          return HttpResponse.text(`echo:${await req.text()}`);
        case '/stream':
          return new HttpResponse(interval(1).pipe(take(3), map((i) => `part${i};`)), { headers: { 'content-type': 'text/plain' } });
        case '/close':
          return HttpResponse.text('bye', { headers: { connection: 'close' } });
        default:
          return HttpResponse.text(`path ${req.path}`);
      }
    });
    server = await startServer(app, { maxRequestsPerConnection: 0 });
  });
  afterAll(() => server.close());

  it('should keep HTTP/1.1 connections alive by default', async () => {
    const client = await RawClient.connect(server.port);
    client.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    let responses = await client.responses(1);
    expect(responses[0].text).toBe('path /a');
    expect(responses[0].headers.connection).toBeUndefined();
    client.write('GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    responses = await client.responses(2);
    expect(responses[1].text).toBe('path /b');
    expect(client.closed).toBe(false);
    client.destroy();
  });

  it('should close HTTP/1.0 connections unless keep-alive is asked for', async () => {
    const plain = await rawExchange(server.port, ['GET /old HTTP/1.0\r\n\r\n']);
    expect(plain.responses[0].headers.connection).toBe('close');
    expect(plain.closedByServer).toBe(true);

    const client = await RawClient.connect(server.port);
    client.write('GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const [first] = await client.responses(1);
    expect(first.headers.connection).toBe('keep-alive');
    client.write('GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const responses = await client.responses(2);
    expect(responses[1].text).toBe('path /2');
    client.destroy();
  });

  it('should close after Connection: close from the client or the handler', async () => {
    const fromClient = await rawExchange(server.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(fromClient.responses[0].headers.connection).toBe('close');
    expect(fromClient.closedByServer).toBe(true);
    const fromHandler = await rawExchange(server.port, ['GET /close HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(fromHandler.responses.map((r) => r.text)).toEqual(['bye']);
    expect(fromHandler.closedByServer).toBe(true);
  });

  it('should answer pipelined requests in request order whatever order handlers finish in', async () => {
    const result = await rawExchange(
      server.port,
      ['GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    );
    expect(result.responses.map((r) => r.text)).toEqual(['slow', 'fast', 'echo:hi', 'fast']);
    expect(result.closedByServer).toBe(true);
  });

  it('should skip an unread request body and keep the connection usable', async () => {
    const result = await rawExchange(server.port, [
      'POST /fast HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello',
      ' world',
      'GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    expect(result.responses.map((r) => r.text)).toEqual(['fast', 'path /a']);
  });

  it('should send HEAD responses without a body but with the GET length', async () => {
    const result = await rawExchange(server.port, ['HEAD /abc HTTP/1.1\r\nHost: x\r\n\r\nGET /abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], {
      heads: [true, false],
    });
    expect(result.responses[0].headers['content-length']).toBe('9');
    expect(result.responses[0].body.length).toBe(0);
    expect(result.responses[1].text).toBe('path /abc');
    // The raw bytes prove no body followed the HEAD head.
    expect(result.text.indexOf('HTTP/1.1 200', 10)).toBe(result.text.indexOf('\r\n\r\n') + 4);
  });

  it('should answer HEAD on a streamed body without producing it', async () => {
    const result = await rawExchange(server.port, ['HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], {
      heads: [true, false],
    });
    expect(result.responses[0].headers['transfer-encoding']).toBe('chunked');
    expect(result.responses[1].text).toBe('path /after');
    expect(result.text).not.toContain('part0');
  });

  it('should hold requests beyond maxPipelined until earlier ones are answered', async () => {
    const limited = await startServer(
      reactive(async (req) => {
        await firstValueFrom(timer(1));
        return HttpResponse.text(req.path);
      }),
      { maxPipelined: 2 },
    );
    try {
      const requests = Array.from({ length: 10 }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n${i === 9 ? 'Connection: close\r\n' : ''}\r\n`).join('');
      const result = await rawExchange(limited.port, [requests]);
      expect(result.responses.map((r) => r.text)).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`));
    } finally {
      await limited.close();
    }
  });

  it('should stream bodies of unknown length chunked', async () => {
    const result = await rawExchange(server.port, ['GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(result.responses[0].headers['transfer-encoding']).toBe('chunked');
    expect(result.responses[0].text).toBe('part0;part1;part2;');
    expect(result.text).toContain('\r\n6\r\npart0;\r\n');
    expect(result.text.endsWith('0\r\n\r\n')).toBe(true);
  });

  it('should delimit unknown lengths by closing for HTTP/1.0', async () => {
    const result = await rawExchange(server.port, ['GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n']);
    expect(result.responses[0].headers['transfer-encoding']).toBeUndefined();
    expect(result.responses[0].headers.connection).toBe('close');
    expect(result.responses[0].text).toBe('part0;part1;part2;');
    expect(result.closedByServer).toBe(true);
  });

  it('should send 100 Continue before reading an expected body', async () => {
    const client = await RawClient.connect(server.port);
    client.write('POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    await until(() => client.raw.toString().includes('100 Continue'));
    expect(client.raw.toString()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    client.write('hello');
    const [response] = await client.responses(1);
    expect(response.text).toBe('echo:hello');
    client.destroy();
  });

  it('should not send 100 Continue when the handler answers at once', async () => {
    const refusing = await startServer(reactive(() => HttpResponse.text('login first', { status: 401 })));
    try {
      const result = await rawExchange(refusing.port, ['POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n']);
      expect(result.text.startsWith('HTTP/1.1 401')).toBe(true);
      expect(result.text).not.toContain('100 Continue');
    } finally {
      await refusing.close();
    }
  });

  it('should not send 100 Continue when the body is refused by its length', async () => {
    const result = await rawExchange(server.port, ['POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n']);
    expect(result.text.startsWith('HTTP/1.1 413')).toBe(true);
  });

  it('should close a connection after maxRequestsPerConnection', async () => {
    const limited = await startServer(reactive(() => 'x'), { maxRequestsPerConnection: 2 });
    try {
      const result = await rawExchange(limited.port, ['GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n']);
      expect(result.responses).toHaveLength(2);
      expect(result.responses[1].headers.connection).toBe('close');
      expect(result.closedByServer).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('should abort pending requests when the client half-closes (as node:http does)', async () => {
    const result = await rawExchange(server.port, ['GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'], { end: true });
    expect(result.responses).toHaveLength(0);
    expect(result.closedByServer).toBe(true);
  });

  it('should finish responses to a half-closed client with allowHalfOpen', async () => {
    const halfOpen = await startServer(
      reactive(async () => {
        await firstValueFrom(timer(10));
        return HttpResponse.text('still here');
      }),
      { allowHalfOpen: true },
    );
    try {
      const result = await rawExchange(halfOpen.port, ['GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n'], { end: true });
      expect(result.responses.map((r) => r.text)).toEqual(['still here', 'still here']);
      expect(result.responses[1].headers.connection).toBe('close');
      expect(result.closedByServer).toBe(true);
    } finally {
      await halfOpen.close();
    }
  });
});

describe('HTTP engine: backpressure', () => {
  it('should stop reading pipelined requests while the client does not read responses', async () => {
    let dispatched = 0;
    const big = Buffer.alloc(256 * 1024, 0x61);
    const server = await startServer(
      reactive(() => {
        dispatched++;
        return new HttpResponse(big);
      }),
      { maxPipelined: 4 },
    );
    try {
      const client = await RawClient.connect(server.port);
      client.socket.pause(); // the client reads nothing
      const requests = 200;
      client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(requests));
      await until(() => dispatched > 0);
      await turns(50);
      // Kernel buffers absorb a few responses; the server must not have served them all.
      expect(dispatched).toBeLessThan(requests / 2);
      client.socket.resume();
      await client.waitBytes(requests * big.length);
      expect(dispatched).toBe(requests);
      const responses = await client.responses(requests);
      expect(responses).toHaveLength(requests);
      expect(responses.every((r) => r.body.length === big.length)).toBe(true);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('should pause reading while a request body is not consumed', async () => {
    let resolveRead: (() => void) | undefined;
    let request: import('rxpulsar/operators').HttpRequest | undefined;
    const server = await startServer(
      reactive(async (req) => {
        request = req;
        await new Promise<void>((resolve) => (resolveRead = resolve));
        return HttpResponse.text(String((await req.buffer()).length));
      }),
      { maxBodySize: 64 * 1024 * 1024 },
    );
    try {
      const size = 32 * 1024 * 1024;
      const client = await RawClient.connect(server.port);
      client.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      let written = 0;
      const writer = (async () => {
        while (written < size) {
          const n = Math.min(chunk.length, size - written);
          written += n;
          if (!client.socket.write(chunk.subarray(0, n))) await new Promise((resolve) => client.socket.once('drain', resolve));
        }
      })();
      await until(() => resolveRead !== undefined);
      await turns(200);
      // The server stopped reading: what it holds is bounded by its high-water mark plus the
      // bytes already in flight, and the client cannot finish writing.
      expect(request?.body$.received ?? 0).toBeLessThan(4 * 1024 * 1024);
      expect(written).toBeLessThan(size);
      resolveRead?.();
      await writer;
      const [response] = await client.responses(1);
      expect(response.text).toBe(String(size));
      client.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('HTTP engine: observable timing', () => {
  it('should serve a delayed Observable response', async () => {
    const server = await startServer(reactive(() => of(HttpResponse.text('later')).pipe(delay(5))));
    try {
      const result = await rawExchange(server.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
      expect(result.responses[0].text).toBe('later');
    } finally {
      await server.close();
    }
  });
});
