/**
 * Authentication: `/basic-auth/<user>/<passwd>`, `/hidden-basic-auth/<user>/<passwd>`,
 * `/bearer`, `/digest-auth/<qop>/<user>/<passwd>[/<algorithm>]` (RFC 7616; pulsar's digest route
 * referenced undefined names and always failed with a 500).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpResponse, httpError, router, type HttpRequest, type Router } from 'rxpulsar/operators';
import type { HttpbinContext } from './context';
import { prettyJson } from './respond';

const REALM = 'Fake Realm';
const DIGEST_REALM = 'me@rxpulsar';

/** `Authorization: Basic …` as user and password, or undefined. */
export function basicCredentials(request: HttpRequest): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.header('authorization') ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicOk(request: HttpRequest): boolean {
  const credentials = basicCredentials(request);
  return credentials !== undefined && same(credentials.user, String(request.params.user)) && same(credentials.password, String(request.params.passwd));
}

const ALGORITHMS: Readonly<Record<string, string>> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

/** The `key=value` / `key="value"` list of an `Authorization: Digest …` header. */
export function parseAuthParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    out[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return out;
}

/** The digest `response` value a client computes (RFC 7616 §3.4.1; RFC 2069 without qop). */
export function digestResponse(
  algorithm: string,
  p: { user: string; password: string; realm: string; method: string; uri: string; nonce: string; nc?: string; cnonce?: string; qop?: string; body?: Buffer },
): string {
  const hash = (data: string | Buffer): string => createHash(ALGORITHMS[algorithm] ?? 'md5').update(data).digest('hex');
  const ha1 = hash(`${p.user}:${p.realm}:${p.password}`);
  const ha2 = p.qop === 'auth-int' ? hash(`${p.method}:${p.uri}:${hash(p.body ?? Buffer.alloc(0))}`) : hash(`${p.method}:${p.uri}`);
  return p.qop === undefined ? hash(`${ha1}:${p.nonce}:${ha2}`) : hash(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

function hex(random: () => number, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
  return out;
}

function digestChallenge(ctx: HttpbinContext, qop: string, algorithm: string): HttpResponse {
  const challenge = `Digest realm="${DIGEST_REALM}", nonce="${hex(ctx.random, 16)}", qop="${qop}", opaque="${hex(ctx.random, 16)}", algorithm=${algorithm}, stale=FALSE`;
  return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': challenge } });
}

async function digestAuth(request: HttpRequest, ctx: HttpbinContext): Promise<HttpResponse> {
  const qop = String(request.params.qop);
  const algorithm = String(request.params.algorithm ?? 'MD5');
  const user = String(request.params.user);
  const header = /^Digest\s+(.*)$/is.exec(request.header('authorization') ?? '');
  if (header === null) return digestChallenge(ctx, qop, algorithm);
  const a = parseAuthParams(header[1]);
  // The credentials must be for this very URI (no replay on another endpoint), this user and
  // the qop offered.
  if (a.username !== user || a.uri !== request.url || a.realm !== DIGEST_REALM || a.nonce === undefined || a.response === undefined || (a.qop !== undefined && a.qop !== qop)) {
    return digestChallenge(ctx, qop, algorithm);
  }
  const body = a.qop === 'auth-int' ? await request.buffer() : undefined;
  const expected = digestResponse(algorithm, {
    user,
    password: String(request.params.passwd),
    realm: DIGEST_REALM,
    method: request.method,
    uri: a.uri,
    nonce: a.nonce,
    nc: a.nc,
    cnonce: a.cnonce,
    qop: a.qop,
    body,
  });
  if (!same(expected, a.response.toLowerCase())) return digestChallenge(ctx, qop, algorithm);
  return prettyJson({ authenticated: true, user });
}

export function authRoutes(ctx: HttpbinContext): Router[] {
  const digest = (request: HttpRequest): Promise<HttpResponse> => digestAuth(request, ctx);
  const qop = '<any(auth,auth-int):qop>';
  return [
    router('basic-auth/<user>/<passwd>', {
      get: (request) =>
        basicOk(request)
          ? prettyJson({ authenticated: true, user: String(request.params.user) })
          : new HttpResponse(null, { status: 401, headers: { 'www-authenticate': `Basic realm="${REALM}"` } }),
    }),
    router('hidden-basic-auth/<user>/<passwd>', {
      get: (request) => {
        if (!basicOk(request)) throw httpError(404, 'Not Found');
        return prettyJson({ authenticated: true, user: String(request.params.user) });
      },
    }),
    router('bearer', {
      get: (request) => {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
        if (match === null) return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
        return prettyJson({ authenticated: true, token: match[1] });
      },
    }),
    router(`digest-auth/${qop}/<user>/<passwd>`, { get: digest, post: digest }),
    router(`digest-auth/${qop}/<user>/<passwd>/<any(MD5,SHA-256,SHA-512):algorithm>`, { get: digest, post: digest }),
  ];
}
