/**
 * ActorRuntime over a fake channel: what an actor does when its inbox fails or ends.
 */
import { Subject } from 'rxjs';
import { configureLogging } from 'rxpulsar';
import { ActorRuntime } from '../../../lib/actor/actor';
import type { BootData } from '../../../lib/actor/boot';
import type { WireMessage } from '../../../lib/actor/protocol';
import { createError } from '../../../lib/errors';

const boot: BootData = { aid: 'a1', name: 'spec', concurrency: 'thread', config: {}, notifyInterval: 60_000, restarts: 0 };

function setup() {
  configureLogging('none');
  const inbox = new Subject<WireMessage>();
  const posted: WireMessage[] = [];
  const exits: number[] = [];
  const actor = new ActorRuntime({ boot, channel: { message$: inbox.asObservable(), post: (m) => posted.push(m) }, exit: (code) => exits.push(code) });
  return { actor, inbox, posted, exits };
}

describe('ActorRuntime inbox', () => {
  it('should crash (exit 70, for its supervisor) when a transfer cannot be decoded', async () => {
    const { actor, inbox, exits } = setup();
    await actor.start();
    expect(actor.state).toBe('running');
    inbox.error(createError('RXP_ERR_WIRE', 'kind 7 at 1 of 2'));
    expect(exits).toEqual([70]);
    await actor.stop('spec');
  });

  it('should answer requests that arrive on its inbox', async () => {
    const { actor, inbox, posted } = setup();
    await actor.start();
    inbox.next({ k: 'req', id: 3, from: 'arbiter', to: 'a1', cmd: 'echo', args: ['hi'], ack: true });
    await Promise.resolve();
    expect(posted).toContainEqual({ k: 'res', id: 3, to: 'arbiter', v: 'hi' });
    await actor.stop('spec');
  });
});
