/**
 * The one interface every handler style compiles to. WSGI callables (`wsgi()`), reactive
 * handlers (`reactive()`, `pipeline()`) and hand-written apps all become an {@link HttpApp}
 * that the connection calls once per request, as soon as the request headers are parsed.
 */
import type { Unsubscribable } from 'rxjs';
import type { OutgoingHeaders } from '../../operators/http/headers';
import type { HttpRequest } from '../../operators/http/http-request';
import type { BodyChunk, HttpResponseLike } from '../../operators/http/http-response';
import type { HeaderPairs } from './response-head';

/**
 * The response side of one request. Responses go out in request order (pipelining) whatever
 * order handlers finish in; a response for a later request is held until earlier ones are done.
 */
export interface HttpExchange {
  readonly request: HttpRequest;
  /** The status line and headers have been produced (they may still wait in the queue). */
  readonly headersSent: boolean;
  /** The response is complete. */
  readonly finished: boolean;
  /** The client went away before the response was complete. */
  readonly aborted: boolean;
  /** Sends a whole response (complete or streamed body). */
  respond(response: HttpResponseLike): void;
  /** Starts a streamed response; `write`/`end` follow. */
  writeHead(status: number, headers?: OutgoingHeaders | HeaderPairs, reason?: string): void;
  /** Writes body bytes; false when the client is not keeping up (wait for `onDrain`). */
  write(chunk: BodyChunk): boolean;
  /** Completes the response. */
  end(chunk?: BodyChunk): void;
  /** Answers with the error page, or drops the connection when the headers are already out. */
  fail(error: unknown): void;
  /** Runs once when the client disconnects before the response is complete (cancel work). */
  onAbort(teardown: Unsubscribable | (() => void)): void;
  /** Runs once when a `write` that returned false may be retried. */
  onDrain(callback: () => void): void;
}

/** A request handler at the level of the server: called once per request, never throws. */
export interface HttpApp {
  serve(request: HttpRequest, exchange: HttpExchange): void;
}
