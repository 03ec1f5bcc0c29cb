/**
 * The mailbox wire protocol: what travels between an actor and the arbiter over a MessagePort
 * (threads), the IPC channel (processes) or an in-memory pair (inline actors).
 *
 * The topology is a star, as in pulsar: every actor has one duplex channel to the arbiter, which
 * routes by `to`. A request is answered by `res` (one value, then complete: the common case, one
 * message) or by a stream of `next` ending in `done`, or by `err`. The requester may `cancel`
 * before the end; the handler's subscription is then torn down on the remote side.
 *
 * In memory, messages are small plain objects; `k` is the kind. Between threads and processes
 * they travel flattened (`wire.ts`).
 */
import type { SerializedError } from '../errors';

/** A command sent to `to`; `ack: false` means nobody waits for a reply (heartbeats). */
export interface RequestMessage {
  readonly k: 'req';
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly cmd: string;
  readonly args: readonly unknown[];
  readonly ack: boolean;
}

/** One value and completion (the reply of an ordinary command). */
export interface ResultMessage {
  readonly k: 'res';
  readonly id: number;
  readonly to: string;
  readonly v: unknown;
}

/** One value of a streamed reply. */
export interface NextMessage {
  readonly k: 'next';
  readonly id: number;
  readonly to: string;
  readonly v: unknown;
}

/** End of a streamed reply. */
export interface DoneMessage {
  readonly k: 'done';
  readonly id: number;
  readonly to: string;
}

export interface ErrorMessage {
  readonly k: 'err';
  readonly id: number;
  readonly to: string;
  readonly e: SerializedError;
}

/** The requester unsubscribed: stop the work for request `id` of `from`. */
export interface CancelMessage {
  readonly k: 'cancel';
  readonly id: number;
  readonly from: string;
  readonly to: string;
}

export type ReplyMessage = ResultMessage | NextMessage | DoneMessage | ErrorMessage;
export type WireMessage = RequestMessage | ReplyMessage | CancelMessage;

export function isReply(message: WireMessage): message is ReplyMessage {
  return message.k === 'res' || message.k === 'next' || message.k === 'done' || message.k === 'err';
}

/** Address of the arbiter. */
export const ARBITER = 'arbiter';
