/**
 * Timeouts (slowloris, slow bodies, idle keep-alive) and graceful drain, in virtual time: the
 * server's clock is a VirtualTimeScheduler advanced by the test, sockets are real.
 */
import { Subject, VirtualTimeScheduler, firstValueFrom } from 'rxjs';
import { reactive } from 'rxpulsar/apps/wsgi';
import { HttpResponse } from 'rxpulsar/operators';
import { RawClient, startServer, turns, until, type TestServer } from './raw-client';

function advance(scheduler: VirtualTimeScheduler, to: number): void {
  scheduler.maxFrames = to;
  scheduler.flush();
}

describe('HTTP engine: timeouts (virtual time)', () => {
  let scheduler: VirtualTimeScheduler;
  let server: TestServer;
  let release: Subject<void>;

  beforeEach(async () => {
    scheduler = new VirtualTimeScheduler();
    release = new Subject<void>();
    server = await startServer(
      reactive(async (req) => {
        if (req.path === '/wait') await firstValueFrom(release);
        return HttpResponse.text(`done ${await req.text()}`);
      }),
      { scheduler, headersTimeout: 5000, requestTimeout: 20_000, keepAliveTimeout: 10_000, timerResolution: 1000 },
    );
  });
  afterEach(() => server.close());

  it('should answer 408 and close when headers do not complete in time (slowloris)', async () => {
    const client = await RawClient.connect(server.port);
    const partial = 'GET / HTTP/1.1\r\nHost: a\r\nX-Drip: ';
    // One byte per virtual second: the limit counts from the first byte, not the last.
    for (let i = 0; i < partial.length && i < 4; i++) {
      client.write(partial[i]);
      await turns(5);
      advance(scheduler, (i + 1) * 1000);
    }
    client.write(partial.slice(4));
    await turns(5);
    expect(client.bytes).toBe(0);
    advance(scheduler, 6000);
    await client.closedByServer();
    const [response] = await client.responses(1);
    expect(response.status).toBe(408);
    expect(response.headers.connection).toBe('close');
  });

  it('should answer 408 when the body does not arrive within requestTimeout', async () => {
    const client = await RawClient.connect(server.port);
    client.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345');
    await turns(10);
    advance(scheduler, 19_000);
    await turns(5);
    expect(client.closed).toBe(false);
    advance(scheduler, 21_000);
    await client.closedByServer();
    const [response] = await client.responses(1);
    expect(response.status).toBe(408);
  });

  it('should close an idle keep-alive connection silently', async () => {
    const client = await RawClient.connect(server.port);
    client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await client.responses(1);
    advance(scheduler, 9000);
    await turns(5);
    expect(client.closed).toBe(false);
    advance(scheduler, 12_000);
    await client.closedByServer();
    expect((await client.responses(2)).length).toBe(1);
  });

  it('should close a connection that never sends anything', async () => {
    const client = await RawClient.connect(server.port);
    await until(() => server.handler.connections === 1);
    advance(scheduler, 12_000);
    await client.closedByServer();
    expect(client.bytes).toBe(0);
    await until(() => server.handler.connections === 0);
  });

  it('should not time out a request whose handler is still working', async () => {
    const client = await RawClient.connect(server.port);
    client.write('GET /wait HTTP/1.1\r\nHost: a\r\n\r\n');
    await turns(10);
    advance(scheduler, 60_000);
    await turns(5);
    expect(client.closed).toBe(false);
    release.next();
    const [response] = await client.responses(1);
    expect(response.text).toBe('done ');
    client.destroy();
  });
});

describe('HTTP engine: graceful drain (virtual time)', () => {
  it('should close idle connections at the next sweep and resolve', async () => {
    const scheduler = new VirtualTimeScheduler();
    const server = await startServer(reactive(() => 'x'), { scheduler });
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await client.responses(1);
      const drain = server.handler.drain(5000);
      advance(scheduler, 2000); // idle for DRAIN_IDLE_MS (1 s) plus one clock resolution
      await drain;
      await client.closedByServer();
      expect(server.handler.connections).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('should serve a request that races the drain of an idle connection, with Connection: close', async () => {
    const scheduler = new VirtualTimeScheduler();
    const server = await startServer(reactive(() => 'raced'), { scheduler });
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await client.responses(1);
      const drain = server.handler.drain(5000);
      client.write('GET /next HTTP/1.1\r\nHost: a\r\n\r\n');
      const responses = await client.responses(2);
      expect(responses[1].text).toBe('raced');
      expect(responses[1].headers.connection).toBe('close');
      await drain;
      expect(server.handler.connections).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('should let in-flight requests finish with Connection: close', async () => {
    const scheduler = new VirtualTimeScheduler();
    const release = new Subject<void>();
    const server = await startServer(
      reactive(async () => {
        await firstValueFrom(release);
        return HttpResponse.text('finished');
      }),
      { scheduler },
    );
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await until(() => release.observed);
      let drained = false;
      const drain = server.handler.drain(5000).then(() => (drained = true));
      await turns(5);
      expect(drained).toBe(false);
      release.next();
      const [response] = await client.responses(1);
      expect(response.text).toBe('finished');
      expect(response.headers.connection).toBe('close');
      await drain;
      expect(server.handler.connections).toBe(0);
      expect(server.handler.served).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('should destroy connections still open after the timeout', async () => {
    const scheduler = new VirtualTimeScheduler();
    const server = await startServer(reactive(() => new Promise<never>(() => undefined)), { scheduler });
    try {
      const client = await RawClient.connect(server.port);
      client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await until(() => server.handler.connections === 1);
      await turns(5);
      const drain = server.handler.drain(3000);
      advance(scheduler, 3000);
      await drain;
      await client.closedByServer();
      expect(server.handler.connections).toBe(0);
    } finally {
      await server.close();
    }
  });
});
