// A small seeded generator (xorshift32): the code-table corpus must come out byte-identical on every run,
// so nothing here may depend on Math.random, dates or iteration order of unordered containers.

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }

  bytes(n: number): number[] {
    return Array.from({ length: n }, () => this.int(256));
  }
}
