/**
 * Response helpers shared by the route modules.
 */
import { HttpResponse, httpError, type OutgoingHeaders } from 'rxpulsar/operators';

/** Pretty JSON with a final newline, as httpbin.org prints it. */
export function prettyJson(value: unknown, status = 200, headers?: OutgoingHeaders): HttpResponse {
  return new HttpResponse(`${JSON.stringify(value, null, 2)}\n`, { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** An integer query parameter, or `fallback`; anything else is a 400. */
export function intParam(value: string | readonly string[] | undefined, name: string, fallback: number): number {
  return queryNumber(value, name, fallback, Number.isInteger, 'an integer');
}

/** A number query parameter, or `fallback`; anything else is a 400. */
export function numberParam(value: string | readonly string[] | undefined, name: string, fallback: number): number {
  return queryNumber(value, name, fallback, Number.isFinite, 'a number');
}

function queryNumber(value: string | readonly string[] | undefined, name: string, fallback: number, ok: (n: number) => boolean, kind: string): number {
  const text = Array.isArray(value) ? value[0] : (value as string | undefined);
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!ok(n)) throw httpError(400, `${name} must be ${kind}, got "${text}"`);
  return n;
}

export { escapeHtml } from '../web/html';
