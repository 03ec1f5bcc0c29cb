/**
 * Parses the `bind` setting: `host:port`, `[v6]:port`, `:port` / `port` (all interfaces),
 * `host` (port 8060) or `unix:/path`.
 */
import { isIP } from 'node:net';
import { createError } from '../errors';

export const DEFAULT_PORT = 8060;

export type BindAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export function parseBind(text: string): BindAddress {
  const value = text.trim();
  if (value.startsWith('unix:')) {
    const path = value.slice(5);
    if (!path) throw createError('RXP_ERR_BIND', text, 'no path after unix:');
    return { kind: 'unix', path };
  }
  if (/^\d+$/.test(value)) return { kind: 'tcp', host: '0.0.0.0', port: toPort(value, text) };
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) {
    if (isIP(v6[1]) !== 6) throw createError('RXP_ERR_BIND', text, 'not an IPv6 address');
    return { kind: 'tcp', host: v6[1], port: v6[2] === undefined ? DEFAULT_PORT : toPort(v6[2], text) };
  }
  const colon = value.lastIndexOf(':');
  if (colon === -1) return { kind: 'tcp', host: value || '0.0.0.0', port: DEFAULT_PORT };
  const host = value.slice(0, colon) || '0.0.0.0';
  if (host.includes(':')) throw createError('RXP_ERR_BIND', text, 'write IPv6 addresses as [addr]:port');
  return { kind: 'tcp', host, port: toPort(value.slice(colon + 1), text) };
}

function toPort(raw: string, text: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw createError('RXP_ERR_BIND', text, `bad port "${raw}"`);
  return port;
}

/** `http://127.0.0.1:8060/`, `http://[::1]:8060/`, or `unix:/path`. */
export function formatUrl(address: BindAddress, scheme = 'http'): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const host = address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '[::1]' : isIP(address.host) === 6 ? `[${address.host}]` : address.host;
  return `${scheme}://${host}:${address.port}/`;
}
