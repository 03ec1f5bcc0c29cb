import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { arbiter, configureLogging, send, spawn, type ActorRef } from 'rxpulsar';
import { EmbeddedPubSub } from '../../../lib/pubsub/embedded';

const client = join(__dirname, '..', '..', 'fixtures', 'actors', 'pubsub-client.ts');

describe('EmbeddedPubSub', () => {
  let refs: ActorRef[];
  beforeAll(async () => {
    configureLogging('none');
    arbiter().config.set('log_level', 'none');
    refs = await Promise.all(
      (['thread', 'process', 'inline'] as const).map((concurrency) => firstValueFrom(spawn({ concurrency, module: client, name: `pubsub-${concurrency}` }))),
    );
  });
  afterAll(() => arbiter().stop());

  it('delivers a message published in one worker to subscribers in every worker and the arbiter', async () => {
    const pubsub = new EmbeddedPubSub();
    const inArbiter: unknown[] = [];
    const subscription = pubsub.subscribe('news').subscribe((m) => inArbiter.push(m));
    for (const ref of refs) await firstValueFrom(send(ref, 'listen', 'news'));
    // Requests on one channel are ordered, and the arbiter handles them in arrival order, so every
    // subscription is registered before these publishes are fanned out.
    expect(await firstValueFrom(send(refs[0], 'publish', 'news', { from: 'thread', n: 1 }))).toBe(4);
    expect(await firstValueFrom(pubsub.publish('news', 'from arbiter'))).toBe(4);
    expect(await firstValueFrom(send(refs[2], 'publish', 'other', 'nobody listens'))).toBe(0);
    for (const ref of refs) {
      expect(await firstValueFrom(send(ref, 'received'))).toEqual([{ from: 'thread', n: 1 }, 'from arbiter']);
    }
    expect(inArbiter).toEqual([{ from: 'thread', n: 1 }, 'from arbiter']);
    subscription.unsubscribe();
    // The arbiter forgets a channel once nobody listens any more.
    expect(await firstValueFrom(send<string[]>('arbiter', 'pubsub_channels'))).toEqual(['news']);
  });
});
