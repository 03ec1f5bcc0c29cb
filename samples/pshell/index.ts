/**
 * The rxpulsar shell (pulsar's examples/pshell): a REPL in a running arbiter.
 *
 *     npm run sample -- pshell
 *     rxpulsar> spawn({ concurrency: 'thread' })
 *     rxpulsar> interval(500).pipe(take(3))          (values print as they arrive; Ctrl-C stops)
 *     rxpulsar> await firstValueFrom(send('arbiter', 'ping'))
 *
 * Piped, it runs a script: `echo "of(1, 2, 3)" | npm run -s sample -- pshell` prints 1 2 3, exits 0.
 */
import { PulsarShell } from 'rxpulsar/apps/shell';

new PulsarShell({ name: 'pshell' }).start();
