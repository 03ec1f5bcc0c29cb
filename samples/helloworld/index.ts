/**
 * The seed's "Hello World!" WSGI server, as close to it as TypeScript allows.
 *
 *     npm run sample -- helloworld --bind 127.0.0.1:0 --workers 2 --concurrency thread
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { hello } from './hello';

void new WSGIServer({ name: 'helloworld', callable: hello }).start();
