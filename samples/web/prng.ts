/**
 * Seeded randomness for the samples and their specs: httpbin's `/bytes/<n>?seed=` and
 * `/stream-bytes/<n>?seed=` (the same seed gives the same bytes; httpbin uses Python's
 * `random.seed`, so the sequence differs but the promise holds), and repeatable random walks.
 */

/** mulberry32: a tiny 32-bit generator, good enough for test payloads (not for secrets). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` bytes drawn from `random`. */
export function randomBytes(n: number, random: () => number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}
