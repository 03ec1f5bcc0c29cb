import type { Socket } from 'node:net';
import type { ConnectionHandler } from './connection-handler';

/**
 * The echo protocol (pulsar's echo example): every byte received is written back, with
 * backpressure — reading pauses while the peer is slow to read what we send.
 */
export function echoHandler(options: { keepAlive?: number } = {}): ConnectionHandler {
  const sockets = new Set<Socket>();
  let served = 0;
  return {
    get served() {
      return served;
    },
    get connections() {
      return sockets.size;
    },
    handle(socket) {
      sockets.add(socket);
      if (options.keepAlive) socket.setTimeout(options.keepAlive * 1000, () => socket.end());
      socket.on('data', (chunk) => {
        served++;
        if (!socket.write(chunk)) socket.pause();
      });
      socket.on('drain', () => socket.resume());
      socket.on('end', () => socket.end());
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    },
    drain(timeoutMs) {
      for (const socket of sockets) socket.end();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, timeoutMs);
        const check = (): void => {
          if (sockets.size === 0) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 10).unref();
        };
        check();
      });
    },
  };
}
