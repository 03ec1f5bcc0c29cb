/**
 * Web chat (pulsar's examples/chat): `GET /` is the page, `/ws` the WebSocket, `POST /rpc`
 * JSON-RPC `message(text, name?)`. Messages cross workers through pub/sub; with Redis they cross
 * servers too.
 *
 *     npm run sample -- chat --bind 127.0.0.1:0 --workers 4 --concurrency thread
 *     npm run sample -- chat --bind 127.0.0.1:8061 --pubsub redis://127.0.0.1:6379/0   # and a second one on 8062
 */
import { installEmbeddedPubSub, type Arbiter, type Config } from 'rxpulsar';
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { serveSamples } from '../web/web-sample';
import { chatSample } from './app';

/** The chat server: a WSGIServer whose arbiter holds the embedded pub/sub channels. */
class ChatServer extends WSGIServer {
  protected override async monitorStart(arbiter: Arbiter, config: Config): Promise<void> {
    // The embedded backend's channels live in the arbiter; thread and process workers only ask
    // it, so the master installs them (idempotent; unused with --pubsub redis://).
    installEmbeddedPubSub(arbiter);
    await super.monitorStart(arbiter, config);
  }
}

void new ChatServer(serveSamples('chat', [chatSample])).start();
