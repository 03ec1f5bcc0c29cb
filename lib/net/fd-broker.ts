/**
 * Duplicates a socket descriptor without a native addon: the handle is sent to a tiny helper
 * process over IPC and sent straight back; the kernel (SCM_RIGHTS) installs a new descriptor for
 * it each way. Thread and inline workers each get their own duplicate of the listening socket,
 * because threads share one descriptor table and a thread closing a shared descriptor (when it
 * stops or is terminated) would close it for every other thread.
 *
 * The helper is started on first use, never keeps the arbiter alive (unref'd), exits when the
 * arbiter goes away (IPC disconnect), and is stopped with {@link stopFdBroker}.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const BROKER_SOURCE = `
process.on('message', (message, handle) => { if (handle) process.send(message, handle); });
process.on('disconnect', () => process.exit(0));
`;

let broker: ChildProcess | undefined;
let sequence = 0;
const waiting = new Map<number, (handle: { fd: number }) => void>();
// The returned wraps own the duplicates' numbers in this process; they are kept (never closed or
// collected) so that nothing here ever closes a descriptor a worker thread now owns.
const kept: object[] = [];

function start(): ChildProcess {
  const child = spawn(process.execPath, ['-e', BROKER_SOURCE], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.on('message', (message: unknown, handle: unknown) => {
    const id = Number(message);
    const resolve = waiting.get(id);
    if (resolve && handle) {
      waiting.delete(id);
      kept.push(handle as object);
      resolve(handle as { fd: number });
    }
  });
  child.on('exit', () => {
    if (broker === child) broker = undefined;
  });
  child.unref();
  // Adding the 'message' listener re-refs the channel on the next tick: unref it after that.
  setImmediate(() => (child as unknown as { channel?: { unref(): void } }).channel?.unref());
  return child;
}

/** A new descriptor for the socket behind `handle` (a TCP or Pipe wrap). */
export function dupHandle(handle: object): Promise<number> {
  broker ??= start();
  const child = broker;
  const id = ++sequence;
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('fd broker did not answer within 5 s'));
    }, 5000);
    timer.unref();
    waiting.set(id, (dup) => {
      clearTimeout(timer);
      resolve(dup.fd);
    });
    child.send(String(id), handle as Parameters<ChildProcess['send']>[1], { keepOpen: true }, (error) => {
      if (error) {
        clearTimeout(timer);
        waiting.delete(id);
        reject(error);
      }
    });
  });
}

export function stopFdBroker(): void {
  broker?.kill();
  broker = undefined;
}
