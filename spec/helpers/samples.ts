/**
 * A web sample mounted at `base` in a server running in this process (one inline worker), as the
 * showcase mounts it: its HttpApp for `inject`, its WebSocket routes on the server's URL.
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { samplesApp, servePerWorker, type WebSampleFactory } from '../../samples/web/web-sample';

export interface MountedSample {
  readonly server: WSGIServer;
  /** What the worker built (once the server started). */
  readonly parts: ReturnType<typeof samplesApp>;
  /** The worker's actor id (once the server started). */
  readonly worker: string;
}

export function mountInProcess(name: string, base: string, factory: WebSampleFactory): MountedSample {
  let parts: ReturnType<typeof samplesApp> | undefined;
  let worker: string | undefined;
  const server = new WSGIServer({
    // servePerWorker builds once per worker and closes its WebSocket app when the worker stops.
    ...servePerWorker(name, (actor, config) => {
      worker = actor.aid;
      parts = samplesApp([factory(base, actor, config)], config);
      return parts;
    }),
    argv: ['--bind', '127.0.0.1:0', '--workers', '1', '--concurrency', 'inline', '--log-level', 'none'],
    server: false,
    announce: false,
  });
  return {
    server,
    get parts() {
      if (parts === undefined) throw new Error(`${name}: not started`);
      return parts;
    },
    get worker() {
      if (worker === undefined) throw new Error(`${name}: not started`);
      return worker;
    },
  };
}
