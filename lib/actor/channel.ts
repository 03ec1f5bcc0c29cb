/**
 * A duplex message channel between an actor and the arbiter, seen as an Observable of incoming
 * messages plus `post`. Three transports: a MessagePort-like endpoint (worker threads), the IPC
 * channel of a child process, and an in-memory pair for inline actors. Across threads and
 * processes messages travel in the flat encoding of `wire.ts`; inline, as they are.
 */
import { Observable, Subject, type Subscriber } from 'rxjs';
import { createError, serializeError } from '../errors';
import type { WireMessage } from './protocol';
import { decodeBatch, encodeInto, isWireBatch, newBatch, type WireBatch } from './wire';
import { fromIpc, toIpc, type IpcTransfer } from './wire-ipc';

export interface Channel {
  /** Incoming messages; completes when the other side goes away. */
  readonly message$: Observable<WireMessage>;
  post(message: WireMessage): void;
}

/**
 * Most messages one transfer carries. Messages posted in one turn of the event loop leave
 * together, as a socket server corks its writes: a postMessage / IPC send costs mostly per call.
 * But a whole window of requests in one transfer leaves the other thread idle until all of them
 * were produced, and its replies come back as one transfer again: the two threads take turns.
 * Cutting transfers at 8 lets the receiver start on the first messages while the sender is still
 * producing (measured with 32 requests in flight, thread actor: 1 transfer per turn ≈ 120k round
 * trips/s, at most 8 per transfer ≈ 230k; 2 → 195k, 16 → 235k).
 */
const MAX_BATCH = 8;

/** Settles after the current microtasks: cheaper than `queueMicrotask` (no async resource). */
const resolved = Promise.resolve();

/**
 * Coalesces the messages posted during one turn into transfers of at most {@link MAX_BATCH}. A
 * lone message waits only for the current microtask queue, or less: `flush` sends what is
 * waiting at once (the channel calls it when it has handled an incoming transfer). A transfer the
 * transport refuses (a value that cannot be cloned) is sent again message by message, so that
 * only the message at fault is lost, and `refuse` answers for it.
 */
function batched(
  send: (batch: WireBatch) => void,
  refuse: (message: WireMessage, error: unknown) => void,
): { post: (message: WireMessage) => void; flush: () => void } {
  let batch: WireBatch | undefined;
  let count = 0;
  const sendApart = (failed: WireBatch): void =>
    decodeBatch(failed, (message) => {
      const single = newBatch();
      encodeInto(single, message);
      try {
        send(single);
      } catch (error) {
        refuse(message, error);
      }
    });
  const flush = (): void => {
    if (batch === undefined) return;
    const out = batch;
    batch = undefined;
    count = 0;
    try {
      send(out);
    } catch {
      sendApart(out);
    }
  };
  const post = (message: WireMessage): void => {
    if (batch === undefined) {
      batch = newBatch();
      void resolved.then(flush);
    }
    encodeInto(batch, message);
    if (++count === MAX_BATCH) flush();
  };
  return { post, flush };
}

/**
 * What stands in for a message that cannot be cloned, so that nothing waits for it in vain: a
 * request fails its caller, a reply becomes an error reply (and a stream's handler is cancelled).
 * `local` feeds a message to this side's subscribers as if it had come from the peer.
 */
function refuser(post: (message: WireMessage) => void, local: (message: WireMessage) => void) {
  return (message: WireMessage, cause: unknown): void => {
    const error = createError('RXP_ERR_UNCLONEABLE', message.k, (cause as Error)?.message ?? String(cause));
    switch (message.k) {
      case 'req':
        if (message.ack) local({ k: 'err', id: message.id, to: message.from, e: serializeError(error, false) });
        else process.emitWarning(error);
        return;
      case 'res':
      case 'next':
        post({ k: 'err', id: message.id, to: message.to, e: serializeError(error, false) });
        // The caller stops at the error; the stream behind it is told so.
        if (message.k === 'next') local({ k: 'cancel', id: message.id, from: message.to, to: '' });
        return;
      case 'err':
        // Its `data` was the problem: the error goes without it.
        post({ k: 'err', id: message.id, to: message.to, e: { name: message.e.name, message: message.e.message, code: message.e.code } });
        return;
      default:
        // `done` and `cancel` hold only primitives.
        process.emitWarning(error);
    }
  };
}

/** The batch a transport's message carries, or undefined when the message is not ours. */
type Unwrap = (data: unknown) => WireBatch | undefined;

/** Port messages are batches as posted (a structured clone). */
const portBatch: Unwrap = (data) => (isWireBatch(data) ? data : undefined);

/**
 * Feeds a received transfer to the subscriber (anything else on the transport is not ours and
 * is ignored); a malformed one errors the stream.
 */
function receive(subscriber: Subscriber<WireMessage>, data: unknown, unwrap: Unwrap): void {
  try {
    const batch = unwrap(data);
    if (batch !== undefined) decodeBatch(batch, (message) => subscriber.next(message));
  } catch (error) {
    subscriber.error(error);
  }
}

/** Where transfers come from: `message` events, and an event that ends the channel. */
interface Source {
  on(event: string, listener: (data: unknown) => void): unknown;
  off(event: string, listener: (data: unknown) => void): unknown;
}

/** A MessagePort, or anything that receives and posts like one. */
export interface PortLike extends Source {
  postMessage(data: WireBatch): void;
}

/**
 * A channel over a transport: incoming transfers of ours (`unwrap`) from `source`'s message events
 * until `endEvent`, outgoing ones through `send` (which throws when a value cannot be cloned).
 */
function wireChannel(source: Source, endEvent: string, unwrap: Unwrap, send: (batch: WireBatch) => void): Channel {
  // Each subscriber listens on its own (one each in practice: the router or the actor's inbox);
  // `local` reaches them all.
  const subscribers = new Set<Subscriber<WireMessage>>();
  const message$ = new Observable<WireMessage>((subscriber) => {
    // Messages that are not ours (listening sockets passed over IPC) share the transport. What
    // handling a transfer posted synchronously (the replies of synchronous commands, requests
    // routed on) leaves at once: all of it was produced, and waiting for the end of the turn
    // only delays it.
    const onMessage = (data: unknown): void => {
      receive(subscriber, data, unwrap);
      outgoing.flush();
    };
    const onEnd = (): void => subscriber.complete();
    subscribers.add(subscriber);
    source.on('message', onMessage);
    source.on(endEvent, onEnd);
    return () => {
      subscribers.delete(subscriber);
      source.off('message', onMessage);
      source.off(endEvent, onEnd);
    };
  });
  // Delivered on a later microtask, never inside the `post` that failed.
  const local = (message: WireMessage): void =>
    void resolved.then(() => {
      for (const subscriber of subscribers) subscriber.next(message);
    });
  const outgoing = batched(send, refuser((message) => outgoing.post(message), local));
  return { message$, post: outgoing.post };
}

/** A MessagePort-like end: the thread host's port (arbiter side) or the worker's (actor side). */
export function portChannel(port: PortLike, endEvent: 'close' | 'exit' = 'close'): Channel {
  return wireChannel(port, endEvent, portBatch, (batch) => port.postMessage(batch));
}

/** A ChildProcess or `process` in a child: an IPC channel ending with `disconnect`. */
interface IpcLike extends Source {
  connected: boolean;
  send?(data: IpcTransfer): boolean;
}

/**
 * A child process (arbiter side) or `process` itself (actor side), with an IPC channel in Node's
 * `json` serialization: plain data goes as JSON, everything else as a structured clone inside
 * it (`wire-ipc.ts`).
 */
export function ipcChannel(target: IpcLike): Channel {
  return wireChannel(target, 'disconnect', fromIpc, (batch) => {
    // A message to a process that already went away is dropped: its exit is reported separately.
    if (target.connected && target.send) target.send(toIpc(batch));
  });
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
