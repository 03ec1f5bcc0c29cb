/**
 * Measurements an actor reports in `info` and in every heartbeat: memory, CPU, event-loop lag.
 * Event-loop lag comes from `perf_hooks.monitorEventLoopDelay` (a histogram sampled by libuv,
 * no timer of ours), reset at each read so each heartbeat reports its own interval.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';

export interface ProcessInfo {
  readonly pid: number;
  readonly threadId: number;
  /** Seconds since the actor started. */
  readonly uptime: number;
  readonly memory: { readonly rss: number; readonly heapUsed: number; readonly heapTotal: number; readonly external: number };
  /** CPU microseconds (user + system) of the whole process since start. */
  readonly cpu: { readonly user: number; readonly system: number };
  /** Event-loop delay over the last interval, milliseconds. */
  readonly loopLag: { readonly mean: number; readonly max: number; readonly p99: number };
}

let histogram: IntervalHistogram | undefined;
/** Sampling period of the histogram (ms): libuv records how late each sample's timer fired. */
const RESOLUTION_MS = 10;

export function processInfo(startedAt: number): ProcessInfo {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  // The recorded values are the time between samples, so an idle loop shows the resolution
  // itself: subtract it to report the lag.
  const ms = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e3) / 1e3 - RESOLUTION_MS) : 0);
  const loopLag = { mean: ms(histogram.mean), max: ms(histogram.max), p99: ms(histogram.percentile(99)) };
  histogram.reset();
  return {
    pid: process.pid,
    threadId,
    uptime: Math.round((Date.now() - startedAt) / 10) / 100,
    memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external },
    cpu: { user: cpu.user, system: cpu.system },
    loopLag,
  };
}
