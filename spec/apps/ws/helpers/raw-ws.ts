/**
 * A raw-socket WebSocket client for specs: builds frames byte by byte (so specs can send what no
 * conforming client would) and decodes the server's frames.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameOptions {
  fin?: boolean;
  mask?: boolean;
  rsv?: number;
}

/** One frame; masked by default (as a client must). */
export function frame(opcode: number, payload: Buffer | string = Buffer.alloc(0), options: FrameOptions = {}): Buffer {
  const { fin = true, mask = true, rsv = 0 } = options;
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const lengthBytes = data.length < 126 ? 0 : data.length < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  if (lengthBytes === 0) head[1] = data.length;
  else if (lengthBytes === 2) {
    head[1] = 126;
    head.writeUInt16BE(data.length, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!mask) return Buffer.concat([head, data]);
  head[1] |= 0x80;
  const key = randomBytes(4);
  key.copy(head, 2 + lengthBytes);
  const masked = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) masked[i] = data[i] ^ key[i & 3];
  return Buffer.concat([head, masked]);
}

/** A close frame with a status code and reason. */
export function closeFrame(code: number, reason = ''): Buffer {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return frame(OP.close, body);
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** For close frames. */
  code?: number;
  reason?: string;
}

/** Incremental decoder of (unmasked) server frames. */
export class FrameReader {
  #buffer = Buffer.alloc(0);

  push(chunk: Buffer): ServerFrame[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const frames: ServerFrame[] = [];
    for (;;) {
      const b = this.#buffer;
      if (b.length < 2) break;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      const payload = b.subarray(offset, offset + length);
      const result: ServerFrame = { fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload };
      if (result.opcode === OP.close && payload.length >= 2) {
        result.code = payload.readUInt16BE(0);
        result.reason = payload.subarray(2).toString();
      }
      frames.push(result);
      this.#buffer = b.subarray(offset + length);
    }
    return frames;
  }
}

export interface RawWs {
  readonly socket: Socket;
  /** Status line and headers of the handshake answer. */
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Resolves with the next frame from the server (or rejects when the socket closed first). */
  nextFrame(): Promise<ServerFrame>;
  /** Resolves when the server closed the TCP connection. */
  readonly ended: Promise<void>;
  send(bytes: Buffer): void;
}

export function handshakeRequest(path: string, extra: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    host: '127.0.0.1',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': randomBytes(16).toString('base64'),
    'sec-websocket-version': '13',
    ...extra,
  };
  const lines = Object.entries(headers)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Opens a TCP connection, sends `request` and parses the answer's head; frames follow. */
export function rawConnect(port: number, request: string | Buffer): Promise<RawWs> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const reader = new FrameReader();
    const frames: ServerFrame[] = [];
    const waiting: Array<{ resolve: (f: ServerFrame) => void; reject: (e: Error) => void }> = [];
    let head = Buffer.alloc(0);
    let done = false;
    let closed = false;
    let endResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endResolve = r));

    const deliver = (): void => {
      while (frames.length > 0 && waiting.length > 0) waiting.shift()!.resolve(frames.shift()!);
      if (closed) while (waiting.length > 0) waiting.shift()!.reject(new Error('socket closed'));
    };
    socket.on('data', (chunk: Buffer) => {
      if (!done) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        done = true;
        const [statusLine, ...lines] = head.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const status = Number(statusLine.split(' ')[1]);
        chunk = head.subarray(end + 4);
        resolve({
          socket,
          status,
          headers,
          ended,
          send: (bytes) => socket.write(bytes),
          nextFrame: () =>
            new Promise<ServerFrame>((res, rej) => {
              waiting.push({ resolve: res, reject: rej });
              deliver();
            }),
        });
      }
      frames.push(...reader.push(chunk));
      deliver();
    });
    socket.on('error', (error) => {
      if (!done) reject(error);
    });
    socket.on('close', () => {
      closed = true;
      if (!done) reject(new Error('closed before the handshake answer'));
      deliver();
      endResolve();
    });
    socket.write(request);
  });
}

/** Sends a raw request and reads one answer (head + content-length body), then closes. */
export function rawHttp(port: number, request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let settled = false;
    const parse = (final: boolean): void => {
      const text = buffer.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) {
        if (final) reject(new Error(`incomplete answer: ${JSON.stringify(text)}`));
        return;
      }
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? NaN);
      const body = text.slice(end + 4);
      if (!final && !(body.length >= length)) return;
      settled = true;
      socket.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    socket.on('data', (c: Buffer) => {
      buffer = Buffer.concat([buffer, c]);
      parse(false);
    });
    socket.on('error', (e) => !settled && reject(e));
    socket.on('close', () => !settled && parse(true));
    socket.write(request);
  });
}
