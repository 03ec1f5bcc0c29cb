/**
 * Errors that become HTTP responses. Catalog errors carry their status; {@link httpError} makes
 * one with any status (and extra headers, e.g. `Allow`, `WWW-Authenticate`, `Location`).
 */
import { STATUS_CODES } from 'node:http';
import { createError, isRxPulsarError, type RxPulsarError } from '../../lib/errors';
import type { OutgoingHeaders } from './headers';

/** What {@link httpError} stores in the error's `data`. */
export interface HttpErrorData {
  readonly status: number;
  readonly headers?: OutgoingHeaders;
}

/**
 * An error answered with `status` (4xx/5xx, or 3xx with a `Location` header).
 *
 * ## Example
 * ```ts
 * import { httpError } from 'rxpulsar/operators';
 * throw httpError(401, 'Login first', { 'WWW-Authenticate': 'Basic realm="app"' });
 * ```
 */
export function httpError(status: number, message?: string, headers?: OutgoingHeaders): RxPulsarError {
  const error = createError('RXP_ERR_HTTP_STATUS', message ?? STATUS_CODES[status] ?? `HTTP ${status}`);
  const data: HttpErrorData = headers === undefined ? { status } : { status, headers };
  error.data = data;
  return error;
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 300 && value <= 599;
}

/**
 * The HTTP status an error answers with: `httpError`'s status, the catalog status, or a numeric
 * `status`/`statusCode` (3xx–5xx) other libraries put on their errors; otherwise 500.
 */
export function statusOf(error: unknown): number {
  if (isRxPulsarError(error)) {
    const data = error.data as Partial<HttpErrorData> | undefined;
    if (error.code === 'RXP_ERR_HTTP_STATUS' && data !== undefined && isStatus(data.status)) return data.status;
    return isStatus(error.status) ? error.status : 500;
  }
  if (typeof error === 'object' && error !== null) {
    const candidate = error as { status?: unknown; statusCode?: unknown };
    if (isStatus(candidate.status)) return candidate.status;
    if (isStatus(candidate.statusCode)) return candidate.statusCode;
  }
  return 500;
}

/** Extra headers an error asks for (`httpError(…, headers)`). */
export function headersOf(error: unknown): OutgoingHeaders | undefined {
  if (isRxPulsarError(error, 'RXP_ERR_HTTP_STATUS')) return (error.data as Partial<HttpErrorData> | undefined)?.headers;
  if (isRxPulsarError(error) && typeof error.data === 'object' && error.data !== null) {
    return (error.data as { headers?: OutgoingHeaders }).headers;
  }
  return undefined;
}
