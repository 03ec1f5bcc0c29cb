/**
 * TCP echo server (pulsar's examples/echo): every worker accepts on the arbiter's socket and
 * writes back what it reads.
 *
 *     npm run sample -- echo --bind 127.0.0.1:0 --workers 2
 */
import { SocketServer, echoHandler, keepAlive } from 'rxpulsar/apps/socket';

new SocketServer({ name: 'echo', handler: (_actor, config) => echoHandler({ keepAlive: config.get(keepAlive) }) }).start();
