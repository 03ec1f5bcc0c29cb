/**
 * The interface every pub/sub backend implements: the embedded one (through the arbiter) and
 * the Redis one (across machines). WebSocket broadcast (chat, graph) is written against it.
 */
import type { Observable } from 'rxjs';

/** `connecting` until first connected; `reconnecting` while a lost connection is re-made. */
export type PubSubState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface PubSubBackend {
  /**
   * Publishes `message` (any JSON value) on `channel`. Cold: nothing is sent until subscribed.
   * Emits how many subscribers the backend reached (its own count: workers for the embedded
   * backend, connections for Redis), then completes; errors when the backend cannot deliver.
   */
  publish(channel: string, message: unknown): Observable<number>;
  /** Messages published on `channel` from now on (hot; shared by the subscribers of a process). */
  subscribe<T = unknown>(channel: string): Observable<T>;
  /** The connection state, replayed to each new subscriber; completes after `close()`. */
  readonly state$: Observable<PubSubState>;
  /** Stops the backend; subscriptions complete. Idempotent. */
  close(): void | Promise<void>;
}
