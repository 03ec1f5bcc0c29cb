/**
 * The dining philosophers application (pulsar's examples/philosophers): `--workers` philosopher
 * actors (5 by default) share as many forks, held by the arbiter in a {@link ForkTable} and
 * handed out through the arbiter commands `pickup_fork` / `putdown_fork`.
 *
 * What happens at the table is logged and available as an Observable: `app.events$` in the
 * arbiter, or the arbiter command `philosophers_events` (a stream) from any actor.
 *
 * Workers run this sample's own entry file (not whatever script launched the arbiter), so the
 * app behaves the same under `npm run sample`, `node -r ./register.js`, or a jest spec.
 */
import { extname, join } from 'node:path';
import { Subject, filter, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { Application, createLogger, settings, type ActorContext, type ApplicationOptions, type Arbiter, type Config, type WorkerSpec } from 'rxpulsar';
import { ForkTable, type PhilosopherEvent, type Seat } from './forks';
import { philosopher } from './philosopher';
import { eatingPeriod, runFor, waitingPeriod } from './settings';

/** The file workers start from: this sample's index (`.ts` from the sources, `.js` compiled). */
const ENTRY = join(__dirname, `index${extname(__filename)}`);

export class DiningPhilosophers extends Application {
  static override readonly settingApps: readonly string[] = ['philosophers'];
  static override readonly appName: string = 'philosophers';

  readonly #events = new Subject<PhilosopherEvent>();
  /** The table's events (arbiter side): seated, eating, thinking, left, deadlock. */
  readonly events$: Observable<PhilosopherEvent> = this.#events.asObservable();
  readonly #log = createLogger('philosophers');
  #table: ForkTable | undefined;
  #life: Subscription | undefined;

  constructor(options: ApplicationOptions = {}) {
    super(options);
  }

  /** The fork table (in the arbiter, once started). */
  get table(): ForkTable | undefined {
    return this.#table;
  }

  protected override defaults(): Record<string, unknown> {
    return { workers: 5 };
  }

  protected override workerSpec(): Partial<WorkerSpec> {
    return { entry: ENTRY, argv: [] };
  }

  protected override monitorStart(arbiter: Arbiter, config: Config): void {
    const table = new ForkTable(config.get(settings.workers));
    this.#table = table;
    table.events$.subscribe((event) => {
      this.#events.next(event);
      this.#logEvent(event);
    });
    arbiter.command('philosopher_join', (ctx) => table.join(ctx.caller));
    arbiter.command('pickup_fork', (ctx, fork: number) => table.pickup(ctx.caller, fork));
    arbiter.command('putdown_fork', (ctx, fork: number) => table.putdown(ctx.caller, fork));
    arbiter.command('philosophers_events', () => table.events$);
    arbiter.command('philosophers_meals', () => table.meals());
    // A philosopher that stopped or crashed leaves the table: its forks go to its neighbours.
    arbiter.events$
      .pipe(filter((e) => e.monitor === this.name && (e.type === 'actor:stopped' || e.type === 'actor:crashed')))
      .subscribe((e) => table.leave(e.aid));
    const seconds = config.get(runFor);
    if (seconds > 0) {
      setTimeout(() => {
        process.stdout.write(`meals after ${seconds}s: ${table.meals().map((n, seat) => `philosopher ${seat}: ${n}`).join(', ')}\n`);
        void arbiter.stop('run_for elapsed');
      }, seconds * 1000).unref();
    }
  }

  protected override ready(): void {
    this.#log.info('%d philosophers at the table', this.#table?.size ?? 0);
  }

  protected override async workerStart(actor: ActorContext): Promise<void> {
    const seat = await firstValueFrom(actor.send<Seat | null>('arbiter', 'philosopher_join'));
    if (!seat) {
      actor.log.warn('no free seat at the table: this philosopher only watches');
      return;
    }
    const config = actor.config;
    const periods = { eating: config.get(eatingPeriod) * 1000, waiting: config.get(waitingPeriod) * 1000 };
    this.#life = philosopher(actor, seat, periods).subscribe({
      error: (error: unknown) => actor.log.error('philosopher %d: %s', seat.seat, (error as Error).message),
    });
  }

  protected override workerStop(): void {
    this.#life?.unsubscribe();
  }

  #logEvent(event: PhilosopherEvent): void {
    switch (event.type) {
      case 'eating':
        this.#log.info('philosopher %d eats (meal %d)', event.seat, event.meal);
        break;
      case 'seated':
        this.#log.info('philosopher %d sits down (%s)', event.seat, event.philosopher);
        break;
      case 'left':
        this.#log.info('philosopher %d leaves (%s)', event.seat, event.philosopher);
        break;
      case 'deadlock':
        this.#log.error('deadlock: philosophers %s wait for each other', event.seats.join(', '));
        break;
      default:
        break;
    }
  }
}
