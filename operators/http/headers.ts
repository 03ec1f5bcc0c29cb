/**
 * Header helpers shared by requests, responses and the server: validation (RFC 9110 §5.1/§5.5),
 * case-insensitive lookup in raw header lists, and `Accept` negotiation.
 */

/**
 * Outgoing headers: one value, or several (each sent on its own line, e.g. `Set-Cookie`);
 * `undefined` values are skipped (handy for conditional headers).
 */
export type OutgoingHeaders = Record<string, string | number | readonly string[] | undefined>;

/** A header value as the request wrappers give it (repeated fields are joined). */
export type HeaderMap = Readonly<Record<string, string>>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// field-value = *( VCHAR / obs-text / SP / HTAB ); anything else (CR, LF, NUL, > 0xFF) would
// split the response or be mangled by the latin1 encoding of the head.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Two values of repeated field `lowerName` as one: `; ` for cookies, `, ` otherwise (RFC 9110 §5.3). */
export function joinFieldValues(lowerName: string, previous: string, value: string): string {
  return `${previous}${lowerName === 'cookie' ? '; ' : ', '}${value}`;
}

/** True for an RFC 9110 token (header names, methods). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** True when `value` can be sent as a header value as is. */
export function isValidHeaderValue(value: string): boolean {
  return !INVALID_VALUE.test(value);
}

/** First value of header `name` (any case) in a flat `[name, value, …]` list. */
export function rawHeader(rawHeaders: readonly string[], name: string): string | undefined {
  const length = name.length;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (key.length === length && (key === name || key.toLowerCase() === name)) return rawHeaders[i + 1];
  }
  return undefined;
}

/**
 * The flat list as a record with lower-case names; repeated fields are joined with `", "`
 * (`"; "` for Cookie, RFC 6265 §5.4), as RFC 9110 §5.3 allows for list-based fields.
 */
export function headersToRecord(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    const previous = out[key];
    out[key] = previous === undefined ? value : joinFieldValues(key, previous, value);
  }
  return out;
}

/** Case-insensitive lookup in outgoing headers. */
export function findHeader(headers: OutgoingHeaders | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const key in headers) {
    if (key.length === lower.length && key.toLowerCase() === lower) {
      const value = headers[key];
      if (value === undefined) return undefined;
      return Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return undefined;
}

/** The key under which `name` is stored in `headers` (any case), or undefined. */
export function headerKey(headers: OutgoingHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === lower) return key;
  return undefined;
}

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
  readonly order: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  const parts = accept.split(',');
  for (let i = 0; i < parts.length; i++) {
    const [range, ...params] = parts[i].split(';');
    const [type, subtype] = range.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key.trim().toLowerCase() === 'q') q = Number(value);
    }
    if (!(q >= 0 && q <= 1)) q = 0;
    ranges.push({ type, subtype, q, order: i });
  }
  return ranges;
}

function quality(ranges: MediaRange[], offer: string): number {
  const [type, subtype] = offer.toLowerCase().split('/');
  let best = -1;
  let specificity = -1;
  for (const range of ranges) {
    let s: number;
    if (range.type === type && range.subtype === subtype) s = 2;
    else if (range.type === type && range.subtype === '*') s = 1;
    else if (range.type === '*' && range.subtype === '*') s = 0;
    else continue;
    if (s > specificity) {
      specificity = s;
      best = range.q;
    }
  }
  return best;
}

/**
 * The offered media type the `Accept` header prefers (RFC 9110 §12.5.1), or undefined when it
 * accepts none. No header accepts anything: the first offer wins.
 */
export function preferredType(accept: string | undefined, offers: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return offers[0];
  const ranges = parseAccept(accept);
  let chosen: string | undefined;
  let chosenQ = 0;
  for (const offer of offers) {
    const q = quality(ranges, offer);
    if (q > chosenQ) {
      chosen = offer;
      chosenQ = q;
    }
  }
  return chosen;
}

/**
 * The content coding to use from `Accept-Encoding` among `offers` (in server preference
 * order), or undefined for identity.
 */
export function preferredEncoding(acceptEncoding: string | undefined, offers: readonly string[]): string | undefined {
  if (acceptEncoding === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    if (coding === '') continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key.trim().toLowerCase() === 'q') q = Number(value);
    }
    weights.set(coding, q >= 0 && q <= 1 ? q : 0);
  }
  let chosen: string | undefined;
  let chosenQ = 0;
  for (const offer of offers) {
    const q = weights.get(offer) ?? weights.get('*') ?? 0;
    if (q > chosenQ) {
      chosen = offer;
      chosenQ = q;
    }
  }
  return chosen;
}

/** `type/subtype` of a Content-Type value, lower-case, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** A parameter (`charset`, `boundary`) of a Content-Type value; quotes removed. */
export function mediaTypeParam(contentType: string | undefined, name: string): string | undefined {
  if (contentType === undefined) return undefined;
  const parts = contentType.split(';');
  for (let i = 1; i < parts.length; i++) {
    const eq = parts[i].indexOf('=');
    if (eq === -1) continue;
    if (parts[i].slice(0, eq).trim().toLowerCase() !== name) continue;
    let value = parts[i].slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    return value;
  }
  return undefined;
}
