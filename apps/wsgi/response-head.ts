/**
 * Building response heads cheaply: status lines are precomputed, the `Date` line is cached per
 * second by the server's clock, and user headers are validated and serialized in one pass that
 * also notes the headers the server manages itself (length, framing, connection).
 */
import { STATUS_CODES } from 'node:http';
import { createError, type RxPulsarError } from '../../lib/errors';
import { isToken, isValidHeaderValue, type OutgoingHeaders } from '../../operators/http/headers';

/** WSGI's header list: `[name, value]` pairs. */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

const STATUS_LINES: string[] = [];
for (const code of Object.keys(STATUS_CODES)) {
  STATUS_LINES[Number(code)] = `HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\n`;
}

/** `HTTP/1.1 200 OK\r\n` (precomputed for known codes). */
export function statusLine(status: number, reason?: string): string {
  if (reason === undefined) {
    const line = STATUS_LINES[status];
    if (line !== undefined) return line;
    reason = 'Unknown';
  }
  return `HTTP/1.1 ${status} ${reason}\r\n`;
}

/** True for a status that never has a body (RFC 9110 §6.4.1). */
export function statusHasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** `Date` header line for `now` (ms), e.g. `Date: Tue, 25 Nov 2025 12:00:00 GMT\r\n`. */
export function dateLine(now: number): string {
  return `Date: ${new Date(now).toUTCString()}\r\n`;
}

const DIGITS = /^\d{1,15}$/;

/**
 * One pass over user headers. Reused for every response (single-threaded, synchronous), so
 * serializing allocates only the resulting string.
 */
class HeaderScan {
  text = '';
  hasDate = false;
  hasServer = false;
  /** A Content-Length the handler set, or -1. */
  contentLength = -1;
  /** The handler asked for `Connection: close`. */
  close = false;
  error: RxPulsarError | null = null;

  reset(): void {
    this.text = '';
    this.hasDate = false;
    this.hasServer = false;
    this.contentLength = -1;
    this.close = false;
    this.error = null;
  }

  add(name: string, value: string): void {
    // Headers the server decides itself are noted, not copied (PEP 3333 forbids apps to set
    // hop-by-hop headers; framing must match what is actually written).
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'date') this.hasDate = true;
        break;
      case 6:
        if (name.toLowerCase() === 'server') this.hasServer = true;
        break;
      case 10:
        if (name.toLowerCase() === 'connection') {
          if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) this.close = true;
          return;
        }
        if (name.toLowerCase() === 'keep-alive') return;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          const text = value.trim();
          if (!DIGITS.test(text)) {
            this.error ??= createError('RXP_ERR_HTTP_INVALID_HEADER', name, value);
          } else if (this.contentLength !== -1 && this.contentLength !== Number(text)) {
            this.error ??= createError('RXP_ERR_HTTP_INVALID_HEADER', name, 'conflicting values');
          } else {
            this.contentLength = Number(text);
          }
          return;
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') return;
        break;
    }
    if (!isToken(name)) {
      this.error ??= createError('RXP_ERR_HTTP_INVALID_HEADER', JSON.stringify(name), 'not a token');
      return;
    }
    if (!isValidHeaderValue(value)) {
      this.error ??= createError('RXP_ERR_HTTP_INVALID_HEADER', name, 'CR, LF, NUL or a character above 0xFF in the value');
      return;
    }
    this.text += `${name}: ${value}\r\n`;
  }

  addRecord(headers: OutgoingHeaders): void {
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') this.add(name, value);
      else if (typeof value === 'number') this.add(name, String(value));
      else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) this.add(name, String(value[i]));
      else if (value !== undefined && value !== null) this.add(name, String(value));
    }
  }

  addPairs(headers: HeaderPairs): void {
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i];
      if (!Array.isArray(pair) || pair.length !== 2) {
        this.error ??= createError('RXP_ERR_HTTP_INVALID_HEADER', JSON.stringify(pair), 'not a [name, value] pair');
        continue;
      }
      this.add(String(pair[0]), String(pair[1]));
    }
  }
}

export const headerScan = new HeaderScan();

const WSGI_STATUS = /^([1-9]\d\d) ([^\r\n]*)$/;
const wsgiStatusCache = new Map<string, { readonly line: string; readonly code: number }>();

/**
 * Parses a WSGI status (`'200 OK'`) into its code and status line; undefined when malformed.
 * Cached: apps use a handful of status strings.
 */
export function wsgiStatus(status: string): { readonly line: string; readonly code: number } | undefined {
  let cached = wsgiStatusCache.get(status);
  if (cached !== undefined) return cached;
  const match = typeof status === 'string' ? WSGI_STATUS.exec(status) : null;
  if (match === null || !isValidHeaderValue(status)) return undefined;
  cached = { line: `HTTP/1.1 ${status}\r\n`, code: Number(match[1]) };
  if (wsgiStatusCache.size < 256) wsgiStatusCache.set(status, cached);
  return cached;
}
