/**
 * The jobs of the task queue sample: pulsar's `examples/taskqueue/sampletasks`, rebuilt —
 * `addition`, `valueerrortask` (always fails), `asynchronous`, `notoverlap`, `producer` (queues
 * ten additions as children), `checkworkers` (periodic), `summoments` and `standarddeviation`
 * (fan-out). Workers load this module by path (`--tasks-path` / the `jobs` option).
 */
export { exampleJobs as jobs } from 'rxpulsar/apps/tasks';
