import { TestScheduler } from 'rxjs/testing';
import { KeepAlive, type KeepAlivePeer } from 'rxpulsar/apps/ws';

class FakePeer implements KeepAlivePeer {
  alive = false;
  readonly log: string[] = [];
  constructor(readonly scheduler: TestScheduler) {}
  ping(): void {
    this.log.push(`ping@${this.scheduler.now()}`);
  }
  expire(): void {
    this.log.push(`expire@${this.scheduler.now()}`);
  }
}

describe('KeepAlive', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should ping a peer that answers and never expire it', () => {
    scheduler.run(({ flush }) => {
      const keepAlive = new KeepAlive(1000, scheduler);
      const peer = new FakePeer(scheduler);
      keepAlive.add(peer);
      // the peer answers every ping half a second later
      for (const t of [1500, 2500, 3500]) scheduler.schedule(() => (peer.alive = true), t);
      scheduler.schedule(() => keepAlive.delete(peer), 4500);
      flush();
      expect(peer.log).toEqual(['ping@1000', 'ping@2000', 'ping@3000', 'ping@4000']);
    });
  });

  it('should expire a silent peer one interval after the unanswered ping', () => {
    scheduler.run(({ flush }) => {
      const keepAlive = new KeepAlive(1000, scheduler);
      const peer = new FakePeer(scheduler);
      keepAlive.add(peer);
      flush();
      expect(peer.log).toEqual(['ping@1000', 'expire@2000']);
      expect(keepAlive.size).toBe(0);
    });
  });

  it('should count any traffic (a message) as an answer', () => {
    scheduler.run(({ flush }) => {
      const keepAlive = new KeepAlive(1000, scheduler);
      const peer = new FakePeer(scheduler);
      keepAlive.add(peer);
      scheduler.schedule(() => (peer.alive = true), 1999);
      flush();
      expect(peer.log).toEqual(['ping@1000', 'ping@2000', 'expire@3000']);
    });
  });

  it('should run its timer only while it has peers', () => {
    scheduler.run(({ flush }) => {
      const keepAlive = new KeepAlive(1000, scheduler);
      const peer = new FakePeer(scheduler);
      keepAlive.add(peer);
      keepAlive.delete(peer);
      flush();
      expect(peer.log).toEqual([]);
      expect(scheduler.now()).toBe(0); // nothing was left scheduled
    });
  });

  it('should track peers without pinging them when the interval is 0', () => {
    scheduler.run(({ flush }) => {
      const keepAlive = new KeepAlive(0, scheduler);
      const peer = new FakePeer(scheduler);
      keepAlive.add(peer);
      flush();
      expect(keepAlive.size).toBe(1);
      expect(peer.log).toEqual([]);
    });
  });

  it('should handle many peers on one timer, each on its own answers', () => {
    scheduler.run(({ flush }) => {
      const keepAlive = new KeepAlive(1000, scheduler);
      const talker = new FakePeer(scheduler);
      const silent = new FakePeer(scheduler);
      keepAlive.add(talker);
      keepAlive.add(silent);
      scheduler.schedule(() => (talker.alive = true), 1500);
      scheduler.schedule(() => keepAlive.delete(talker), 2500);
      flush();
      expect(talker.log).toEqual(['ping@1000', 'ping@2000']);
      expect(silent.log).toEqual(['ping@1000', 'expire@2000']);
    });
  });
});
