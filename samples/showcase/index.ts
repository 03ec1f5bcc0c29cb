/**
 * The showcase (`npm start`): one server on http://127.0.0.1:8060 with embedded defaults —
 * httpbin, the JSON-RPC calculator, the websocket graph, the chat and the task queue under one
 * landing page, plus a live dashboard of the actor tree.
 *
 *     npm start
 *     npm run sample -- showcase --bind 127.0.0.1:0 --workers 2 --concurrency thread
 */
import type { ActorContext } from 'rxpulsar';
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { taskQueueApplication } from '../taskqueue/app';
import { showcaseApp } from './app';

async function main(): Promise<void> {
  // The task queue's workers (threads by default here: the showcase starts fast and light).
  await taskQueueApplication({ settings: { concurrency: 'thread' } }).start();
  const built = new WeakMap<ActorContext, ReturnType<typeof showcaseApp>>();
  const parts = (actor: ActorContext, config: Parameters<typeof showcaseApp>[1]): ReturnType<typeof showcaseApp> => {
    let p = built.get(actor);
    if (!p) {
      p = showcaseApp(actor, config);
      built.set(actor, p);
      const ws = p.ws;
      actor.onStop(() => ws.close(1001));
    }
    return p;
  };
  await new WSGIServer({
    name: 'showcase',
    app: (actor, config) => parts(actor, config).app,
    http: (actor, config) => parts(actor, config).http,
  }).start();
}

void main();
