/**
 * Error → response: the status from the error (catalog status, `httpError`), a body in the
 * format the client's `Accept` prefers (HTML, JSON or plain text), a traceback only in debug
 * mode. 5xx messages are hidden unless debugging: they may carry internals.
 */
import { STATUS_CODES } from 'node:http';
import { isRxPulsarError } from '../../lib/errors';
import type { OutgoingHeaders } from './headers';
import { headersOf, statusOf } from './http-error';
import type { HttpRequest } from './http-request';
import { HttpResponse } from './http-response';

export interface ErrorPageOptions {
  /** Show the error message of 5xx errors and the stack trace. @default false */
  readonly debug?: boolean;
  /** Shown at the bottom of HTML pages; '' for nothing. @default '' */
  readonly serverName?: string;
}

const HIDDEN_MESSAGE = 'An exception has occurred while evaluating your request.';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function messageOf(error: unknown, status: number, debug: boolean): string {
  if (status >= 500 && !debug) return HIDDEN_MESSAGE;
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'string' && error !== '') return error;
  return STATUS_CODES[status] ?? 'Error';
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}

/**
 * The response for `error` raised while serving `request` (undefined when the request could not
 * even be parsed: plain text then).
 *
 * ## Example
 * ```ts
 * import { errorResponse, httpError } from 'rxpulsar/operators';
 * const res = errorResponse(httpError(404), req, { debug: false }); // HTML, JSON or text by Accept
 * ```
 */
export function errorResponse(error: unknown, request: HttpRequest | undefined, options: ErrorPageOptions = {}): HttpResponse {
  const status = statusOf(error);
  const extra = headersOf(error);
  const headers: OutgoingHeaders = extra === undefined ? {} : { ...extra };
  // Redirects and bodiless statuses carry no page.
  if (status < 400) return new HttpResponse(null, { status, headers });

  const debug = options.debug === true;
  const message = messageOf(error, status, debug);
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const stack = debug ? stackOf(error) : undefined;
  const code = isRxPulsarError(error) ? error.code : undefined;
  const type = request === undefined ? 'text/plain' : (request.accepts(['text/html', 'application/json', 'text/plain']) ?? 'text/plain');

  let body: string;
  if (type === 'application/json') {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify({ status, message, ...(code !== undefined ? { code } : {}), ...(stack !== undefined ? { stack } : {}) });
  } else if (type === 'text/html') {
    headers['content-type'] = 'text/html; charset=utf-8';
    const server = options.serverName ? `<hr><address>${escapeHtml(options.serverName)}</address>` : '';
    const trace = stack !== undefined ? `<pre>${escapeHtml(stack)}</pre>` : '';
    body =
      `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body><h1>${title}</h1><p>${escapeHtml(message)}</p>${trace}${server}</body></html>`;
  } else {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = `${title}\n${message}\n${stack !== undefined ? `\n${stack}\n` : ''}`;
  }
  return new HttpResponse(body, { status, headers });
}
