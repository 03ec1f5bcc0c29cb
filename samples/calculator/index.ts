/**
 * JSON-RPC calculator (pulsar's examples/calculator): `calc.add|subtract|multiply|divide`,
 * `calc.randompaths` and the server commands, over HTTP POST at `/` and over the WebSocket `/ws`;
 * `GET /` is a page with a form.
 *
 *     npm run sample -- calculator --bind 127.0.0.1:0 --workers 2 --concurrency thread
 *     curl -s localhost:<port>/ -H 'content-type: application/json' \
 *       -d '{"jsonrpc":"2.0","id":1,"method":"calc.add","params":[3,7]}'
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { serveSamples } from '../web/web-sample';
import { calculatorSample } from './app';

void new WSGIServer(serveSamples('calculator', [calculatorSample])).start();
