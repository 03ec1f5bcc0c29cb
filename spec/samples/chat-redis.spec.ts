/**
 * samples/chat across servers: two separate server processes (each its own arbiter, 2 thread
 * workers) sharing a throw-away redis-server through `--pubsub redis://…`. A missing redis-server
 * fails this spec (see spec/helpers/redis-server.ts); it is never skipped.
 */
import { ChildScript } from '../helpers/child';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { ChatClient, clientsOnWorkers, within, workersOf } from './chat-client';

describe('samples/chat: two servers sharing Redis', () => {
  let redis: RedisServer;
  const servers: ChildScript[] = [];
  const urls: string[] = [];
  const clients: ChatClient[] = [];

  const startServer = async (): Promise<string> => {
    const server = new ChildScript('scripts/sample.js', ['chat', '--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'thread', '--pubsub', redis.url]);
    servers.push(server);
    return `${(await server.url()).replace(/^http/, 'ws')}ws`;
  };


  beforeAll(async () => {
    redis = await startRedisServer();
    urls.push(...(await Promise.all([startServer(), startServer()])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  }, 30_000);

  it('should carry messages both ways between the clients of the two servers', async () => {
    // Given clients on both servers (spread over their workers as far as 12 connections go)
    const [onA, onB] = await Promise.all(urls.map((url) => clientsOnWorkers(url, 2, 12)));
    clients.push(...onA, ...onB);
    // Workers of different servers have different ids: the welcome tells them apart.
    expect([...workersOf(onA)].some((w) => workersOf(onB).has(w))).toBe(false);
    const [alice, bob] = [onA[0], onB[0]];
    await alice.join('alice');
    await bob.join('bob');
    // When each says something
    alice.send({ type: 'message', text: 'hello from A' });
    bob.send({ type: 'message', text: 'hello from B' });
    // Then every client of both servers hears both, stamped with the speaker's worker
    for (const client of [...onA, ...onB]) {
      expect(await client.until((m) => m.text === 'hello from A', 10_000)).toMatchObject({ name: 'alice', worker: alice.worker });
      expect(await client.until((m) => m.text === 'hello from B', 10_000)).toMatchObject({ name: 'bob', worker: bob.worker });
    }
  }, 60_000);

  it('should announce, on the other server, the members of a server that stops', async () => {
    const carol = await ChatClient.connect(urls[0]);
    const dave = await ChatClient.connect(urls[1]);
    clients.push(carol, dave);
    await carol.join('carol');
    await dave.until((m) => m.type === 'join' && m.name === 'carol');
    // The first server stops: its workers' rooms publish a leave for each of their members.
    await servers[0].stop();
    expect(await dave.until((m) => m.type === 'leave' && m.name === 'carol', 10_000)).toMatchObject({ worker: carol.worker });
    expect(await within(carol.closed, 10_000)).toBe(1001);
  }, 40_000);
});
