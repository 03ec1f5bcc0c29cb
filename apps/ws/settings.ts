/**
 * Settings of WebSocket routes (hosted by the HTTP app, hence `app: 'wsgi'`), and the function
 * that turns a resolved configuration into {@link WebSocketAppOptions}.
 */
import { defineSetting, type Setting } from '../../lib/config/registry';
import { boolean, choice, integer, number } from '../../lib/config/validators';
import type { BackpressurePolicy, WebSocketAppOptions } from './types';

const section = 'WebSocket';
const app = 'wsgi';

export const wsMaxPayload = defineSetting<number>({
  name: 'ws_max_payload',
  flags: ['--ws-max-payload'],
  meta: 'BYTES',
  default: 1024 * 1024,
  validate: integer({ min: 125, max: 2 ** 31 - 1 }),
  section,
  app,
  help: 'Largest WebSocket message accepted (after reassembly and inflation); a larger one closes the connection with 1009.',
});

export const wsPingInterval = defineSetting<number>({
  name: 'ws_ping_interval',
  flags: ['--ws-ping-interval'],
  meta: 'SECONDS',
  default: 30,
  validate: number({ min: 0 }),
  section,
  app,
  help: 'Seconds between keep-alive pings; a peer that answered nothing for a whole interval is dropped. 0 disables.',
});

export const wsSendHighWaterMark = defineSetting<number>({
  name: 'ws_send_high_water_mark',
  flags: ['--ws-send-high-water-mark'],
  meta: 'BYTES',
  default: 1024 * 1024,
  validate: integer({ min: 1 }),
  section,
  app,
  help: 'Bytes queued for one peer at which --ws-backpressure applies.',
});

export const wsBackpressure = defineSetting<BackpressurePolicy>({
  name: 'ws_backpressure',
  flags: ['--ws-backpressure'],
  meta: 'POLICY',
  default: 'wait',
  validate: choice<BackpressurePolicy>(['wait', 'drop', 'close']),
  section,
  app,
  help: 'Slow peers: wait (stop reading the peer until its buffer drains; close with 1013 at 4x the mark), drop (drop messages while above the mark) or close (close with 1013).',
});

export const wsPerMessageDeflate = defineSetting<boolean>({
  name: 'ws_permessage_deflate',
  flags: ['--ws-permessage-deflate'],
  boolean: true,
  default: false,
  validate: boolean,
  section,
  app,
  help: 'Accept permessage-deflate compression when a client offers it (costs zlib memory per connection).',
});

/** The part of a Config this module reads. */
export interface SettingsReader {
  get<T>(setting: Setting<T>): T;
}

/** WebSocketApp options from a resolved configuration (the `debug` setting is passed by the caller). */
export function webSocketOptionsFromConfig(cfg: SettingsReader): WebSocketAppOptions {
  return {
    backpressure: cfg.get(wsBackpressure),
    maxPayload: cfg.get(wsMaxPayload),
    perMessageDeflate: cfg.get(wsPerMessageDeflate),
    pingInterval: Math.round(cfg.get(wsPingInterval) * 1000),
    sendHighWaterMark: cfg.get(wsSendHighWaterMark),
  };
}
