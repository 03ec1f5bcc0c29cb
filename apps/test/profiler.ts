/**
 * A CPU profile of the current thread or process through `node:inspector` (`--profile`). The
 * result is Chrome DevTools' `.cpuprofile` format: open it in DevTools (Performance panel) or
 * VS Code. Works in worker threads too (each thread has its own inspector).
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CpuProfiler {
  /** Stops profiling and writes the profile to `file` (directories created). */
  stop(file: string): Promise<string>;
}

export async function startCpuProfiler(): Promise<CpuProfiler> {
  const session = new Session();
  session.connect();
  const post = <T = unknown>(method: string, params?: Record<string, unknown>): Promise<T> =>
    new Promise((resolve, reject) => {
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
    });
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      session.disconnect();
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}
