/**
 * Picks the pub/sub backend from the `pubsub` setting: `embedded` (through the arbiter, the
 * default: nothing to install) or a `redis://host:port/db` URL (workers on several machines share
 * channels).
 */
import { createError } from '../errors';
import { EmbeddedPubSub } from './embedded';
import { RedisPubSub, type RedisPubSubOptions } from './redis';
import type { PubSubBackend } from './types';

export function createPubSub(url = 'embedded', options: RedisPubSubOptions = {}): PubSubBackend {
  const value = url.trim();
  if (value === '' || value === 'embedded') return new EmbeddedPubSub();
  if (/^rediss?:\/\//.test(value)) return new RedisPubSub(value, options);
  throw createError('RXP_ERR_INVALID_SETTING', 'pubsub', `expected "embedded" or a redis:// URL, got ${JSON.stringify(url)}`);
}
