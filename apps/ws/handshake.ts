/**
 * The server side of the RFC 6455 opening handshake, checked before `ws` takes over, so that every
 * bad request gets a precise 4xx (pulsar answered a plain GET on a WebSocket route with a 500,
 * inventory §11.13) and the answer does not depend on ws's internals.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { createError, type RxPulsarError } from '../../lib/errors';
import { isToken } from '../../operators/http/headers';
import type { HeaderValue, UpgradeRejection, UpgradeRequest } from './types';

/** base64 of 16 bytes (RFC 6455 §4.1 item 7). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** One header as a string: repeated headers are joined with ", " (RFC 7230 §3.2.2). */
export function headerValue(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  for (const part of value.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/**
 * Checks an upgrade request against RFC 6455 §4.2.1; returns the error to answer with, or
 * undefined when the handshake may proceed.
 *
 * - not GET → 405; HTTP/1.0 → 400;
 * - no `Upgrade: websocket` → 426 (a plain request to a WebSocket resource);
 * - no `Connection: upgrade` → 400;
 * - `Sec-WebSocket-Version` other than 13 → 426 with `Sec-WebSocket-Version: 13` (§4.4);
 * - missing or malformed `Sec-WebSocket-Key` → 400; malformed `Sec-WebSocket-Protocol` → 400.
 */
export function checkHandshake(request: UpgradeRequest): RxPulsarError | undefined {
  if (request.method !== 'GET') return createError('RXP_ERR_WS_METHOD_NOT_ALLOWED', request.method ?? '(none)');
  const [major, minor] = String(request.httpVersion).split('.').map(Number);
  if (!(major > 1 || (major === 1 && minor >= 1))) {
    return createError('RXP_ERR_WS_BAD_HANDSHAKE', `HTTP/${request.httpVersion} (1.1 or later needed)`);
  }
  const headers = request.headers;
  if (!hasToken(headerValue(headers.upgrade), 'websocket')) {
    return createError('RXP_ERR_WS_UPGRADE_REQUIRED', 'no "Upgrade: websocket" header');
  }
  if (!hasToken(headerValue(headers.connection), 'upgrade')) {
    return createError('RXP_ERR_WS_BAD_HANDSHAKE', 'no "Connection: Upgrade" header');
  }
  const version = headerValue(headers['sec-websocket-version']);
  if (version?.trim() !== '13') {
    return createError('RXP_ERR_WS_UPGRADE_REQUIRED', `unsupported Sec-WebSocket-Version ${JSON.stringify(version ?? null)}`);
  }
  const key = headerValue(headers['sec-websocket-key']);
  if (key === undefined || !KEY.test(key.trim())) {
    return createError('RXP_ERR_WS_BAD_HANDSHAKE', 'missing or malformed Sec-WebSocket-Key');
  }
  const protocols = headerValue(headers['sec-websocket-protocol']);
  if (protocols !== undefined && parseProtocols(protocols) === undefined) {
    return createError('RXP_ERR_WS_BAD_HANDSHAKE', 'malformed Sec-WebSocket-Protocol');
  }
  return undefined;
}

/** The client's sub-protocol offers in its order, or undefined when the list is malformed. */
export function parseProtocols(value: string): string[] | undefined {
  const offers: string[] = [];
  for (const part of value.split(',')) {
    const token = part.trim();
    // Each sub-protocol is an RFC 9110 token.
    if (!isToken(token) || offers.includes(token)) return undefined;
    offers.push(token);
  }
  return offers;
}

/** The HTTP answer for a handshake error (its `status`; 500 for errors without one). */
export function upgradeRejection(error: RxPulsarError): UpgradeRejection {
  const status = error.status ?? 500;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (status === 405) headers.allow = 'GET';
  if (status === 426) {
    // RFC 7231 §6.5.15: a 426 names the protocol to upgrade to; RFC 6455 §4.4: and the version.
    headers.upgrade = 'websocket';
    headers.connection = 'Upgrade';
    headers['sec-websocket-version'] = '13';
  }
  const body = `${error.message}\n`;
  headers['content-length'] = String(Buffer.byteLength(body));
  return { status, headers, body };
}

/** Writes a rejection on a socket the HTTP server handed over, then closes it. */
export function writeRejection(socket: Duplex, rejection: UpgradeRejection): void {
  if (socket.destroyed) return;
  const body = Buffer.from(rejection.body);
  let head = `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(rejection.headers)) {
    if (name !== 'connection') head += `${name}: ${value}\r\n`;
  }
  // We own the socket and close it; a 426 still lists Upgrade as a connection option (RFC 7230 §6.7).
  const connection = rejection.headers.connection ? `${rejection.headers.connection}, close` : 'close';
  head += `connection: ${connection}\r\n\r\n`;
  socket.once('finish', socketDestroy);
  socket.on('error', socketDestroy);
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function socketDestroy(this: Duplex): void {
  this.destroy();
}
