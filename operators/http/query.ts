/**
 * Query strings and `application/x-www-form-urlencoded` bodies as records: a repeated key keeps
 * every value (in order), blank values are kept (pulsar's `url_data`).
 */

/** name → value, or every value when the name repeats. */
export type MultiValueRecord = Readonly<Record<string, string | readonly string[]>>;

/** Parses `a=1&b=2&a=3` (no leading `?`) into `{ a: ['1', '3'], b: '2' }`; `+` is a space. */
export function parseQuery(query: string): MultiValueRecord {
  const out = Object.create(null) as Record<string, string | string[]>;
  if (query === '') return out;
  for (const [key, value] of new URLSearchParams(query)) {
    const previous = out[key];
    if (previous === undefined) out[key] = value;
    else if (typeof previous === 'string') out[key] = [previous, value];
    else previous.push(value);
  }
  return out;
}

/** The first value of `name` in a multi-value record. */
export function firstValue(record: MultiValueRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' || value === undefined ? value : value[0];
}

/** `decodeURIComponent`, or the text as it is when it holds a malformed escape. */
export function safeDecodeURIComponent(text: string): string {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
