/** Settings of the shell application (`rxpulsar/apps/shell`), visible to the `shell` app only. */
import { defineSetting } from '../../lib/config/registry';
import { string } from '../../lib/config/validators';

export const shellPrompt = defineSetting<string>({
  name: 'shell_prompt',
  app: 'shell',
  flags: ['--prompt'],
  meta: 'STRING',
  default: 'rxpulsar> ',
  validate: (raw) => (typeof raw === 'string' ? raw : string()(raw)),
  section: 'Shell',
  help: 'The prompt shown on a terminal. Piped input (no TTY) shows no prompt, only results.',
});

export const shellHistory = defineSetting<string>({
  name: 'shell_history',
  app: 'shell',
  flags: ['--history'],
  meta: 'FILE',
  default: '',
  validate: string({ nullable: true }),
  section: 'Shell',
  help: 'Keep the input history of terminal sessions in this file (empty: no history file).',
});
