import type { Socket } from 'node:net';

/**
 * What a protocol (HTTP, echo, ...) gives the socket server: the server accepts connections in
 * every worker and hands each one to `handle`. The server owns accept, the connection cap and the
 * listening socket; the handler owns everything that happens on an accepted socket.
 */
export interface ConnectionHandler {
  /** Takes ownership of an accepted connection (already flowing; not paused). */
  handle(socket: Socket): void;
  /**
   * Graceful drain, called once when the worker stops: idle connections close now, in-flight
   * requests finish (their responses say `Connection: close`) and connections still open after
   * `timeoutMs` are destroyed. Resolves when every connection is closed.
   */
  drain(timeoutMs: number): Promise<void>;
  /** Requests (or messages) served so far, reported in `info` and used by `max_requests`. */
  readonly served: number;
  /** Connections currently open. */
  readonly connections: number;
}
