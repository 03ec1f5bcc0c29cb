/**
 * The showcase's HTTP side, in each HTTP worker: a landing page, every web sample mounted under
 * its own path, and the live dashboard (a page plus a WebSocket feed of the actor tree).
 */
import { map, merge, mergeMap, catchError, of } from 'rxjs';
import { version, type ActorContext, type Config } from 'rxpulsar';
import { WebSocketApp, webSocket, webSocketOptionsFromConfig, type WsRoute } from 'rxpulsar/apps/ws';
import type { HttpApp, HttpOptions } from 'rxpulsar/apps/wsgi';
import { reactive } from 'rxpulsar/apps/wsgi';
import { HttpResponse } from 'rxpulsar/operators';
import { httpbinApp } from '../httpbin/app';
import { taskQueueHttpApp } from '../taskqueue/app';
import { calculatorSample } from '../calculator/app';
import { chatSample } from '../chat/app';
import { websocketSample } from '../websocket/app';
import type { WebSampleFactory } from '../web/web-sample';
import { dashboardFeed, lifecycle$, perform, type DashboardAction } from './dashboard-feed';
import { dashboardPage } from './dashboard-page';
import { landingPage, type LandingLink } from './landing-page';

export interface Mount {
  readonly base: string;
  readonly title: string;
  readonly text: string;
  readonly app: HttpApp;
  readonly routes?: readonly WsRoute[];
}

/** The web samples built as factories (WebSample), mounted under their name. */
export const WEB_SAMPLES: ReadonlyArray<{ name: string; title: string; text: string; factory: WebSampleFactory }> = [
  { name: 'calculator', title: 'calculator', text: 'JSON-RPC calculator over HTTP and WebSocket', factory: calculatorSample },
  { name: 'websocket', title: 'websocket graph', text: 'a live plot of numbers pushed over a WebSocket, and an echo endpoint', factory: websocketSample },
  { name: 'chat', title: 'chat', text: 'a web chat: messages broadcast to every worker through pub/sub', factory: chatSample },
];

function dashboardRoutes(base: string): WsRoute[] {
  return [
    webSocket(`${base}ws`, (message$) =>
      merge(
        dashboardFeed(1000).pipe(map((data) => JSON.stringify({ type: 'snapshot', data }))),
        lifecycle$().pipe(map((data) => JSON.stringify({ type: 'event', data }))),
        message$.pipe(
          mergeMap((message) => {
            if (message.type !== 'message' || typeof message.data !== 'string') return of();
            let action: DashboardAction;
            try {
              action = JSON.parse(message.data) as DashboardAction;
            } catch {
              return of(JSON.stringify({ type: 'error', data: 'not JSON' }));
            }
            return perform(action).pipe(
              map((text) => JSON.stringify({ type: 'done', data: text })),
              catchError((error: Error) => of(JSON.stringify({ type: 'error', data: error.message }))),
            );
          }),
        ),
      ),
    ),
  ];
}

export function showcaseApp(actor: ActorContext, config: Config): { app: HttpApp; http: HttpOptions; ws: WebSocketApp } {
  const mounts: Mount[] = [
    { base: '/httpbin/', title: 'httpbin', text: "httpbin.org's endpoints", app: httpbinApp({ prefix: '/httpbin' }) },
    { base: '/taskqueue/', title: 'task queue', text: 'pulsar’s example jobs over JSON-RPC, tasks listed live', app: taskQueueHttpApp({ basePath: '/taskqueue/' }) },
  ];
  for (const sample of WEB_SAMPLES) {
    const base = `/${sample.name}/`;
    const built = sample.factory(base, actor, config);
    // The showcase's own WebSocketApp serves every route; the mount only answers HTTP.
    const app = reactive((request) => built.handle(request) ?? HttpResponse.text('Not Found\n', { status: 404 }));
    mounts.push({ base, title: sample.title, text: sample.text, app, routes: built.routes });
  }
  const dashboard = dashboardPage('ws');
  const links: LandingLink[] = [
    { href: '/dashboard/', title: 'dashboard', text: 'the actor tree, live: workers, memory, loop lag, requests/s; add, remove and restart workers' },
    ...mounts.map((m) => ({ href: m.base, title: m.title, text: m.text })),
  ];
  const landing = landingPage(links, version());
  const ws = new WebSocketApp([...dashboardRoutes('/dashboard/'), ...mounts.flatMap((m) => m.routes ?? [])], webSocketOptionsFromConfig(config));
  const own = reactive((request) => {
    if (request.path === '/') return HttpResponse.html(landing);
    if (request.path === '/dashboard') return HttpResponse.redirect('/dashboard/', 301);
    if (request.path === '/dashboard/') return HttpResponse.html(dashboard);
    if (request.path === '/favicon.ico') return HttpResponse.empty(204);
    return HttpResponse.text('Not Found\n', { status: 404 });
  });
  const app: HttpApp = {
    serve(request, exchange) {
      const rejection = ws.handleRequest(request);
      if (rejection) {
        exchange.respond(new HttpResponse(rejection.body, { status: rejection.status, headers: rejection.headers }));
        return;
      }
      for (const mount of mounts) {
        if (request.path.startsWith(mount.base)) return mount.app.serve(request, exchange);
        if (request.path === mount.base.slice(0, -1)) return exchange.respond(HttpResponse.redirect(mount.base, 301));
      }
      own.serve(request, exchange);
    },
  };
  return { app, http: { onUpgrade: (request, socket, head) => ws.handleUpgrade(request, socket, head) }, ws };
}
