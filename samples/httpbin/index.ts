/**
 * httpbin on the rxpulsar HTTP server.
 *
 *     npm run sample -- httpbin --bind 127.0.0.1:0 --workers 2 --concurrency thread
 *     curl -s 'http://127.0.0.1:<port>/get?a=1'
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { httpbinApp } from './app';

void new WSGIServer({ name: 'httpbin', app: () => httpbinApp() }).start();
