'use strict';
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^rxpulsar$': '<rootDir>/lib/index.ts',
    '^rxpulsar/operators$': '<rootDir>/operators/index.ts',
    '^rxpulsar/apps/(.*)$': '<rootDir>/apps/$1/index.ts',
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/spec/helpers/summary-reporter.js'],
};
