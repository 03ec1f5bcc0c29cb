/**
 * Upgrade requests (WebSocket handshakes) handed over through `onUpgrade`.
 */
import type { Socket } from 'node:net';
import { reactive } from 'rxpulsar/apps/wsgi';
import { HttpResponse, type HttpRequest } from 'rxpulsar/operators';
import { RawClient, rawExchange, startServer, until } from './raw-client';

const UPGRADE = 'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

describe('HTTP engine: upgrade', () => {
  it('should hand the socket, the request and the bytes after it to onUpgrade', async () => {
    let handed: { request: HttpRequest; socket: Socket; head: Buffer } | undefined;
    const server = await startServer(reactive(() => HttpResponse.text('plain')), {
      onUpgrade: (request, socket, head) => {
        handed = { request, socket, head };
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
        socket.on('data', (chunk: Buffer) => socket.write(chunk));
        if (head.length > 0) socket.write(head);
        socket.resume();
      },
    });
    try {
      const client = await RawClient.connect(server.port);
      // A request answered first, then the upgrade with early bytes in the same packet.
      client.write(`GET /before HTTP/1.1\r\nHost: a\r\n\r\n${UPGRADE}early`);
      await until(() => handed !== undefined);
      expect(handed?.request.path).toBe('/chat');
      expect(handed?.request.headers.upgrade).toBe('websocket');
      expect(handed?.head.toString()).toBe('early');
      client.write('-after');
      await until(() => client.raw.toString().endsWith('early-after'));
      const text = client.raw.toString();
      expect(text.indexOf('plain')).toBeLessThan(text.indexOf('101 Switching'));
      // The HTTP engine let go of the connection.
      expect(server.handler.connections).toBe(0);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('should serve an upgrade request as plain HTTP and close when nobody takes upgrades', async () => {
    const server = await startServer(reactive((req) => HttpResponse.text(`plain ${req.path}`)));
    try {
      const result = await rawExchange(server.port, [`${UPGRADE}GET /next HTTP/1.1\r\nHost: a\r\n\r\n`]);
      expect(result.responses.map((r) => r.text)).toEqual(['plain /chat']);
      expect(result.responses[0].headers.connection).toBe('close');
      expect(result.closedByServer).toBe(true);
    } finally {
      await server.close();
    }
  });
});
