/**
 * samples/taskqueue: pulsar's task queue example over JSON-RPC. First the HTTP app against a task
 * queue running in this process (inline workers, requests injected without a socket), then the
 * sample for real — `npm run sample -- taskqueue` with thread workers, over loopback HTTP.
 */
import { arbiter } from 'rxpulsar';
import type { TaskQueue, TaskRecord } from 'rxpulsar/apps/tasks';
import { inject } from 'rxpulsar/apps/wsgi';
import { taskQueueApplication, taskQueueHttpApp } from '../../samples/taskqueue/app';
import { ChildScript } from '../helpers/child';

interface RpcReply<T> {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly result?: T;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

let seq = 0;
const body = (method: string, params: unknown): string => JSON.stringify({ jsonrpc: '2.0', id: ++seq, method, params });

describe('samples/taskqueue: the HTTP app (in process)', () => {
  let tq: TaskQueue;
  let call: <T>(method: string, params?: unknown) => Promise<RpcReply<T>>;

  beforeAll(async () => {
    tq = taskQueueApplication({ argv: ['--concurrency', 'inline', '--workers', '2', '--log-level', 'none'], server: false, env: false });
    await tq.start();
    // No client given: the app connects to the task queue through the arbiter's commands.
    const app = taskQueueHttpApp();
    call = async <T>(method: string, params: unknown = []) => {
      const response = await inject(app, { method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, body: body(method, params) });
      expect(response.status).toBe(200);
      return response.json<RpcReply<T>>();
    };
  }, 30_000);

  afterAll(async () => {
    await tq?.stop();
    await arbiter().stop('spec over');
  });

  it('should run addition(40, 50) → 90, params by name or by position', async () => {
    const byName = await call<TaskRecord>('run_new_task', { jobname: 'addition', args: [40, 50], wait: true });
    expect(byName.result).toMatchObject({ job: 'addition', status: 'SUCCESS', result: 90, attempt: 1 });
    const byPosition = await call<TaskRecord>('run_new_task', ['addition', [1, 2], null, true]);
    expect(byPosition.result).toMatchObject({ status: 'SUCCESS', result: 3 });
  });

  it('should end the failing job in FAILURE with its message', async () => {
    const reply = await call<TaskRecord>('run_new_task', { jobname: 'valueerrortask', wait: true });
    expect(reply.result?.status).toBe('FAILURE');
    expect(reply.result?.error?.message).toBe('kaputt');
  });

  it('should revoke a task whose expiry is in the past (pulsar meta_data)', async () => {
    const reply = await call<TaskRecord>('run_new_task', { jobname: 'addition', args: [1, 1], meta_data: { expires: -1000 }, wait: true });
    expect(reply.result).toMatchObject({ status: 'REVOKED', attempt: 0 });
    expect(reply.result?.error?.code).toBe('RXP_ERR_TASK_EXPIRED');
  });

  it('should list the producer\'s 10 children by from_task, each with its result', async () => {
    const parent = (await call<TaskRecord>('run_new_task', { jobname: 'producer', args: [10], wait: true })).result!;
    expect(parent.status).toBe('SUCCESS');
    const ids = parent.result as string[];
    expect(ids).toHaveLength(10);
    const done = await Promise.all(ids.map(async (id) => (await call<TaskRecord>('wait_for_task', [id, 10_000])).result!));
    expect(done.map((t) => t.result)).toEqual(ids.map((_, i) => 2 * i));
    const children = (await call<TaskRecord[]>('get_tasks', { from_task: parent.id })).result!;
    expect(children.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(children.every((t) => t.from_task === parent.id && t.status === 'SUCCESS')).toBe(true);
  });

  it('should return from wait_for_task when the task ends', async () => {
    const queued = (await call<TaskRecord>('run_new_task', ['notoverlap', [300]])).result!;
    expect(queued.status).toBe('PENDING');
    const started = Date.now();
    const done = (await call<TaskRecord>('wait_for_task', { id: queued.id })).result!;
    expect(done).toMatchObject({ id: queued.id, status: 'SUCCESS', result: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect((await call<TaskRecord>('get_task', [queued.id])).result?.status).toBe('SUCCESS');
  });

  it('should list the jobs, and answer bad calls with JSON-RPC errors', async () => {
    const jobs = (await call<Array<{ name: string; type: string; run_every?: number }>>('job_list')).result!;
    expect(jobs.map((j) => j.name)).toEqual(['addition', 'asynchronous', 'checkworkers', 'notoverlap', 'producer', 'standarddeviation', 'summoments', 'valueerrortask']);
    expect(jobs.find((j) => j.name === 'checkworkers')).toMatchObject({ type: 'periodic', run_every: 5000 });
    const unknown = await call('run_new_task', { jobname: 'nosuchjob' });
    expect(unknown.error).toEqual({ code: -32602, message: 'Invalid params', data: 'Job "nosuchjob" is not registered' });
    const missing = await call('run_new_task', {});
    expect(missing.error?.code).toBe(-32602);
    expect((await call<string>('ping')).result).toBe('pong');
  });

  it('should serve the page on GET', async () => {
    const page = await inject(taskQueueHttpApp({ client: tq.client!, basePath: '/taskqueue/' }), { url: '/taskqueue/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('new EventSource(base + \'events\')');
    expect(page.text).toContain('const base = "/taskqueue/"');
  });
});

describe('samples/taskqueue: npm run sample -- taskqueue', () => {
  let tree: ChildScript | undefined;
  afterAll(() => tree?.kill());

  it('should serve JSON-RPC and the live task list over HTTP, then exit 0 on SIGTERM', async () => {
    const t = (tree = new ChildScript('scripts/sample.js', ['taskqueue', '--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'thread']));
    const url = await t.url();
    const rpc = async <T>(method: string, params: unknown): Promise<RpcReply<T>> => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(method, params), signal: AbortSignal.timeout(15_000) });
      expect(response.status).toBe(200);
      return (await response.json()) as RpcReply<T>;
    };
    const added = (await rpc<TaskRecord>('run_new_task', { jobname: 'addition', args: [40, 50], wait: true })).result!;
    expect(added).toMatchObject({ status: 'SUCCESS', result: 90 });

    // The live list: a snapshot that already holds the finished addition.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 15_000);
    const events = await fetch(`${url}events`, { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.getReader();
    let text = '';
    while (!text.includes(`"id":"${added.id}"`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    clearTimeout(timer);
    const line = text.split('\n').find((l) => l.includes(`"id":"${added.id}"`))!;
    expect(JSON.parse(line.slice('data: '.length))).toMatchObject({ type: 'status', status: 'SUCCESS', result: 90 });

    const page = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Task queue</h1>');

    t.child.kill('SIGTERM');
    expect((await t.exited).code).toBe(0);
  }, 60_000);
});
