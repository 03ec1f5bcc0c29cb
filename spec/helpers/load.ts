import { Agent, request } from 'node:http';

export interface LoadResult {
  ok: number;
  /** Errors by code (ECONNRESET, ECONNREFUSED, socket hang up, ...). */
  errors: Record<string, number>;
  /** The `Server` headers seen (with `--worker-header`, one per worker). */
  servers: Set<string>;
}

/**
 * A bounded closed-loop HTTP load: `connections` keep-alive clients, each sending GETs one after
 * the other until `until()` says stop, `maxRequests` in total, or `maxMs` elapse.
 */
export async function load(
  url: string,
  options: { connections: number; maxRequests: number; maxMs: number; until?: () => boolean; keepAlive?: boolean },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: options.keepAlive ?? true, maxSockets: options.connections });
  const result: LoadResult = { ok: 0, errors: {}, servers: new Set() };
  const deadline = Date.now() + options.maxMs;
  let sent = 0;
  const more = (): boolean => sent < options.maxRequests && Date.now() < deadline && !(options.until?.() ?? false);
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      sent++;
      const req = request(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) result.ok++;
          else result.errors[`status ${res.statusCode}`] = (result.errors[`status ${res.statusCode}`] ?? 0) + 1;
          if (typeof res.headers.server === 'string') result.servers.add(res.headers.server);
          resolve();
        });
        res.on('error', () => resolve());
      });
      req.setTimeout(5000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A reset of a connection never used before, with no byte of response, was never
        // accepted by the server (it sat in the listen backlog when the socket closed): it is told
        // apart from a reset that loses a request the server had taken.
        const code = `${error.code ?? error.message}${req.reusedSocket ? '' : ' (new connection)'}`;
        result.errors[code] = (result.errors[code] ?? 0) + 1;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (more()) await one();
    }),
  );
  agent.destroy();
  return result;
}
