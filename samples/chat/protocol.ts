/**
 * What the chat says on the wire: JSON texts between the page and a worker, and the events the
 * workers share on the pub/sub channel. Anything read from the channel or a client is checked
 * here: with Redis, any client of the server can publish on the channel.
 */

/** Longest name, in characters (after normalisation). */
export const MAX_NAME_LENGTH = 32;
/** Longest message, in characters (after normalisation). */
export const MAX_TEXT_LENGTH = 2000;

/** An event every member sees, published on the channel. */
export type ChatEvent =
  | { readonly type: 'join'; readonly name: string; readonly worker: string; readonly time: number }
  | { readonly type: 'leave'; readonly name: string; readonly worker: string; readonly time: number }
  | { readonly type: 'message'; readonly name: string; readonly text: string; readonly worker: string; readonly time: number };

/** What a worker sends to one client only. */
export type DirectMessage =
  /** First message: the room is ready; `worker` is the serving worker's actor id. */
  | { readonly type: 'welcome'; readonly worker: string; readonly pid: number; readonly time: number }
  /** The join of this client was published under `name` (its normalised form). */
  | { readonly type: 'joined'; readonly name: string }
  | { readonly type: 'error'; readonly error: string };

/** What a client sends. */
export type ClientMessage = { readonly type: 'join'; readonly name: string } | { readonly type: 'message'; readonly text: string };

// Control characters but tab and newline (C0, DEL, C1), and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A name: whitespace collapsed, control characters dropped; undefined when empty or too long. */
export function normaliseName(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return name === '' || [...name].length > MAX_NAME_LENGTH ? undefined : name;
}

/**
 * A message as pulsar's chat normalised it: each line stripped, empty lines dropped, joined with
 * newlines; undefined when nothing is left or it is too long.
 */
export function normaliseText(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
  return text === '' || [...text].length > MAX_TEXT_LENGTH ? undefined : text;
}

/** A client's text as a message, or the reason it is not one. */
export function parseClientMessage(text: string): ClientMessage | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { error: 'expected an object' };
  const message = value as { type?: unknown; name?: unknown; text?: unknown };
  if (message.type === 'join') {
    const name = normaliseName(message.name);
    return name === undefined ? { error: `a name is 1 to ${MAX_NAME_LENGTH} characters` } : { type: 'join', name };
  }
  if (message.type === 'message') {
    const body = normaliseText(message.text);
    return body === undefined ? { error: `a message is 1 to ${MAX_TEXT_LENGTH} characters` } : { type: 'message', text: body };
  }
  return { error: 'type must be "join" or "message"' };
}

/** The event read from the channel, rebuilt with its known fields only; undefined if malformed. */
export function toChatEvent(value: unknown): ChatEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as { type?: unknown; name?: unknown; text?: unknown; worker?: unknown; time?: unknown };
  if (typeof e.worker !== 'string' || typeof e.time !== 'number') return undefined;
  const name = normaliseName(e.name);
  if (name === undefined) return undefined;
  if (e.type === 'join' || e.type === 'leave') return { type: e.type, name, worker: e.worker, time: e.time };
  if (e.type === 'message') {
    const text = normaliseText(e.text);
    return text === undefined ? undefined : { type: 'message', name, text, worker: e.worker, time: e.time };
  }
  return undefined;
}
