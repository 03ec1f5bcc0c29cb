/**
 * The arbiter binds the `bind` address once, for the life of the application, and hands the
 * bound socket to every worker, which listens and accepts on it (cluster's SCHED_NONE model):
 * the kernel spreads connections over the workers, and the arbiter never accepts one itself.
 *
 * The bound, not-yet-listening handle comes from `net._createServerHandle`, the internal that
 * `cluster` uses for exactly this; it is isolated here. Process workers receive the handle over
 * IPC (the kernel duplicates the descriptor); threads share our descriptor table, so each thread
 * gets its own duplicate (see `fd-broker.ts`) and closing it never closes the others'.
 */
import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import { unlinkSync, existsSync } from 'node:fs';
import { createError } from '../errors';
import type { BindAddress } from './address';

export interface ListenHandle {
  /** The native handle (TCP or Pipe wrap) to send over IPC. */
  readonly handle: object;
  readonly fd: number;
  /** Where it is bound (the port filled in when 0 was asked). */
  readonly address: BindAddress;
  close(): void;
}

interface NativeHandle {
  readonly fd: number;
  getsockname?(out: Record<string, unknown>): number;
  close(): void;
}

type CreateServerHandle = (address: string | null, port: number, addressType: number, fd: number | undefined, flags: number) => NativeHandle | number;

export async function bindListenHandle(address: BindAddress): Promise<ListenHandle> {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== 'function') throw createError('RXP_ERR_BIND', describe(address), 'this Node.js has no net._createServerHandle');
  if (address.kind === 'unix') {
    // A stale socket file from a dead server would make bind fail; a live one must not be taken.
    if (existsSync(address.path)) {
      if (await answers(address.path)) throw createError('RXP_ERR_BIND', describe(address), 'a server is listening there');
      unlinkSync(address.path);
    }
    const handle = create(address.path, -1, -1, undefined, 0);
    if (typeof handle === 'number') throw createError('RXP_ERR_BIND', describe(address), errname(handle));
    return { handle, fd: handle.fd, address, close: () => closeUnix(handle, address.path) };
  }
  const { address: ip, family } = net.isIP(address.host) ? { address: address.host, family: net.isIP(address.host) } : await lookup(address.host);
  if (address.port !== 0) await probe(ip, address.port, address);
  const handle = create(ip, address.port, family, undefined, 0);
  if (typeof handle === 'number') throw createError('RXP_ERR_BIND', describe(address), errname(handle));
  const out: Record<string, unknown> = {};
  const err = handle.getsockname?.(out) ?? 0;
  if (err) throw createError('RXP_ERR_BIND', describe(address), errname(err));
  return { handle, fd: handle.fd, address: { kind: 'tcp', host: ip, port: Number(out.port) }, close: () => handle.close() };
}

/** libuv reports EADDRINUSE only at listen time: find out now, with a throwaway listener. */
function probe(host: string, port: number, address: BindAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error) => reject(createError('RXP_ERR_BIND', describe(address), (error as Error).message)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function closeUnix(handle: NativeHandle, path: string): void {
  handle.close();
  try {
    unlinkSync(path);
  } catch {
    // already removed
  }
}

function describe(address: BindAddress): string {
  return address.kind === 'unix' ? `unix:${address.path}` : `${address.host}:${address.port}`;
}

function errname(code: number): string {
  try {
    return (require('node:util') as typeof import('node:util')).getSystemErrorName(code);
  } catch {
    return `error ${code}`;
  }
}
