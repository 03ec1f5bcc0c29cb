/**
 * The proxy as an application: a {@link WSGIServer} serving {@link proxyApp} in each worker,
 * with CONNECT tunnels in front of the engine and the `--proxy-*` settings.
 */
import type { ActorContext, Config } from 'rxpulsar';
import { WSGIServer, type HttpServer, type WSGIServerOptions } from 'rxpulsar/apps/wsgi';
import type { Agent } from 'undici';
import { proxyAgent, proxyApp, type ProxyOptions } from './app';
import { ConnectTunnelHandler, type TunnelOptions } from './connect-tunnel';
import {
  fieldsToRecord,
  proxyAddHeaders,
  proxyAddResponseHeaders,
  proxyRemoveHeaders,
  proxyRemoveResponseHeaders,
  proxyTimeout,
  proxyVia,
} from './settings';

export interface ProxyServerOptions extends Omit<WSGIServerOptions, 'app' | 'callable' | 'handler' | 'pipeline'> {
  /** Options of the forwarding app, on top of the `--proxy-*` settings. */
  readonly proxy?: Omit<ProxyOptions, 'dispatcher'>;
  /** Options of the CONNECT tunnels. */
  readonly tunnel?: TunnelOptions;
}

/** The forwarding options the settings give. */
export function proxyOptionsFromConfig(config: Config): ProxyOptions {
  return {
    addHeaders: fieldsToRecord(config.get(proxyAddHeaders)),
    removeHeaders: config.get(proxyRemoveHeaders),
    addResponseHeaders: fieldsToRecord(config.get(proxyAddResponseHeaders)),
    removeResponseHeaders: config.get(proxyRemoveResponseHeaders),
    via: config.get(proxyVia),
    timeout: config.get(proxyTimeout) * 1000,
  };
}

export class ProxyServer extends WSGIServer {
  static override readonly settingApps: readonly string[] = ['socket', 'wsgi', 'proxyserver'];

  readonly #tunnel: TunnelOptions;
  /** Each worker's upstream connection pool, closed when the worker drains. */
  readonly #agents: Map<ActorContext, Agent>;

  constructor(options: ProxyServerOptions = {}) {
    const agents = new Map<ActorContext, Agent>();
    super({
      name: 'proxyserver',
      ...options,
      // A proxy streams bodies through; it has no reason to cap them at the engine's 1 MB default
      // (`--http-max-body-size` still sets one).
      settings: { http_max_body_size: Number.MAX_SAFE_INTEGER, ...options.settings },
      app: (actor, config) => {
        const fromConfig = proxyOptionsFromConfig(config);
        const agent = proxyAgent(fromConfig.timeout);
        agents.set(actor, agent);
        return proxyApp({ ...fromConfig, ...options.proxy, dispatcher: agent });
      },
    });
    this.#agents = agents;
    this.#tunnel = options.tunnel ?? {};
  }

  protected override createHandler(actor: ActorContext, config: Config): HttpServer {
    const http = super.createHandler(actor, config);
    const timeout = config.get(proxyTimeout) * 1000;
    const handler = new ConnectTunnelHandler(http, { connectTimeout: timeout, ...this.#tunnel }, () => {
      const agent = this.#agents.get(actor);
      this.#agents.delete(actor);
      void agent?.close();
    });
    // WSGIServer narrows createHandler's type to HttpServer, though the socket server only needs
    // a ConnectionHandler: the cast is the price of wrapping the engine (see the sample's docs).
    return handler as unknown as HttpServer;
  }
}
