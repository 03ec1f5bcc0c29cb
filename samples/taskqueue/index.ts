/**
 * Task queue (pulsar's examples/taskqueue): a task queue application running pulsar's sample jobs,
 * and an HTTP server in front of it that serves the queue's JSON-RPC methods at `POST /` and a page
 * listing the tasks live at `GET /`. The HTTP workers reach the queue through the arbiter.
 *
 *     npm run sample -- taskqueue --bind 127.0.0.1:0 --workers 2 --concurrency thread
 *     curl -s localhost:<port>/ -H 'content-type: application/json' \
 *       -d '{"jsonrpc":"2.0","id":1,"method":"run_new_task","params":{"jobname":"addition","args":[40,50],"wait":true}}'
 */
import { WSGIServer } from 'rxpulsar/apps/wsgi';
import { TASK_QUEUE_NAME, taskQueueApplication, taskQueueHttpApp } from './app';

async function main(): Promise<void> {
  await taskQueueApplication().start();
  await new WSGIServer({ name: `${TASK_QUEUE_NAME}_rpc`, app: () => taskQueueHttpApp() }).start();
}

void main();
