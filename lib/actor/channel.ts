/**
 * A duplex message channel between an actor and the arbiter, seen as an Observable of incoming
 * messages plus `post`. Three transports: a MessagePort-like endpoint (worker threads), the IPC
 * channel of a child process, and an in-memory pair for inline actors.
 */
import { Observable, Subject, share } from 'rxjs';
import type { WireMessage } from './protocol';

export interface Channel {
  /** Incoming messages; completes when the other side goes away. */
  readonly message$: Observable<WireMessage>;
  post(message: WireMessage): void;
}

interface PortLike {
  on(event: 'message', listener: (message: WireMessage | WireMessage[]) => void): unknown;
  on(event: 'close' | 'exit', listener: () => void): unknown;
  off(event: 'message', listener: (message: WireMessage | WireMessage[]) => void): unknown;
  off(event: 'close' | 'exit', listener: () => void): unknown;
  postMessage(message: WireMessage[]): void;
}

/**
 * Coalesces the messages posted during one turn of the event loop into one transfer (an array),
 * as a socket server corks its writes: the cost of a postMessage / IPC send is mostly per call,
 * so many requests in flight share it. A lone message waits only for the current microtask queue.
 */
function batched(send: (batch: WireMessage[]) => void): (message: WireMessage) => void {
  let batch: WireMessage[] | undefined;
  const flush = (): void => {
    const out = batch!;
    batch = undefined;
    send(out);
  };
  return (message) => {
    if (batch) batch.push(message);
    else {
      batch = [message];
      queueMicrotask(flush);
    }
  };
}

/** Feeds a received transfer (one message or a batch) to the subscriber. */
function unbatch(subscriber: { next(m: WireMessage): void }, data: WireMessage | WireMessage[]): void {
  if (Array.isArray(data)) for (const m of data) subscriber.next(m);
  else subscriber.next(data);
}

/** A worker thread's `Worker` (arbiter side) or `parentPort` (actor side). */
export function portChannel(port: PortLike, endEvent: 'close' | 'exit' = 'close'): Channel {
  const message$ = new Observable<WireMessage>((subscriber) => {
    const onMessage = (message: WireMessage | WireMessage[]): void => unbatch(subscriber, message);
    const onEnd = (): void => subscriber.complete();
    port.on('message', onMessage);
    port.on(endEvent, onEnd);
    return () => {
      port.off('message', onMessage);
      port.off(endEvent, onEnd);
    };
  }).pipe(share());
  return { message$, post: batched((batch) => port.postMessage(batch)) };
}

interface IpcLike {
  connected: boolean;
  on(event: 'message', listener: (message: WireMessage | WireMessage[]) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  off(event: 'message', listener: (message: WireMessage | WireMessage[]) => void): unknown;
  off(event: 'disconnect', listener: () => void): unknown;
  send?(message: WireMessage[]): boolean;
}

/** A child process (arbiter side) or `process` itself (actor side), with an IPC channel. */
export function ipcChannel(target: IpcLike): Channel {
  const message$ = new Observable<WireMessage>((subscriber) => {
    // Handle-carrying messages (listening sockets) share the IPC channel; they are not ours.
    const onMessage = (message: WireMessage | WireMessage[]): void => {
      if (Array.isArray(message) || (message !== null && typeof message === 'object' && 'k' in message)) unbatch(subscriber, message);
    };
    const onEnd = (): void => subscriber.complete();
    target.on('message', onMessage);
    target.on('disconnect', onEnd);
    return () => {
      target.off('message', onMessage);
      target.off('disconnect', onEnd);
    };
  }).pipe(share());
  return {
    message$,
    post: batched((batch) => {
      // A message to a process that already went away is dropped: its exit is reported separately.
      if (target.connected && target.send) target.send(batch);
    }),
  };
}

/**
 * Two connected in-memory ends. Delivery is asynchronous (a microtask), as it is across threads,
 * so an inline actor behaves like a remote one: no re-entrancy into the sender's call stack.
 */
export function inlineChannelPair(): [Channel, Channel, () => void] {
  const toA = new Subject<WireMessage>();
  const toB = new Subject<WireMessage>();
  let closed = false;
  const deliver = (subject: Subject<WireMessage>) => (message: WireMessage) => {
    if (closed) return;
    queueMicrotask(() => {
      if (!closed) subject.next(message);
    });
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    toA.complete();
    toB.complete();
  };
  return [
    { message$: toA.asObservable(), post: deliver(toB) },
    { message$: toB.asObservable(), post: deliver(toA) },
    close,
  ];
}
