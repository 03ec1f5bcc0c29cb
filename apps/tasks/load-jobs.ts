/**
 * Loads the jobs named by `--tasks-path` (pulsar's `tasks_path`, whose default module did not
 * exist, inventory §11 item 16). A module exports its jobs as `jobs` or `default`: an array of
 * jobs or a JobRegistry; failing that, every exported job is taken.
 */
import { resolve } from 'node:path';
import { createError } from '../../lib/errors';
import { JobRegistry, type Job } from './job';

function isJob(value: unknown): value is Job {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Job).name === 'string' &&
    typeof (value as Job).run === 'function' &&
    typeof (value as Job).options === 'object'
  );
}

function jobsOf(exported: Record<string, unknown>, path: string): Job[] {
  const chosen = exported.jobs ?? exported.default;
  if (chosen instanceof JobRegistry) return chosen.list();
  if (Array.isArray(chosen)) {
    const bad = chosen.find((j) => !isJob(j));
    if (bad !== undefined) throw createError('RXP_ERR_INVALID_ARGUMENT', `jobs of ${path}`, 'an array of jobs (defineJob)', bad);
    return chosen as Job[];
  }
  return Object.values(exported).filter(isJob);
}

/** A registry of the jobs exported by `paths` (relative paths resolve from `cwd`). */
export function loadJobRegistry(paths: readonly string[], cwd = process.cwd()): JobRegistry {
  const registry = new JobRegistry();
  for (const path of paths) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(resolve(cwd, path)) as Record<string, unknown>;
    for (const job of jobsOf(exported, path)) if (registry.get(job.name) !== job) registry.add(job);
  }
  return registry;
}
