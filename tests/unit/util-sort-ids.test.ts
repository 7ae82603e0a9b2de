import { describe, expect, it } from 'vitest';
import { sortIds } from '../../src/util/sort-ids.js';

describe('sortIds', () => {
  it('orders like Array.prototype.sort() (UTF-16 code units), short and long lists', () => {
    let state = 7;
    const rand = (k: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % k;
    };
    const alphabet = ['a', 'b', 'Z', '_', '.', '0', 'é', 'ä', '😀', 'test.demo.', 'model.demo.'];
    for (let round = 0; round < 300; round++) {
      const length = rand(45);
      const ids = Array.from({ length }, () => Array.from({ length: 1 + rand(4) }, () => alphabet[rand(alphabet.length)]).join(''));
      const expected = [...ids].sort();
      sortIds(ids);
      expect(ids).toEqual(expected);
    }
  });
});
