/**
 * Cookies: parsing the request `Cookie` header and writing `Set-Cookie` values (RFC 6265).
 */
import { createError } from '../../lib/errors';
import { isToken } from './headers';
import { safeDecodeURIComponent } from './query';

export interface CookieOptions {
  /** `Domain` attribute. */
  readonly domain?: string;
  /** `Expires` attribute (a Date, or epoch milliseconds). */
  readonly expires?: Date | number;
  /** `HttpOnly` attribute. @default false */
  readonly httpOnly?: boolean;
  /** `Max-Age` in seconds. */
  readonly maxAge?: number;
  /** `Path` attribute. @default '/' */
  readonly path?: string;
  /** `SameSite` attribute. */
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
  /** `Secure` attribute. @default false */
  readonly secure?: boolean;
}

// cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (no space, DQUOTE, comma, ;, \)
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const ATTRIBUTE_VALUE = /^[\x20-\x3a\x3c-\x7e]*$/;

/** Parses a `Cookie` header into name → value (first occurrence wins; values %-decoded). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (header === undefined || header === '') return out;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '' || name in out) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[name] = safeDecodeURIComponent(value);
  }
  return out;
}

/**
 * A `Set-Cookie` header value. The value is %-encoded when it holds characters a cookie may
 * not carry; names and attributes that could split the header are rejected.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  // A cookie name is a token (RFC 6265 §4.1.1).
  if (!isToken(name)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'cookie name', 'a token', name);
  const encoded = COOKIE_VALUE.test(value) ? value : encodeURIComponent(value);
  let out = `${name}=${encoded}`;
  if (options.maxAge !== undefined) {
    if (!Number.isFinite(options.maxAge)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'maxAge', 'a finite number', options.maxAge);
    out += `; Max-Age=${Math.floor(options.maxAge)}`;
  }
  if (options.expires !== undefined) out += `; Expires=${new Date(options.expires).toUTCString()}`;
  if (options.domain !== undefined) out += `; Domain=${attribute('domain', options.domain)}`;
  out += `; Path=${attribute('path', options.path ?? '/')}`;
  if (options.secure === true) out += '; Secure';
  if (options.httpOnly === true) out += '; HttpOnly';
  if (options.sameSite !== undefined) out += `; SameSite=${options.sameSite}`;
  return out;
}

function attribute(name: string, value: string): string {
  if (!ATTRIBUTE_VALUE.test(value)) throw createError('RXP_ERR_INVALID_ARGUMENT', `cookie ${name}`, 'printable without ";"', value);
  return value;
}
