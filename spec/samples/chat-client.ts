/**
 * A chat client for the chat specs (the `ws` package's client): keeps every JSON message it
 * received and waits, bounded, for a condition over them.
 */
import WebSocket from 'ws';

export interface ChatMessage {
  readonly type: string;
  readonly worker?: string;
  readonly name?: string;
  readonly text?: string;
  readonly error?: string;
  readonly time?: number;
}

export class ChatClient {
  readonly messages: ChatMessage[] = [];
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    // A failure after the handshake ends in 'close' too; without a listener 'error' would throw.
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ChatMessage);
      this.#wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => (this.#wake(), resolve(code))));
  }

  /** Connects and waits for the welcome (which names the worker). */
  static async connect(url: string, ms = 10_000): Promise<ChatClient> {
    const ws = new WebSocket(url);
    const client = new ChatClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.until((m) => m.type === 'welcome', ms, 'welcome');
    return client;
  }

  /** The serving worker's actor id, from the welcome. */
  get worker(): string {
    return this.messages.find((m) => m.type === 'welcome')!.worker!;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Joins and waits for the direct `joined` answer. */
  async join(name: string, ms = 10_000): Promise<void> {
    this.send({ type: 'join', name });
    await this.until((m) => m.type === 'joined', ms, `joined ${name}`);
  }

  /** The first message matching `predicate`, waiting at most `ms`. */
  async until(predicate: (m: ChatMessage) => boolean, ms = 10_000, what = 'message'): Promise<ChatMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() >= deadline || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`${what} not received within ${ms} ms (state ${this.ws.readyState}); got ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Closes (normal closure) and waits for the close, at most 5 s. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000);
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    this.ws.terminate();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/**
 * Opens connections, `batch` at a time (the kernel hands simultaneous connections to whichever
 * worker accepts first), until they span `workers` distinct workers or `maxConnections` are open.
 */
export async function clientsOnWorkers(url: string, workers: number, maxConnections: number, batch = 4): Promise<ChatClient[]> {
  const clients: ChatClient[] = [];
  while (clients.length < maxConnections && new Set(clients.map((c) => c.worker)).size < workers) {
    const n = Math.min(batch, maxConnections - clients.length);
    clients.push(...(await Promise.all(Array.from({ length: n }, () => ChatClient.connect(url)))));
  }
  return clients;
}

/** Distinct workers serving `clients`. */
export function workersOf(clients: readonly ChatClient[]): Set<string> {
  return new Set(clients.map((c) => c.worker));
}

/** `promise`'s value, or `'timeout'` after `ms` (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, ms, 'timeout')))]);
  } finally {
    clearTimeout(timer);
  }
}
