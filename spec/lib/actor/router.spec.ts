import { Subject, firstValueFrom } from 'rxjs';
import { Mailbox } from '../../../lib/actor/mailbox';
import { Router } from '../../../lib/actor/router';
import type { WireMessage } from '../../../lib/actor/protocol';

/** A remote actor's channel, as the router sees it. */
function remote() {
  const incoming = new Subject<WireMessage>();
  const posted: WireMessage[] = [];
  return { channel: { message$: incoming.asObservable(), post: (m: WireMessage) => posted.push(m) }, incoming, posted };
}

describe('Router', () => {
  function setup() {
    const router = new Router();
    const arbiter = new Mailbox('arbiter', (m) => router.route(m), () => undefined);
    router.registerLocal('arbiter', (m) => arbiter.receive(m));
    const a = remote();
    const b = remote();
    router.attach('a1', 'alpha', a.channel);
    router.attach('b1', 'beta', b.channel);
    return { router, arbiter, a, b };
  }

  it('delivers by id and by name, and answers unknown targets with RXP_ERR_UNKNOWN_ACTOR', async () => {
    const { arbiter, a, b } = setup();
    const byName = firstValueFrom(arbiter.request('beta', 'ping', []));
    expect(b.posted).toMatchObject([{ k: 'req', cmd: 'ping', from: 'arbiter' }]);
    b.incoming.next({ k: 'res', id: (b.posted[0] as { id: number }).id, to: 'arbiter', v: 'pong' });
    expect(await byName).toBe('pong');
    expect(a.posted).toEqual([]);
    await expect(firstValueFrom(arbiter.request('nobody', 'ping', []))).rejects.toMatchObject({ code: 'RXP_ERR_UNKNOWN_ACTOR' });
  });

  it('fails the callers of an actor that goes away, and cancels the work it had asked for', async () => {
    const { router, arbiter, a, b } = setup();
    const toA = firstValueFrom(arbiter.request('a1', 'slow', []));
    // a1 asks b1 for something, through the router.
    a.incoming.next({ k: 'req', id: 7, from: 'a1', to: 'b1', cmd: 'work', args: [], ack: true });
    expect(b.posted).toMatchObject([{ k: 'req', id: 7, from: 'a1', cmd: 'work' }]);
    router.detach('a1', 'exit code 1');
    await expect(toA).rejects.toMatchObject({ code: 'RXP_ERR_ACTOR_STOPPED' });
    expect(b.posted[1]).toEqual({ k: 'cancel', id: 7, from: 'a1', to: 'b1' });
  });

  it('cuts off an actor whose channel errors (a transfer it could not decode): its callers fail at once', async () => {
    const { arbiter, a, b } = setup();
    const toA = firstValueFrom(arbiter.request('alpha', 'slow', []));
    a.incoming.error(new Error('Malformed mailbox transfer: kind 7 at 1 of 2'));
    await expect(toA).rejects.toMatchObject({ code: 'RXP_ERR_ACTOR_STOPPED', message: expect.stringContaining('Malformed mailbox transfer') });
    await expect(firstValueFrom(arbiter.request('alpha', 'ping', []))).rejects.toMatchObject({ code: 'RXP_ERR_UNKNOWN_ACTOR' });
    // The others are untouched.
    const toB = firstValueFrom(arbiter.request('beta', 'ping', []));
    b.incoming.next({ k: 'res', id: (b.posted[0] as { id: number }).id, to: 'arbiter', v: 'pong' });
    expect(await toB).toBe('pong');
  });
});
