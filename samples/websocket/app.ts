/**
 * pulsar's "websocket graph" (examples/websocket) as a web sample:
 *
 * ```
 * GET <base>       a page plotting the points of <base>data on a canvas, live
 * WS  <base>data   pushes a random walk, one JSON point {i, t, v} every 100–250 ms
 * WS  <base>echo   echoes every message, text as text and binary as binary
 * ```
 */
import { map } from 'rxjs';
import { messages, webSocket, type WsRoute } from 'rxpulsar/apps/ws';
import type { HttpRequest, HttpResult } from 'rxpulsar/operators';
import { joinPath, pageResponse, type WebSample, type WebSampleFactory } from '../web/web-sample';
import { graphPage } from './page';
import { randomWalk$, type RandomWalkOptions } from './random-walk';

/**
 * Send buffer above which points are dropped for a connection: a live graph wants the latest
 * points, not a backlog, and a stalled tab must not make the worker buffer without end.
 */
export const DATA_HIGH_WATER_MARK = 64 * 1024;

/** Builds the graph factory (`walk` sets the pace, randomness and clock of the data stream). */
export function createWebSocketSample(walk: RandomWalkOptions = {}): WebSampleFactory {
  return (base: string): WebSample => {
    const root = joinPath(base);
    const page = graphPage();
    const routes: WsRoute[] = [
      // The data route ignores what the client sends; closing the connection stops its walk.
      webSocket(joinPath(root, 'data'), () => randomWalk$(walk).pipe(map((point) => JSON.stringify(point))), {
        backpressure: 'drop',
        sendHighWaterMark: DATA_HIGH_WATER_MARK,
      }),
      webSocket(joinPath(root, 'echo'), (message$) => message$.pipe(messages())),
    ];
    const handle = (request: HttpRequest): HttpResult | undefined => {
      return request.path === root ? pageResponse(request, page) : undefined;
    };
    return { base: root, handle, routes };
  };
}

/** The graph, for `serveSamples` and the showcase. */
export const websocketSample: WebSampleFactory = createWebSocketSample();
