/**
 * The socket server application (pulsar's `SocketServer`): the arbiter binds `--bind` once and
 * keeps it for the life of the app; every worker — process, thread or inline — listens and
 * accepts on it, and a respawned worker gets it again. Each accepted connection goes to the
 * protocol's {@link ConnectionHandler}.
 */
import * as net from 'node:net';
import { firstValueFrom } from 'rxjs';
import type { ActorContext } from '../../lib/actor/context';
import type { Arbiter, WorkerSpec } from '../../lib/actor/arbiter';
import { Application, type ApplicationOptions } from '../../lib/app/application';
import type { Config } from '../../lib/config/config';
import { backlog, bind } from '../../lib/config/settings';
import { LISTEN_MESSAGE } from '../../lib/concurrency/process-host';
import { formatUrl, parseBind, type BindAddress } from '../../lib/net/address';
import { dupHandle } from '../../lib/net/fd-broker';
import { bindListenHandle, type ListenHandle } from '../../lib/net/listen-handle';
import { hostedBootData } from '../../lib/actor/boot';
import { drainBudget } from '../../lib/actor/stop-budget';
import type { ConnectionHandler } from './connection-handler';
import { maxConnections } from './settings';

export interface SocketServerOptions extends ApplicationOptions {
  /** Builds the protocol handler of one worker (called in each worker). */
  readonly handler?: (actor: ActorContext, config: Config) => ConnectionHandler;
  /** Scheme printed in the ready line. @default 'tcp' */
  readonly scheme?: string;
  /** Print `<name> listening on <url>` on stdout when ready. @default true */
  readonly announce?: boolean;
}

export class SocketServer extends Application {
  static override readonly settingApps: readonly string[] = ['socket'];
  static override readonly appName: string = 'socket';

  #listen: ListenHandle | undefined;
  #server: net.Server | undefined;
  #handler: ConnectionHandler | undefined;
  protected declare readonly options: SocketServerOptions;

  constructor(options: SocketServerOptions = {}) {
    super(options);
  }

  /** Where the server is bound (after `start()` in the arbiter). */
  get address(): BindAddress | undefined {
    return this.#listen?.address;
  }

  /** `http://127.0.0.1:<port>/` (or `tcp://`, `unix:/path`) once bound. */
  get url(): string | undefined {
    return this.#listen ? formatUrl(this.#listen.address, this.options.scheme ?? 'tcp') : undefined;
  }

  /** The protocol handler of one worker. Subclasses (HTTP) override this. */
  protected createHandler(actor: ActorContext, config: Config): ConnectionHandler {
    if (!this.options.handler) throw new TypeError('SocketServer needs a `handler` option or a createHandler() override');
    return this.options.handler(actor, config);
  }

  protected override async monitorStart(arbiter: Arbiter, config: Config): Promise<void> {
    this.#listen = await bindListenHandle(parseBind(config.get(bind)));
    const listen = this.#listen;
    arbiter.provideListenFd(this.name, () => dupHandle(listen.handle));
    // The arbiter's descriptor is closed as soon as a stop begins: once the workers have closed
    // theirs too, the socket is gone and new connections are refused at once instead of waiting
    // in the backlog of a socket nobody accepts on any more.
    arbiter.events$.subscribe((event) => {
      if (event.type === 'arbiter:stopping' || event.type === 'arbiter:stopped') closeOnce();
    });
    let closed = false;
    const closeOnce = (): void => {
      if (!closed) {
        closed = true;
        listen.close();
      }
    };
  }

  protected override workerSpec(): Partial<WorkerSpec> {
    return { listenHandle: this.#listen?.handle, listenFd: true };
  }

  protected override ready(): void {
    if (this.options.announce ?? true) process.stdout.write(`${this.name} listening on ${this.url}\n`);
  }

  protected override async workerStart(actor: ActorContext): Promise<void> {
    const config = actor.config;
    const handler = this.createHandler(actor, config);
    this.#handler = handler;
    const server = net.createServer({ noDelay: true });
    server.maxConnections = config.get(maxConnections);
    server.on('connection', (socket) => handler.handle(socket));
    server.on('error', (error) => actor.log.error('server error: %s', error.message));
    await listenOnShared(server, actor, this.name, config.get(backlog));
    this.#server = server;
    actor.addRequestCounter(() => handler.served);
    actor.addInfo(() => ({ connections: handler.connections }));
  }

  protected override async workerStop(actor: ActorContext): Promise<void> {
    // Stop accepting first (our own descriptor only), then let the protocol drain.
    this.#server?.close();
    // Connections still open are cut before the actor gives up on its stop hooks.
    await this.#handler?.drain(drainBudget(actor.config));
  }
}

/** Listens on the arbiter's bound socket: over IPC in a process, by a duplicated fd otherwise. */
async function listenOnShared(server: net.Server, actor: ActorContext, app: string, backlogSize: number): Promise<void> {
  const boot = hostedBootData();
  if (boot?.listenViaIpc) {
    const handle = await new Promise<object>((resolve) => {
      const onMessage = (message: unknown, sendHandle: unknown): void => {
        if (message === LISTEN_MESSAGE && sendHandle) {
          process.off('message', onMessage);
          resolve(sendHandle as object);
        }
      };
      process.on('message', onMessage);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(handle as net.ListenOptions, backlogSize, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return;
  }
  const fd = await firstValueFrom(actor.send<number>('arbiter', 'listen_fd', app));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd, backlog: backlogSize }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
