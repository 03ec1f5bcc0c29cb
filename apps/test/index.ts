/**
 * `rxpulsar/apps/test`: the asynchronous test suite — test modules spread over worker actors
 * (threads or processes), results streamed back as they finish — and the DSL test modules use.
 */

/* The application */
export { TestSuite, RUNNER_MODULE } from './test-suite';
export type { TestSuiteOptions } from './test-suite';

/* Writing tests */
export { describe, it, test, beforeAll, afterAll, beforeEach, afterEach } from './dsl';
export type { Describe, It, SuiteOptions, TestContext, TestFn, TestOptions } from './dsl';
export { expect } from './expect';
export type { Expectation, Matchers } from './expect';

/* Results and reports */
export type { BenchStats, ModuleJob, RunnerEvent, SuiteEvent, TestError, TestReport, TestResult, TestStatus } from './types';
export { toJUnitXml } from './junit';
export { benchStats } from './stats';
export type { TestModule } from './discover';

/* Settings */
export { benchmark, junit, listLabels, profile, profileDir, repeat, sequential, testModules, testPattern, testTimeout, verbosity } from './settings';
