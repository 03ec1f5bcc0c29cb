import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JSONRPCClient, type JSONRPCResponse } from 'json-rpc-2.0';
import { RpcDispatcher, rpcHttpHandler, serverCommands, type RpcHttpRequest } from 'rxpulsar/apps/rpc';

const dispatcher = new RpcDispatcher([{ calc: { add: (a: number, b: number) => a + b } }, serverCommands()]);
const handle = rpcHttpHandler(dispatcher, { maxBodySize: 1024 });

const post = (body: string, headers: RpcHttpRequest['headers'] = { 'content-type': 'application/json' }): RpcHttpRequest => ({
  method: 'POST',
  headers,
  body: Buffer.from(body),
});

describe('rpcHttpHandler', () => {
  it('should answer 200 with the JSON reply', async () => {
    const response = await handle(post('{"jsonrpc":"2.0","method":"calc.add","params":[1,2],"id":1}'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({ jsonrpc: '2.0', id: 1, result: 3 });
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.body)));
  });

  it('should answer 204 without a body to notifications only', async () => {
    expect(await handle(post('{"jsonrpc":"2.0","method":"ping"}'))).toEqual({ status: 204, headers: {}, body: '' });
  });

  it('should carry JSON-RPC errors (parse errors included) in a 200 body', async () => {
    const response = await handle(post('{oops'));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it('should refuse other methods with 405 and Allow: POST', async () => {
    const response = await handle({ method: 'GET', headers: {}, body: Buffer.alloc(0) });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it.each([[undefined], ['text/plain'], ['application/x-www-form-urlencoded']])('should refuse Content-Type %s with 415', async (type) => {
    const response = await handle(post('{}', type === undefined ? {} : { 'content-type': type }));
    expect(response.status).toBe(415);
  });

  it('should accept JSON media types with parameters, in any case, and repeated headers', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/json-rpc']) {
      expect((await handle(post('{"jsonrpc":"2.0","method":"ping","id":1}', { 'content-type': type }))).status).toBe(200);
    }
    expect((await handle(post('{"jsonrpc":"2.0","method":"ping","id":1}', { 'content-type': ['application/json'] }))).status).toBe(200);
  });

  it('should refuse a body above maxBodySize with 413', async () => {
    expect((await handle(post(`"${'x'.repeat(2000)}"`))).status).toBe(413);
  });
});

describe('rpcHttpHandler behind node:http, called by json-rpc-2.0 JSONRPCClient', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void handle({ method: req.method ?? 'GET', headers: req.headers, body: Buffer.concat(chunks) }).then((r) => res.writeHead(r.status, r.headers).end(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should serve calls, notifications and method errors', async () => {
    const client: JSONRPCClient = new JSONRPCClient(async (request) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      if (response.status === 200) client.receive((await response.json()) as JSONRPCResponse);
      else if (response.status !== 204) throw new Error(`HTTP ${response.status}`);
    });
    expect(await client.request('calc.add', { a: 20, b: 22 })).toBe(42);
    expect(await client.request('ping', [])).toBe('pong');
    const notified = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"ping"}' });
    expect(notified.status).toBe(204);
    await expect(client.request('nope', [])).rejects.toMatchObject({ code: -32601, message: 'Method not found' });
  });
});
