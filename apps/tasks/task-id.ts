/**
 * Task ids. Random by default; for non-overlapping jobs the id is a hash of the job name and
 * arguments (pulsar's `make_task_id`), so identical requests meet on the same task.
 */
import { createHash, randomBytes } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: one system call per 512 ids instead of one per id.
let pool = Buffer.alloc(0);
let offset = 0;

/** 16 random hex characters. */
export function randomTaskId(): string {
  if (offset + 8 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += 8;
  return pool.toString('hex', offset - 8, offset);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` hash the same. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value === undefined ? null : value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** Deterministic id of `job(args)`: 16 hex characters of a SHA-1. */
export function dedupeTaskId(job: string, args: readonly unknown[]): string {
  return createHash('sha1').update(`${job} ${stableStringify(args)}`).digest('hex').slice(0, 16);
}
