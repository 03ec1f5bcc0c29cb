/**
 * Periodic schedules compiled to two questions: the first slot after a time, and the latest slot
 * at or before a time. Slots are pure functions of the schedule, so every host running a
 * scheduler computes the same ones, and the backend's per-job slot record makes each slot run
 * once. Cron expressions (with timezone) are cron-parser's, not hand-written.
 */
import { CronExpressionParser } from 'cron-parser';
import { createError } from '../../lib/errors';
import type { JobSchedule } from './job';

export interface CompiledSchedule {
  /** First slot strictly after `time`. */
  next(time: number): number;
  /** Latest slot at or before `time`, if any. */
  latest(time: number): number | undefined;
  /** `every` in ms, for job listings. */
  readonly every?: number;
  readonly cron?: string;
  readonly tz?: string;
}

/** Validates and compiles the schedule of job `job` (RXP_ERR_INVALID_SCHEDULE). */
export function compileSchedule(job: string, schedule: JobSchedule): CompiledSchedule {
  if ('every' in schedule) {
    const every = schedule.every;
    if (typeof every !== 'number' || !Number.isFinite(every) || every <= 0) {
      throw createError('RXP_ERR_INVALID_SCHEDULE', job, `every must be a positive number of ms, got ${String(every)}`);
    }
    const anchor = schedule.anchor instanceof Date ? schedule.anchor.getTime() : (schedule.anchor ?? 0);
    if (!Number.isFinite(anchor)) throw createError('RXP_ERR_INVALID_SCHEDULE', job, 'anchor is not a valid time');
    return {
      every,
      next: (time) => anchor + (Math.floor((time - anchor) / every) + 1) * every,
      latest: (time) => anchor + Math.floor((time - anchor) / every) * every,
    };
  }
  const tz = schedule.tz ?? 'UTC';
  const parse = (time: number) => CronExpressionParser.parse(schedule.cron, { currentDate: new Date(time), tz });
  try {
    parse(0).next();
  } catch (error) {
    throw createError('RXP_ERR_INVALID_SCHEDULE', job, error instanceof Error ? error.message : String(error));
  }
  return {
    cron: schedule.cron,
    tz,
    next: (time) => parse(time).next().getTime(),
    latest: (time) => {
      const expression = parse(time + 1);
      return expression.hasPrev() ? expression.prev().getTime() : undefined;
    },
  };
}
