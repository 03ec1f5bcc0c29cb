/**
 * Header middleware (pulsar's proxy "headers middleware", fixed): small functions that edit the
 * headers of a request on its way upstream, or of a response on its way back. Each gets the
 * headers and the client's request.
 */
import type { HttpRequest } from 'rxpulsar/operators';
import type { HeaderList } from './header-list';

export type HeaderMiddleware = (headers: HeaderList, request: HttpRequest) => void;

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and must not be forwarded,
 * nor must any field the `Connection` header names. `Proxy-Connection` is the pre-standard
 * spelling some clients still send.
 */
export const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** Removes hop-by-hop fields and those listed in `Connection`. */
export function removeHopByHop(): HeaderMiddleware {
  return (headers) => {
    const listed = (headers.get('connection') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    for (const name of [...HOP_BY_HOP, ...listed]) headers.remove(name);
  };
}

/** Appends the client's address to `X-Forwarded-For` (the chain of proxies so far is kept). */
export function xForwardedFor(): HeaderMiddleware {
  return (headers, request) => {
    const previous = headers.get('x-forwarded-for');
    headers.set('X-Forwarded-For', previous === undefined ? request.remoteAddress : `${previous}, ${request.remoteAddress}`);
  };
}

/** Appends `Via: 1.1 <pseudonym>` (RFC 9110 §7.6.3), with the client's HTTP version. */
export function via(pseudonym: string): HeaderMiddleware {
  return (headers, request) => {
    headers.append('Via', `${request.httpVersion} ${pseudonym}`);
  };
}

/** Sets `User-Agent` (pulsar's `user_agent(agent)` took the wrong arguments and never ran). */
export function userAgent(agent: string): HeaderMiddleware {
  return (headers) => {
    headers.set('User-Agent', agent);
  };
}

/** Sets each field (replacing what the message had). */
export function addHeaders(fields: Readonly<Record<string, string>>): HeaderMiddleware {
  const entries = Object.entries(fields);
  return (headers) => {
    for (const [name, value] of entries) headers.set(name, value);
  };
}

/** Removes each field. */
export function removeHeaders(names: readonly string[]): HeaderMiddleware {
  return (headers) => {
    for (const name of names) headers.remove(name);
  };
}
