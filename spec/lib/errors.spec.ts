import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CATALOG, createError, deserializeError, isRxPulsarError, serializeError, type ErrorCode } from 'rxpulsar';

const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
const documented = [...docs.matchAll(/^\|\s*`(RXP_ERR_[A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);

describe('error catalog', () => {
  it('documents every code of the catalog in docs/errors.md', () => {
    const missing = Object.keys(ERROR_CATALOG).filter((code) => !documented.includes(code));
    expect(missing).toEqual([]);
  });

  it('documents no code that the catalog does not have, and none twice', () => {
    const extra = documented.filter((code) => !(code in ERROR_CATALOG));
    expect(extra).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('fills the message template and carries the protocol mappings', () => {
    const error = createError('RXP_ERR_TIMEOUT', 'ping', 'a1b2c3d4', 50);
    expect(error.message).toBe('Command "ping" to a1b2c3d4 timed out after 50 ms');
    expect(error.code).toBe('RXP_ERR_TIMEOUT');
    expect(error.status).toBe(504);
    expect(isRxPulsarError(error, 'RXP_ERR_TIMEOUT')).toBe(true);
    expect(isRxPulsarError(error, 'RXP_ERR_BIND')).toBe(false);
  });

  it('survives a trip across a boundary as a plain object', () => {
    const payload = JSON.parse(JSON.stringify(serializeError(createError('RXP_ERR_UNKNOWN_ACTOR', 'nobody'))));
    const back = deserializeError(payload);
    expect(isRxPulsarError(back, 'RXP_ERR_UNKNOWN_ACTOR')).toBe(true);
    expect(back.message).toBe('Unknown actor "nobody"');
  });

  it('keeps name, message and code of foreign errors', () => {
    const foreign = Object.assign(new RangeError('too far'), { code: 'ERR_OUT_OF_RANGE' });
    const back = deserializeError(serializeError(foreign)) as Error & { code?: string };
    expect(back.name).toBe('RangeError');
    expect(back.message).toBe('too far');
    expect(back.code).toBe('ERR_OUT_OF_RANGE');
    expect(isRxPulsarError(back)).toBe(false);
  });

  it('rejects codes that do not exist', () => {
    expect(() => createError('RXP_ERR_NOPE' as ErrorCode)).toThrow(TypeError);
  });
});
