import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/child';

/**
 * `npm pack` → install the tarball into an empty project → `require('rxpulsar')` works, and the
 * published types check (a consumer's TypeScript compiles against them).
 */
describe('npm pack', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxp-pack-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('produces a tarball that installs into an empty project and works with types', () => {
    const run = (cmd: string, args: string[], cwd: string): string =>
      execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    run('npm', ['pack', '--silent', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const project = join(dir, 'consumer');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball!), '@types/node@20'], project);

    const out = run(process.execPath, ['-e', "const r = require('rxpulsar'); const s = require('rxpulsar/apps/socket'); console.log(typeof r.spawn, typeof r.arbiter, r.version(), typeof s.SocketServer)"], project);
    expect(out.trim()).toMatch(/^function function \d+\.\d+\.\d+ function$/);
    // Internal files are not reachable: the exports map fences them.
    expect(() => run(process.execPath, ['-e', "require('rxpulsar/dist/lib/errors')"], project)).toThrow();

    writeFileSync(
      join(project, 'check.ts'),
      [
        "import { spawn, send, createError, type ActorRef, type ActorEvent } from 'rxpulsar';",
        "import { SocketServer } from 'rxpulsar/apps/socket';",
        "const ref$ = spawn({ concurrency: 'thread' });",
        'const e = createError(\'RXP_ERR_TIMEOUT\', \'ping\', \'x\', 1);',
        'const code: string = e.code;',
        'let r: ActorRef | undefined; let ev: ActorEvent | undefined;',
        "void ref$; void send; void code; void r; void ev; void SocketServer;",
        '// @ts-expect-error concurrency is checked',
        "spawn({ concurrency: 'fork' });",
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['check.ts'] }),
    );
    run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], project);
  }, 300_000);
});
