/**
 * The arbiter's pidfile: refuses to start when it names a live process, removed on exit only if
 * it still holds our pid (pulsar's behaviour, gunicorn's too).
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createError } from '../errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createPidfile(path: string): void {
  let existing: number | undefined;
  try {
    existing = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch {
    existing = undefined;
  }
  if (existing && existing !== process.pid && alive(existing)) throw createError('RXP_ERR_PIDFILE', path, existing);
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
}

export function removePidfile(path: string): void {
  try {
    if (Number.parseInt(readFileSync(path, 'utf8').trim(), 10) === process.pid) unlinkSync(path);
  } catch {
    // Already gone.
  }
}
