import { RpcDispatcher, rpcMethod, serverCommands } from 'rxpulsar/apps/rpc';

async function result(rpc: RpcDispatcher, method: string, params?: unknown): Promise<unknown> {
  const text = await rpc.handle(JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }));
  const reply = JSON.parse(text as string) as { result?: unknown; error?: unknown };
  if (reply.error) throw new Error(JSON.stringify(reply.error));
  return reply.result;
}

describe('serverCommands', () => {
  const rpc = new RpcDispatcher([
    { calc: { add: rpcMethod({ params: ['a: number', 'b: number'], doc: 'Adds.', section: 'calc' }, (a: number, b: number) => a + b) } },
    serverCommands(),
  ]);

  it('ping should reply pong', async () => {
    expect(await result(rpc, 'ping')).toBe('pong');
  });

  it('echo should reply with its message, "" by default, by position or name', async () => {
    expect(await result(rpc, 'echo', ['hi'])).toBe('hi');
    expect(await result(rpc, 'echo', { message: { a: 1 } })).toEqual({ a: 1 });
    expect(await result(rpc, 'echo')).toBe('');
  });

  it('server_info should describe this process by default', async () => {
    expect(await result(rpc, 'server_info')).toMatchObject({ pid: process.pid, node: process.version });
  });

  it('server_info should use the serverInfo hook (the arbiter info)', async () => {
    const custom = new RpcDispatcher(serverCommands({ serverInfo: async () => ({ workers: 3 }) }));
    expect(await result(custom, 'server_info')).toEqual({ workers: 3 });
  });

  it('functions_list should list every method with doc, section and params', async () => {
    const list = (await result(rpc, 'functions_list')) as Array<[string, { doc: string; section: string; params: string[] | null }]>;
    expect(list.map(([name]) => name).sort()).toEqual(['calc.add', 'echo', 'functions_list', 'ping', 'server_info']);
    expect(list.find(([name]) => name === 'calc.add')?.[1]).toEqual({ doc: 'Adds.', section: 'calc', params: ['a: number', 'b: number'] });
    expect(list.find(([name]) => name === 'echo')?.[1]).toMatchObject({ section: 'server', params: ['message?'] });
  });

  it('should refuse params for ping (−32602)', async () => {
    await expect(result(rpc, 'ping', [1])).rejects.toThrow('-32602');
  });
});
