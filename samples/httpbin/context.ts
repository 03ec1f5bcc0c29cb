/**
 * What every httpbin route module gets: where the app is mounted, its clock and its dice.
 * Time and randomness are injected so that `/delay`, `/drip`, `/status/<a,b>` and `/bytes`
 * can be tested in virtual time and deterministically.
 */
import type { SchedulerLike } from 'rxjs';

export interface HttpbinContext {
  /** Mount point without trailing slash: `''` at the root, `'/httpbin'` under the showcase. */
  readonly prefix: string;
  /** Clock for `/delay`, `/drip`, `/range?duration=`. */
  readonly scheduler: SchedulerLike;
  /** Uniform [0, 1): `/status` choices, unseeded `/bytes`, nonces. */
  readonly random: () => number;
  /** Longest wait `/delay` and `/drip` accept, in seconds (longer asks are cut to it). */
  readonly maxDelay: number;
  /** `prefix + path`: the path of an endpoint as the client sees it. */
  link(path: string): string;
}

/** `'/httpbin/'`, `'httpbin'`, `'/'`, `''` → `'/httpbin'` or `''`. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').split('/').filter((s) => s !== '').join('/');
  return trimmed === '' ? '' : `/${trimmed}`;
}
