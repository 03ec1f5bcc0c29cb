/**
 * Entry of spawned actors' threads and processes (`spawn({ module })` and bare actors). App
 * workers do not come here: they re-run the user's main script, cluster style.
 */
import { hostedBootData } from '../actor/boot';
import { createHostedActor } from './hosted';

const boot = hostedBootData();
if (!boot) {
  process.stderr.write('rxpulsar: worker-main started without boot data; it is started by spawn()\n');
  process.exit(64);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const behaviour = boot.module ? (require(boot.module) as Record<string, unknown>) : {};
void createHostedActor(boot, behaviour).start();
