/**
 * The JSON httpbin echoes back: `args`, `data`, `files`, `form`, `headers`, `json`, `method`,
 * `origin`, `url` — with httpbin.org's shapes (a repeated query key or form field becomes a list,
 * header names are Title-Cased, binary data becomes a `data:` URL).
 */
import { parseQuery, type HttpRequest, type MultiValueRecord } from 'rxpulsar/operators';

export type DictField = 'args' | 'data' | 'files' | 'form' | 'headers' | 'json' | 'method' | 'origin' | 'url';

export interface RequestDict {
  args?: MultiValueRecord;
  data?: string;
  files?: Record<string, string | string[]>;
  form?: MultiValueRecord;
  headers?: Record<string, string>;
  json?: unknown;
  method?: string;
  origin?: string;
  url?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when the bytes are valid UTF-8, else a `data:` URL (httpbin's `json_safe`). */
export function jsonSafe(bytes: Buffer, contentType = 'application/octet-stream'): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return `data:${contentType};base64,${bytes.toString('base64')}`;
  }
}

/** `user-agent` → `User-Agent`, as werkzeug presents request headers. */
export function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** Request headers by Title-Cased name; repeated fields joined as the server joins them. */
export function headersDict(request: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = request.headers;
  for (const name of Object.keys(headers).sort()) out[titleCase(name)] = headers[name];
  return out;
}

/** The client address as httpbin reports it: `X-Forwarded-For` when a proxy set it. */
export function origin(request: HttpRequest): string {
  return request.header('x-forwarded-for') ?? request.remoteAddress;
}

/** The full URL of the request (absolute-form targets are already full). */
export function fullUrl(request: HttpRequest): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(request.url)) return request.url;
  return `${request.scheme}://${request.header('host') ?? 'localhost'}${request.url}`;
}

function addTo(record: Record<string, string | string[]>, key: string, value: string): void {
  const previous = record[key];
  if (previous === undefined) record[key] = value;
  else if (typeof previous === 'string') record[key] = [previous, value];
  else previous.push(value);
}

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/** The body fields: a form (fields and files) or raw `data` with its `json` reading. */
async function bodyFields(request: HttpRequest): Promise<Pick<RequestDict, 'data' | 'files' | 'form' | 'json'>> {
  if (FORM_TYPES.has(request.contentType)) {
    const form = await request.form();
    const files: Record<string, string | string[]> = {};
    for (const file of form.files) addTo(files, file.name, jsonSafe(file.data, file.contentType));
    return { data: '', files, form: form.fields, json: null };
  }
  const body = await request.buffer();
  const data = jsonSafe(body);
  let json: unknown = null;
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = null;
    }
  }
  return { data, files: {}, form: {}, json };
}

/** The fields asked for, in httpbin's (alphabetical) order. Reads the body only when needed. */
export async function requestDict(request: HttpRequest, fields: readonly DictField[]): Promise<RequestDict> {
  const wanted = new Set(fields);
  const body = wanted.has('data') || wanted.has('files') || wanted.has('form') || wanted.has('json') ? await bodyFields(request) : {};
  const out: RequestDict = {};
  if (wanted.has('args')) out.args = parseQuery(request.queryString);
  if (wanted.has('data')) out.data = body.data;
  if (wanted.has('files')) out.files = body.files;
  if (wanted.has('form')) out.form = body.form;
  if (wanted.has('headers')) out.headers = headersDict(request);
  if (wanted.has('json')) out.json = body.json;
  if (wanted.has('method')) out.method = request.method;
  if (wanted.has('origin')) out.origin = origin(request);
  if (wanted.has('url')) out.url = fullUrl(request);
  return out;
}

/** `/get`'s fields. */
export const GET_FIELDS: readonly DictField[] = ['args', 'headers', 'origin', 'url'];
/** `/post`, `/put`, `/patch`, `/delete`'s fields. */
export const BODY_FIELDS: readonly DictField[] = ['args', 'data', 'files', 'form', 'headers', 'json', 'origin', 'url'];
/** `/anything`'s fields. */
export const ANYTHING_FIELDS: readonly DictField[] = [...BODY_FIELDS, 'method'];
