/**
 * Heap per idle WebSocket connection, measured by `bench/ws.ts --memory` in its own processes
 * (server with --expose-gc, raw-socket clients in another process), so that the budget is a
 * checked figure and not only a printed one.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function measure(connections: number): Promise<Array<Record<string, number | string>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'register.js'), join(ROOT, 'bench', 'ws.ts'), '--memory', '--connections', String(connections), '--only', 'route-node', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() as string) as Array<Record<string, number | string>>);
    });
  });
}

describe('heap per idle WebSocket connection', () => {
  it('should stay under 10 KB with 1,000 connections (after GC)', async () => {
    const [row] = await measure(1000);
    expect(row.server).toBe('route-node');
    expect(row['heap KB/conn']).toBeGreaterThan(0);
    expect(row['heap KB/conn']).toBeLessThan(10);
  }, 60_000);
});
