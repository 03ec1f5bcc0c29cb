/**
 * The headers of a message crossing the proxy: an ordered list of fields, names as received,
 * repeated fields kept (Set-Cookie), lookups case-insensitive.
 */
export class HeaderList {
  readonly #fields: Array<[string, string]> = [];

  /** From a flat `[name, value, …]` list (a request's `rawHeaders`). */
  static fromFlat(flat: readonly string[]): HeaderList {
    const list = new HeaderList();
    for (let i = 0; i + 1 < flat.length; i += 2) list.append(flat[i], flat[i + 1]);
    return list;
  }

  /** From a record whose values may be lists (undici's response headers). */
  static fromRecord(record: Readonly<Record<string, string | readonly string[] | undefined>>): HeaderList {
    const list = new HeaderList();
    for (const [name, value] of Object.entries(record)) {
      if (value === undefined) continue;
      for (const one of typeof value === 'string' ? [value] : value) list.append(name, one);
    }
    return list;
  }

  /** Every value of `name`, in order. */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.#fields.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  }

  /** The values of `name` joined with `", "`, or undefined. */
  get(name: string): string | undefined {
    const all = this.getAll(name);
    return all.length === 0 ? undefined : all.join(', ');
  }

  has(name: string): boolean {
    return this.getAll(name).length > 0;
  }

  append(name: string, value: string): this {
    this.#fields.push([name, value]);
    return this;
  }

  /** Replaces every value of `name` with one. */
  set(name: string, value: string): this {
    this.remove(name);
    return this.append(name, value);
  }

  remove(name: string): this {
    const lower = name.toLowerCase();
    for (let i = this.#fields.length - 1; i >= 0; i--) if (this.#fields[i][0].toLowerCase() === lower) this.#fields.splice(i, 1);
    return this;
  }

  /** Lower-case names present. */
  names(): string[] {
    return [...new Set(this.#fields.map(([n]) => n.toLowerCase()))];
  }

  /** `[name, value, name, value, …]` (what undici takes for a request). */
  toFlat(): string[] {
    return this.#fields.flat();
  }

  /** A record for a response: repeated fields as arrays (each sent on its own line). */
  toRecord(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of this.#fields) {
      const key = name.toLowerCase();
      const previous = out[key];
      out[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
    }
    return out;
  }
}
