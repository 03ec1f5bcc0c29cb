/** Settings of the forward proxy sample, visible to that app only. */
import { defineSetting, validators, type Validator } from 'rxpulsar';

const app = 'proxyserver';
const section = 'Forward Proxy';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `Name: value` entries (a list; on the command line, comma-separated). */
const headerFields: Validator<string[]> = (raw) => {
  const list = validators.stringList(raw);
  for (const entry of list) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || !TOKEN.test(entry.slice(0, colon).trim()) || /[\r\n\0]/.test(entry)) {
      throw new Error(`expected "Name: value" header fields, got "${entry}"`);
    }
  }
  return list;
};

const headerNames: Validator<string[]> = (raw) => {
  const list = validators.stringList(raw);
  for (const name of list) if (!TOKEN.test(name)) throw new Error(`expected header names, got "${name}"`);
  return list;
};

export const proxyAddHeaders = defineSetting<string[]>({
  name: 'proxy_add_headers',
  app,
  flags: ['--proxy-add-headers'],
  meta: 'FIELDS',
  default: [],
  validate: headerFields,
  section,
  help: 'Header fields set on every request forwarded upstream, as "Name: value" (comma-separated on the command line; a list in a config file).',
});

export const proxyRemoveHeaders = defineSetting<string[]>({
  name: 'proxy_remove_headers',
  app,
  flags: ['--proxy-remove-headers'],
  meta: 'NAMES',
  default: [],
  validate: headerNames,
  section,
  help: 'Header fields removed from every request before it is forwarded (hop-by-hop fields are always removed).',
});

export const proxyAddResponseHeaders = defineSetting<string[]>({
  name: 'proxy_add_response_headers',
  app,
  flags: ['--proxy-add-response-headers'],
  meta: 'FIELDS',
  default: [],
  validate: headerFields,
  section,
  help: 'Header fields set on every response returned to the client, as "Name: value".',
});

export const proxyRemoveResponseHeaders = defineSetting<string[]>({
  name: 'proxy_remove_response_headers',
  app,
  flags: ['--proxy-remove-response-headers'],
  meta: 'NAMES',
  default: [],
  validate: headerNames,
  section,
  help: 'Header fields removed from every upstream response before it is returned.',
});

export const proxyVia = defineSetting<string>({
  name: 'proxy_via',
  app,
  flags: ['--proxy-via'],
  meta: 'NAME',
  default: 'rxpulsar',
  validate: validators.string(),
  section,
  help: 'Pseudonym the proxy adds to the Via header of requests and responses; empty: no Via.',
});

export const proxyTimeout = defineSetting<number>({
  name: 'proxy_timeout',
  app,
  flags: ['--proxy-timeout'],
  meta: 'SECONDS',
  default: 30,
  validate: validators.number({ min: 0.001 }),
  section,
  help: 'Seconds to connect upstream, to get its response headers, and between two body chunks; then 504 (or the connection is dropped mid-body).',
});

/** `["X-A: 1"]` → `{ "X-A": "1" }`. */
export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    out[field.slice(0, colon).trim()] = field.slice(colon + 1).trim();
  }
  return out;
}
