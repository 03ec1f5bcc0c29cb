/**
 * Requests in flight keyed by (caller address, request id), without building a string key per
 * request: `${from}|${id}` cost a string concatenation and a hash of a fresh string on every
 * request and every reply, which showed in the round-trip profile. Caller addresses are few and
 * long-lived, so the outer map is small and hashes strings it already hashed.
 */
export class RequestMap<T> {
  readonly #byCaller = new Map<string, Map<number, T>>();
  #size = 0;
  /**
   * The last inner map that became empty, kept for the next caller: with one request in flight
   * at a time, every request would otherwise allocate a Map and drop it at its reply.
   */
  #spare: Map<number, T> | undefined;

  get size(): number {
    return this.#size;
  }

  get(from: string, id: number): T | undefined {
    return this.#byCaller.get(from)?.get(id);
  }

  set(from: string, id: number, value: T): void {
    let ids = this.#byCaller.get(from);
    if (ids === undefined) {
      ids = this.#spare ?? new Map<number, T>();
      this.#spare = undefined;
      this.#byCaller.set(from, ids);
    }
    const before = ids.size;
    ids.set(id, value);
    this.#size += ids.size - before;
  }

  /** Removes the entry; true when there was one. */
  delete(from: string, id: number): boolean {
    const ids = this.#byCaller.get(from);
    if (ids === undefined || !ids.delete(id)) return false;
    this.#size--;
    if (ids.size === 0) {
      this.#byCaller.delete(from);
      this.#spare = ids;
    }
    return true;
  }

  /** Every entry as (caller, id, value); deleting while iterating is allowed. */
  *entries(): IterableIterator<[string, number, T]> {
    for (const [from, ids] of this.#byCaller) for (const [id, value] of ids) yield [from, id, value];
  }

  *values(): IterableIterator<T> {
    for (const ids of this.#byCaller.values()) yield* ids.values();
  }

  clear(): void {
    this.#byCaller.clear();
    this.#size = 0;
  }
}
