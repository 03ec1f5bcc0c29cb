import { escapeXml, toJUnitXml } from '../../../apps/test/junit';
import { summarize } from '../../../apps/test/report';
import { results } from './results-fixture';

describe('toJUnitXml', () => {
  it('should write one testsuite per module with failure, error and skipped elements, escaped', () => {
    const xml = toJUnitXml(summarize(results, ['math', 'io'], [], 1234), 'unit');
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="unit" tests="4" failures="1" errors="1" skipped="1" time="1.234">',
        '  <testsuite name="math" tests="2" failures="1" errors="0" skipped="0" time="0.004">',
        '    <testcase classname="math.calc" name="adds" time="0.002"/>',
        '    <testcase classname="math.calc" name="&lt;sub&gt; &amp; &quot;minus&quot;" time="0.002">',
        '      <failure message="2 to be 1" type="ERR_ASSERTION">AssertionError: 2 to be 1\n    at t.ts:1:1</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="io" tests="2" failures="0" errors="1" skipped="1" time="0.000">',
        '    <testcase classname="io" name="reads" time="0.000">',
        '      <error message="EIO" type="Error">Error: EIO</error>',
        '    </testcase>',
        '    <testcase classname="io" name="later" time="0.000">',
        '      <skipped message="not yet"/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('should drop characters XML cannot carry', () => {
    expect(escapeXml("a\u0000b\u001bc'")).toBe('abc&apos;');
  });
});
