/**
 * The showcase (`npm start`): one server on http://127.0.0.1:8060 with embedded defaults —
 * httpbin, the JSON-RPC calculator, the websocket graph, the chat and the task queue under one
 * landing page, plus a live dashboard of the actor tree.
 *
 *     npm start
 *     npm run sample -- showcase --bind 127.0.0.1:0 --workers 2 --concurrency thread
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { taskQueueApplication } from '../taskqueue/app';
import { servePerWorker } from '../web/web-sample';
import { showcaseApp } from './app';

async function main(): Promise<void> {
  // The task queue's workers (threads by default here: the showcase starts fast and light).
  await taskQueueApplication({ settings: { concurrency: 'thread' } }).start();
  await new WSGIServer(servePerWorker('showcase', showcaseApp)).start();
}

void main();
