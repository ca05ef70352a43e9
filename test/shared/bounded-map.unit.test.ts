import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../shared/bounded-map';

describe('BoundedMap', () => {
  it('holds at most max entries, forgetting the least recently set first, never all at once', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    map.set('a', 4); // a is now the most recent
    map.set('d', 5);
    expect(map.size).toBe(3);
    expect(map.has('b')).toBe(false);
    expect([map.get('a'), map.get('c'), map.get('d')]).toEqual([4, 3, 5]);
    for (let i = 0; i < 10_000; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(3);
    expect([map.get('k9997'), map.get('k9998'), map.get('k9999')]).toEqual([9997, 9998, 9999]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow(/max must be a positive integer/);
  });
});
