/**
 * Dining philosophers (pulsar's examples/philosophers): five philosopher actors compete for the
 * forks the arbiter holds, through the arbiter commands `pickup_fork` and `putdown_fork`. Every
 * philosopher picks its lower-numbered fork first, so there is no deadlock, and forks are handed
 * out first come, first served, so everybody eats.
 *
 *     npm run sample -- philosophers
 *     npm run sample -- philosophers --eating-period 0.2 --waiting-period 0.2 --run-for 5
 */
import { DiningPhilosophers } from './dining-philosophers';

new DiningPhilosophers().start();
