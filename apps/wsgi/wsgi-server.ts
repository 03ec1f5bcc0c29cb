/**
 * The HTTP server application (pulsar's `WSGIServer`): a {@link SocketServer} whose protocol is
 * the HTTP/1.1 engine. One handler style per server — a WSGI callable, a reactive handler, an
 * operator pipeline, or any {@link HttpApp} — with the settings of every socket app (`--bind`,
 * `--workers`, `--concurrency`, ...) and the HTTP limits (`--http-*`).
 *
 * ```ts
 * new WSGIServer({ callable: hello }).start();
 * new WSGIServer({ handler: (req) => HttpResponse.text(`hi ${req.path}`) }).start();
 * ```
 */
import type { ActorContext } from '../../lib/actor/context';
import type { Config } from '../../lib/config/config';
import { debug } from '../../lib/config/settings';
import { SocketServer, type SocketServerOptions } from '../socket/socket-server';
import { keepAlive, workerHeader } from '../socket/settings';
import { threadId } from 'node:worker_threads';
import { version } from '../../lib/version';
import type { HttpApp } from './http-app';
import type { HttpOptions } from './http-options';
import { HttpServer } from './http-server';
import { pipeline, reactive, type HttpHandler, type HttpOperator } from './reactive';
import { httpOptionsFromConfig } from './settings';
import { wsgi, type WsgiCallable } from './wsgi';

export interface WSGIServerOptions extends Omit<SocketServerOptions, 'handler'> {
  /** A WSGI-style callable `(environ, start_response) => body`. */
  readonly callable?: WsgiCallable;
  /** A reactive handler `request => response | Promise | Observable`. */
  readonly handler?: HttpHandler;
  /** An operator `request$ → response$`. */
  readonly pipeline?: HttpOperator;
  /** Any HttpApp, or a factory called once in each worker (per-worker state, pub/sub, ...). */
  readonly app?: HttpApp | ((actor: ActorContext, config: Config) => HttpApp);
  /**
   * Engine options in code. They win over the settings (`--http-*`, `--keep-alive`, `--debug`):
   * to give a default the command line can change, use the `settings` option instead.
   */
  readonly http?: HttpOptions | ((actor: ActorContext, config: Config) => HttpOptions);
}

export class WSGIServer extends SocketServer {
  static override readonly settingApps: readonly string[] = ['socket', 'wsgi'];
  static override readonly appName: string = 'wsgi';

  readonly #http: WSGIServerOptions;

  constructor(options: WSGIServerOptions = {}) {
    const styles = ['callable', 'handler', 'pipeline', 'app'].filter((k) => options[k as keyof WSGIServerOptions] !== undefined);
    if (styles.length !== 1) {
      throw new TypeError(`Expected exactly one of \`callable\`, \`handler\`, \`pipeline\`, \`app\`, got ${styles.length ? styles.join(', ') : 'none'}`);
    }
    const { handler: _reactive, ...socketOptions } = options;
    super({ scheme: 'http', ...socketOptions });
    this.#http = options;
  }

  /** The HttpApp of one worker. */
  protected createApp(actor: ActorContext, config: Config): HttpApp {
    const o = this.#http;
    if (o.callable) return wsgi(o.callable);
    if (o.handler) return reactive(o.handler);
    if (o.pipeline) return pipeline(o.pipeline);
    return typeof o.app === 'function' ? o.app(actor, config) : o.app!;
  }

  protected override createHandler(actor: ActorContext, config: Config): HttpServer {
    const fromCode = typeof this.#http.http === 'function' ? this.#http.http(actor, config) : (this.#http.http ?? {});
    const options: HttpOptions = {
      ...httpOptionsFromConfig(config),
      keepAliveTimeout: config.get(keepAlive) * 1000,
      debug: config.get(debug),
      ...(config.get(workerHeader) ? { serverName: `rxpulsar/${version()} (worker ${actor.aid}; pid ${process.pid}; thread ${threadId})` } : {}),
      onError: (error) => actor.log.error('%s', (error as Error)?.stack ?? error),
      ...fromCode,
    };
    return new HttpServer(this.createApp(actor, config), options);
  }
}
