/**
 * Web chat (pulsar's examples/chat): `GET /` is the page, `/ws` the WebSocket, `POST /rpc`
 * JSON-RPC `message(text, name?)`. Messages cross workers through pub/sub; with Redis they cross
 * servers too.
 *
 *     npm run sample -- chat --bind 127.0.0.1:0 --workers 4 --concurrency thread
 *     npm run sample -- chat --bind 127.0.0.1:8061 --pubsub redis://127.0.0.1:6379/0   # and a second one on 8062
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { serveSamples } from '../web/web-sample';
import { chatSample } from './app';

// The embedded pub/sub channels live in the arbiter, which registers them itself.
void new WSGIServer(serveSamples('chat', [chatSample])).start();
