/**
 * Channels across threads and processes: the flat wire encoding and the batching of transfers.
 */
import { EventEmitter } from 'node:events';
import { serialize, deserialize } from 'node:v8';
import { isRxPulsarError } from 'rxpulsar';
import { portChannel, ipcChannel } from '../../../lib/actor/channel';
import type { WireMessage } from '../../../lib/actor/protocol';
import { decodeBatch, encodeInto, isWireBatch, newBatch, WIRE_TAG, type WireBatch } from '../../../lib/actor/wire';
import { fromIpc } from '../../../lib/actor/wire-ipc';

const ALL_KINDS: WireMessage[] = [
  { k: 'req', id: 1, from: 'arbiter', to: 'a1', cmd: 'echo', args: [1, 'two', { three: [3] }], ack: true },
  { k: 'req', id: 0, from: 'a1', to: 'arbiter', cmd: 'notify', args: [], ack: false },
  { k: 'res', id: 1, to: 'arbiter', v: { nested: ['value', null] } },
  { k: 'res', id: 2, to: 'arbiter', v: undefined },
  { k: 'next', id: 3, to: 'arbiter', v: 42 },
  { k: 'done', id: 3, to: 'arbiter' },
  { k: 'err', id: 4, to: 'arbiter', e: { name: 'Error', message: 'boom', code: 'RXP_ERR_TIMEOUT' } as never },
  { k: 'cancel', id: 5, from: 'arbiter', to: 'a1' },
];

function decodeAll(batch: WireBatch): WireMessage[] {
  const out: WireMessage[] = [];
  decodeBatch(batch, (m) => out.push(m));
  return out;
}

class FakePort extends EventEmitter {
  readonly sent: WireBatch[] = [];
  postMessage(data: WireBatch): void {
    // What the other side gets: a structured clone, as postMessage makes.
    this.sent.push(deserialize(serialize(data)) as WireBatch);
  }
}

describe('wire encoding', () => {
  it('should round-trip every message kind through a structured clone, in order', () => {
    const batch = newBatch();
    for (const m of ALL_KINDS) encodeInto(batch, m);
    const cloned = deserialize(serialize(batch)) as WireBatch;
    expect(isWireBatch(cloned)).toBe(true);
    expect(decodeAll(cloned)).toEqual(ALL_KINDS);
  });

  it('should be a flat array of primitives (plus the values carried), tagged', () => {
    const batch = newBatch();
    encodeInto(batch, { k: 'res', id: 9, to: 'arbiter', v: 1 });
    expect(batch).toEqual([WIRE_TAG, 1, 9, 'arbiter', 1]);
    // A reply of undefined has a kind of its own: JSON (to processes) has no undefined.
    encodeInto(batch, { k: 'res', id: 10, to: 'arbiter', v: undefined });
    expect(batch.slice(5)).toEqual([6, 10, 'arbiter']);
  });

  it('should tell its transfers from anything else on a shared channel', () => {
    expect(isWireBatch([WIRE_TAG])).toBe(true);
    expect(isWireBatch(['other', 1])).toBe(false);
    expect(isWireBatch({ k: 'req' })).toBe(false);
    expect(isWireBatch('NODE_HANDLE')).toBe(false);
  });

  it.each([
    ['an unknown kind', [WIRE_TAG, 99, 1, 'x']],
    ['a truncated request', [WIRE_TAG, 0, 1, 'arbiter', 'a1']],
    ['a truncated reply after a good one', [WIRE_TAG, 1, 1, 'arbiter', 'v', 1, 2]],
  ])('should reject %s with RXP_ERR_WIRE', (_what, batch) => {
    let error: unknown;
    try {
      decodeAll(batch);
    } catch (e) {
      error = e;
    }
    expect(isRxPulsarError(error) && error.code).toBe('RXP_ERR_WIRE');
  });
});

describe('portChannel / ipcChannel', () => {
  it('should send the messages of one turn as transfers of at most 8, in order', async () => {
    const port = new FakePort();
    const channel = portChannel(port);
    const messages: WireMessage[] = Array.from({ length: 20 }, (_, i) => ({ k: 'res', id: i, to: 'arbiter', v: i }));
    for (const m of messages) channel.post(m);
    // The first 8 left at once; the rest waits for the end of the turn (microtasks).
    expect(port.sent).toHaveLength(2);
    await Promise.resolve();
    expect(port.sent.map((b) => decodeAll(b).length)).toEqual([8, 8, 4]);
    expect(port.sent.flatMap(decodeAll)).toEqual(messages);
  });

  it('should deliver a lone message after the current microtasks, as one transfer', async () => {
    const port = new FakePort();
    const channel = portChannel(port);
    channel.post({ k: 'done', id: 1, to: 'arbiter' });
    expect(port.sent).toHaveLength(0);
    await Promise.resolve();
    expect(port.sent).toHaveLength(1);
  });

  it('should send what handling an incoming transfer posted at once, as one transfer', () => {
    const port = new FakePort();
    const channel = portChannel(port);
    // A handler answering synchronously, as the mailbox does for a command returning a value.
    channel.message$.subscribe((m) => {
      if (m.k === 'req') channel.post({ k: 'res', id: m.id, to: m.from, v: m.args[0] });
    });
    const incoming = newBatch();
    for (let id = 1; id <= 3; id++) encodeInto(incoming, { k: 'req', id, from: 'arbiter', to: 'a1', cmd: 'echo', args: [id], ack: true });
    port.emit('message', incoming);
    // No microtask has run: the replies left when the transfer was handled.
    expect(port.sent.map(decodeAll)).toEqual([[1, 2, 3].map((id) => ({ k: 'res', id, to: 'arbiter', v: id }))]);
  });

  it('should decode incoming transfers, ignore foreign messages and complete on close', () => {
    const port = new FakePort();
    const received: WireMessage[] = [];
    let completed = false;
    portChannel(port).message$.subscribe({ next: (m) => received.push(m), complete: () => (completed = true) });
    const batch = newBatch();
    for (const m of ALL_KINDS) encodeInto(batch, m);
    port.emit('message', { unrelated: true });
    port.emit('message', batch);
    port.emit('close');
    expect(received).toEqual(ALL_KINDS);
    expect(completed).toBe(true);
  });

  it('should error message$ with RXP_ERR_WIRE on a malformed transfer', () => {
    const ipc = Object.assign(new EventEmitter(), { connected: true, send: () => true });
    let error: unknown;
    ipcChannel(ipc).message$.subscribe({ error: (e: unknown) => (error = e) });
    ipc.emit('message', 'NODE_HANDLE_ACK'); // not ours: ignored
    ipc.emit('message', [WIRE_TAG, 7]);
    expect(isRxPulsarError(error) && error.code).toBe('RXP_ERR_WIRE');
  });

  it('should send plain data to a process as it is, the rest as a structured clone, and read both', async () => {
    const sent: unknown[] = [];
    const ipc = Object.assign(new EventEmitter(), { connected: true, send: (d: unknown) => sent.push(d) > 0 });
    const channel = ipcChannel(ipc);
    const received: WireMessage[] = [];
    channel.message$.subscribe((m) => received.push(m));
    const plain: WireMessage = { k: 'res', id: 1, to: 'arbiter', v: { list: [1, 'two'] } };
    const dated: WireMessage = { k: 'res', id: 2, to: 'arbiter', v: new Date(0) };
    channel.post(plain);
    await Promise.resolve();
    channel.post(dated);
    await Promise.resolve();
    expect(sent[0]).toEqual([WIRE_TAG, 1, 1, 'arbiter', { list: [1, 'two'] }]);
    expect(sent[1]).toEqual([`${WIRE_TAG}:v8`, expect.any(String)]);
    // Through Node's `json` IPC serialization.
    for (const transfer of sent) ipc.emit('message', JSON.parse(JSON.stringify(transfer)));
    expect(received).toEqual([plain, dated]);
  });

  it('should drop what is posted to a process whose IPC channel is gone', async () => {
    const sent: unknown[] = [];
    const ipc = Object.assign(new EventEmitter(), { connected: false, send: (d: unknown) => sent.push(d) > 0 });
    ipcChannel(ipc).post({ k: 'done', id: 1, to: 'a1' });
    await Promise.resolve();
    expect(sent).toEqual([]);
  });

  describe('a message that cannot be cloned', () => {
    const uncloneable = (): number => 1;
    const flushed = async (): Promise<void> => {
      // The failed transfer, then what stands in for its bad message.
      for (let i = 0; i < 3; i++) await Promise.resolve();
    };

    it('should lose only that message: the rest of its transfer still goes, in order', async () => {
      const port = new FakePort();
      const channel = portChannel(port);
      channel.post({ k: 'res', id: 1, to: 'arbiter', v: 'a' });
      channel.post({ k: 'res', id: 2, to: 'arbiter', v: uncloneable });
      channel.post({ k: 'res', id: 3, to: 'arbiter', v: 'c' });
      await flushed();
      const sent = port.sent.flatMap(decodeAll);
      expect(sent.map((m) => [m.k, m.id])).toEqual([
        ['res', 1],
        ['res', 3],
        ['err', 2],
      ]);
      expect((sent[2] as { e: { code: string } }).e.code).toBe('RXP_ERR_UNCLONEABLE');
    });

    it('should fail a request at its caller, on this side, without sending it', async () => {
      const port = new FakePort();
      const channel = portChannel(port);
      const received: WireMessage[] = [];
      channel.message$.subscribe((m) => received.push(m));
      channel.post({ k: 'req', id: 7, from: 'arbiter', to: 'a1', cmd: 'echo', args: [uncloneable], ack: true });
      await flushed();
      expect(port.sent).toEqual([]);
      expect(received).toMatchObject([{ k: 'err', id: 7, to: 'arbiter', e: { code: 'RXP_ERR_UNCLONEABLE' } }]);
    });

    it('should end a stream at its caller and cancel it on this side', async () => {
      const port = new FakePort();
      const channel = portChannel(port);
      const received: WireMessage[] = [];
      channel.message$.subscribe((m) => received.push(m));
      channel.post({ k: 'next', id: 4, to: 'arbiter', v: uncloneable });
      await flushed();
      expect(port.sent.flatMap(decodeAll)).toMatchObject([{ k: 'err', id: 4, to: 'arbiter', e: { code: 'RXP_ERR_UNCLONEABLE' } }]);
      expect(received).toMatchObject([{ k: 'cancel', id: 4, from: 'arbiter' }]);
    });

    it('should send an error without the data that cannot be cloned', async () => {
      const ipc = Object.assign(new EventEmitter(), {
        connected: true,
        sent: [] as WireBatch[],
        send(data: unknown) {
          // Node's `json` IPC serialization.
          this.sent.push(fromIpc(JSON.parse(JSON.stringify(data)))!);
          return true;
        },
      });
      ipcChannel(ipc).post({ k: 'err', id: 5, to: 'arbiter', e: { name: 'Error', message: 'boom', code: 'E_X', data: { f: uncloneable } } as never });
      await flushed();
      expect(ipc.sent.flatMap(decodeAll)).toEqual([{ k: 'err', id: 5, to: 'arbiter', e: { name: 'Error', message: 'boom', code: 'E_X' } }]);
    });
  });
});
