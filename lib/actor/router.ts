/**
 * The arbiter's message router (pulsar's "proxy server"): every actor's channel ends here, and
 * every message is delivered by its `to` — to a local mailbox (the arbiter, monitors) or down the
 * channel of a remote actor. It remembers which requests are in flight to which actor, so that
 * when an actor dies its callers get `RXP_ERR_ACTOR_STOPPED` at once instead of a timeout, and the
 * work a dead actor had asked for elsewhere is cancelled.
 */
import type { Subscription } from 'rxjs';
import { createError, serializeError } from '../errors';
import type { Channel } from './channel';
import { isReply, type WireMessage } from './protocol';
import { RequestMap } from './request-map';

interface Endpoint {
  readonly name: string;
  readonly deliver: (message: WireMessage) => void;
  readonly subscription?: Subscription;
}

export class Router {
  readonly #endpoints = new Map<string, Endpoint>();
  /** Where each request in flight went (its target's address), by (caller, id), until its final reply. */
  readonly #inflight = new RequestMap<string>();

  /** A mailbox living in this thread (arbiter, monitor), addressed by `address`. */
  registerLocal(address: string, receive: (message: WireMessage) => void): void {
    // Requests and cancels are deferred to a microtask, so a handler never runs inside its
    // caller's stack; replies only settle a pending request, and go straight through.
    this.#endpoints.set(address, { name: address, deliver: (m) => (isReply(m) ? receive(m) : queueMicrotask(() => receive(m))) });
  }

  unregisterLocal(address: string): void {
    this.detach(address, 'unregistered');
  }

  /** Connects a remote actor's channel: its messages are routed, messages to `aid` go down it. */
  attach(aid: string, name: string, channel: Channel): void {
    this.detach(aid, 'replaced');
    const subscription = channel.message$.subscribe({
      next: (message) => this.route(message),
      // A transfer it cannot decode: the actor is cut off (its callers fail at once); it stops
      // heart-beating through this channel, so its supervisor replaces it.
      error: (error: unknown) => this.detach(aid, (error as Error).message),
    });
    this.#endpoints.set(aid, { name, deliver: (m) => channel.post(m), subscription });
  }

  /** Disconnects `aid`: its callers' requests fail, requests it made are cancelled. */
  detach(aid: string, reason: string): void {
    const endpoint = this.#endpoints.get(aid);
    if (!endpoint) return;
    this.#endpoints.delete(aid);
    endpoint.subscription?.unsubscribe();
    for (const [from, id, target] of this.#inflight.entries()) {
      if (target === aid) {
        this.#inflight.delete(from, id);
        const error = createError('RXP_ERR_ACTOR_STOPPED', `${endpoint.name}(${aid})`, reason);
        this.#deliver(from, { k: 'err', id, to: from, e: serializeError(error, false) });
      } else if (from === aid) {
        this.#inflight.delete(from, id);
        this.#deliver(target, { k: 'cancel', id, from: aid, to: target });
      }
    }
  }

  has(address: string): boolean {
    return this.resolve(address) !== undefined;
  }

  /** An address (id, or the name of a local mailbox or actor) resolved to an endpoint key. */
  resolve(address: string): string | undefined {
    if (this.#endpoints.has(address)) return address;
    for (const [aid, endpoint] of this.#endpoints) if (endpoint.name === address) return aid;
    return undefined;
  }

  route(message: WireMessage): void {
    if (message.k === 'cancel') {
      const target = this.#inflight.get(message.from, message.id);
      if (target === undefined) return;
      this.#inflight.delete(message.from, message.id);
      this.#deliver(target, message);
      return;
    }
    if (isReply(message)) {
      if (message.k !== 'next') this.#inflight.delete(message.to, message.id);
      this.#deliver(message.to, message);
      return;
    }
    const target = this.resolve(message.to);
    if (target === undefined) {
      if (message.ack) {
        const error = createError('RXP_ERR_UNKNOWN_ACTOR', message.to);
        this.#deliver(message.from, { k: 'err', id: message.id, to: message.from, e: serializeError(error, false) });
      }
      return;
    }
    if (message.ack) this.#inflight.set(message.from, message.id, target);
    this.#deliver(target, message);
  }

  #deliver(address: string, message: WireMessage): void {
    this.#endpoints.get(address)?.deliver(message);
  }
}
