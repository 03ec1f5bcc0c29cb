/**
 * An HTTP forward proxy on the rxpulsar HTTP server: absolute-form requests forwarded with undici
 * (bodies streamed both ways), CONNECT tunnels, and a headers middleware.
 *
 *     npm run sample -- proxyserver --bind 127.0.0.1:0 --workers 2 --concurrency thread \
 *       --proxy-add-headers 'X-Proxied-By: rxpulsar' --proxy-remove-headers cookie
 *     curl -x http://127.0.0.1:<port> http://example.org/
 */
import { ProxyServer } from './proxy-server';

void new ProxyServer({ name: 'proxyserver' }).start();
