/** Settings of the dining philosophers sample (pulsar's names), visible to that app only. */
import { defineSetting, validators } from 'rxpulsar';

export const eatingPeriod = defineSetting<number>({
  name: 'eating_period',
  app: 'philosophers',
  flags: ['--eating-period'],
  meta: 'SECONDS',
  default: 2,
  validate: validators.number({ min: 0 }),
  section: 'Dining Philosophers',
  help: 'Average time a philosopher eats once it holds both forks (each meal takes 0.5–1.5 times this).',
});

export const waitingPeriod = defineSetting<number>({
  name: 'waiting_period',
  app: 'philosophers',
  flags: ['--waiting-period'],
  meta: 'SECONDS',
  default: 2,
  validate: validators.number({ min: 0 }),
  section: 'Dining Philosophers',
  help: 'Average time a philosopher thinks after a meal, before reaching for the forks again.',
});

export const runFor = defineSetting<number>({
  name: 'run_for',
  app: 'philosophers',
  flags: ['--run-for'],
  meta: 'SECONDS',
  default: 0,
  validate: validators.number({ min: 0 }),
  section: 'Dining Philosophers',
  help: 'Print the meals of each philosopher and stop after this many seconds (0: run until stopped).',
});
