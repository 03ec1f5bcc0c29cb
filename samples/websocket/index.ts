/**
 * WebSocket graph (pulsar's examples/websocket): `GET /` plots the random walk pushed on the
 * WebSocket `/data`; `/echo` echoes.
 *
 *     npm run sample -- websocket --bind 127.0.0.1:0 --workers 2 --concurrency thread
 *     # then open http://127.0.0.1:<port>/ in a browser
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { serveSamples } from '../web/web-sample';
import { websocketSample } from './app';

void new WSGIServer(serveSamples('websocket', [websocketSample])).start();
