/**
 * The arbiter's side of embedded pub/sub: named channels held in the arbiter, as commands any
 * worker can call. Every arbiter registers them when it is created, so a worker's
 * `EmbeddedPubSub` works whatever the application.
 */
import { Observable, Subject } from 'rxjs';
import type { CommandHandler } from '../actor/mailbox';

interface CommandTarget {
  command(name: string, handler: CommandHandler): void;
}

/** Registers the commands on `target` (the arbiter, once, when it is created). */
export function installPubSubCommands(target: CommandTarget): void {
  const channels = new Map<string, { subject: Subject<unknown>; subscribers: number }>();
  target.command('pubsub_publish', (_ctx, name: string, message: unknown) => {
    const entry = channels.get(String(name));
    entry?.subject.next(message);
    return entry?.subscribers ?? 0;
  });
  target.command('pubsub_subscribe', (_ctx, name: string) => {
    const key = String(name);
    return new Observable<unknown>((subscriber) => {
      let entry = channels.get(key);
      if (!entry) {
        entry = { subject: new Subject<unknown>(), subscribers: 0 };
        channels.set(key, entry);
      }
      const current = entry;
      current.subscribers++;
      const subscription = current.subject.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        // The arbiter forgets a channel once nobody listens.
        if (--current.subscribers === 0) channels.delete(key);
      };
    });
  });
  target.command('pubsub_channels', () => [...channels.keys()]);
}
