// Deterministic shuffles from a seed the conversation service draws: the tutor stays pure, and a test can replay it.

/** mulberry32: a small, well-mixed 32-bit generator. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, seed: number): number[] {
  const next = generator(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

/** A new order for options seen before: never the order they were learned in (n ≥ 2), so the answer is not remembered by place. */
export function reshuffle(n: number, seed: number): number[] {
  const p = permutation(n, seed);
  return n >= 2 && p.every((v, i) => v === i) ? [...p.slice(1), p[0] as number] : p;
}
