import { randomBytes, randomUUID } from 'node:crypto';

/** Randomness is a parameter too, so pure code can be replayed with a seeded source. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** `n` random bytes as lowercase hex (2n characters). */
  hex(bytes: number): string;
  uuid(): string;
}

export const systemRandom: Random = {
  next: () => Math.random(),
  hex: (bytes) => randomBytes(bytes).toString('hex'),
  uuid: () => randomUUID(),
};

/** Deterministic (mulberry32) for tests and benchmarks. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (bytes: number): string => {
    let s = '';
    for (let i = 0; i < bytes; i++)
      s += Math.floor(next() * 256)
        .toString(16)
        .padStart(2, '0');
    return s;
  };
  const uuid = (): string => {
    const h = hex(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  return { next, hex, uuid };
}
