/**
 * The JUnit XML report (`--junit FILE`), the format CI servers read (Jenkins, GitLab, GitHub
 * actions' test reporters): one `<testsuite>` per module, one `<testcase>` per test, with
 * `<failure>` (broken assertion), `<error>` (anything else) or `<skipped>`.
 */
import type { TestReport, TestResult } from './types';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Escapes text for XML content and attribute values; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function testcase(r: TestResult): string {
  const classname = [r.module, ...r.path.slice(0, -1)].join('.');
  const name = r.path[r.path.length - 1] ?? r.title;
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="${seconds(r.duration)}"`;
  if (r.status === 'passed') return `${open}/>`;
  if (r.status === 'skipped') return `${open}>\n      <skipped message="${escapeXml(r.reason ?? 'skipped')}"/>\n    </testcase>`;
  const tag = r.status === 'failed' ? 'failure' : 'error';
  const e = r.error ?? { name: 'Error', message: 'unknown error' };
  const body = escapeXml(e.stack ?? `${e.name}: ${e.message}`);
  return `${open}>\n      <${tag} message="${escapeXml(e.message)}" type="${escapeXml(e.code ?? e.name)}">${body}</${tag}>\n    </testcase>`;
}

function counts(results: readonly TestResult[]): string {
  const n = (status: TestResult['status']): number => results.filter((r) => r.status === status).length;
  const time = results.reduce((sum, r) => sum + r.duration, 0);
  return `tests="${results.length}" failures="${n('failed')}" errors="${n('error')}" skipped="${n('skipped')}" time="${seconds(time)}"`;
}

export function toJUnitXml(report: TestReport, name = 'rxpulsar'): string {
  const byModule = new Map<string, TestResult[]>();
  for (const r of report.results) {
    const list = byModule.get(r.module) ?? [];
    list.push(r);
    byModule.set(r.module, list);
  }
  const suites = [...byModule].map(
    ([module, results]) => `  <testsuite name="${escapeXml(module)}" ${counts(results)}>\n${results.map(testcase).join('\n')}\n  </testsuite>`,
  );
  const total = `tests="${report.tests}" failures="${report.failed}" errors="${report.errors}" skipped="${report.skipped}" time="${seconds(report.duration)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(name)}" ${total}>\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
