import { ChildScript } from '../helpers/child';

/** `npm start` serves the landing page, and every link on it answers 200. */
describe('samples/showcase (npm start)', () => {
  let server: ChildScript;
  let url: string;
  beforeAll(async () => {
    server = new ChildScript('samples/showcase/index.ts', ['--bind', '127.0.0.1:0', '--workers', '1', '--concurrency', 'thread']);
    url = await server.url();
  }, 30_000);
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('serves the landing page and every link on it answers 200', async () => {
    const landing = await fetch(url);
    expect(landing.status).toBe(200);
    const html = await landing.text();
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(expect.arrayContaining(['/dashboard/', '/httpbin/', '/taskqueue/', '/calculator/', '/websocket/', '/chat/']));
    for (const link of links) {
      const response = await fetch(new URL(link, url));
      expect({ link, status: response.status }).toEqual({ link, status: 200 });
      await response.arrayBuffer();
    }
  });

  it('answers 404 for paths no sample owns, and 426 for a plain GET to a WebSocket route', async () => {
    expect((await fetch(new URL('/no/such/page', url))).status).toBe(404);
    expect((await fetch(new URL('/dashboard/ws', url))).status).toBe(426);
  });

  it('exits 0 on SIGTERM', async () => {
    const other = new ChildScript('samples/showcase/index.ts', ['--bind', '127.0.0.1:0', '--workers', '1', '--concurrency', 'inline']);
    await other.url();
    other.child.kill('SIGTERM');
    expect((await other.exited).code).toBe(0);
  }, 30_000);
});
