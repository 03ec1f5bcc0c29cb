'use strict';
// Jest reporter that writes the run's counts to .tmp/jest-summary.json, so .ci/run can print one
// plain "N passed, N failed" line without parsing jest's human summary.
const fs = require('fs');
const path = require('path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    const file = path.join(this.rootDir, '.tmp', 'jest-summary.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      suitesFailed: results.numFailedTestSuites,
    };
    fs.writeFileSync(file, JSON.stringify(summary));
  }
}
module.exports = SummaryReporter;
