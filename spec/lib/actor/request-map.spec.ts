import { RequestMap } from '../../../lib/actor/request-map';

describe('RequestMap', () => {
  it('should key entries by caller and id, count them, and forget empty callers', () => {
    const map = new RequestMap<string>();
    map.set('a1', 1, 'x');
    map.set('a1', 2, 'y');
    map.set('b1', 1, 'z');
    map.set('a1', 1, 'x2'); // replaces, does not count twice
    expect(map.size).toBe(3);
    expect(map.get('a1', 1)).toBe('x2');
    expect(map.get('b1', 2)).toBeUndefined();
    expect(map.delete('a1', 1)).toBe(true);
    expect(map.delete('a1', 1)).toBe(false);
    expect(map.delete('nobody', 1)).toBe(false);
    expect([...map.entries()]).toEqual([
      ['a1', 2, 'y'],
      ['b1', 1, 'z'],
    ]);
    expect([...map.values()]).toEqual(['y', 'z']);
    expect(map.size).toBe(2);
  });

  it('should allow deleting while iterating, and clear', () => {
    const map = new RequestMap<number>();
    for (let i = 0; i < 5; i++) map.set(i % 2 ? 'odd' : 'even', i, i);
    for (const [from, id] of map.entries()) if (id > 1) map.delete(from, id);
    expect([...map.values()].sort()).toEqual([0, 1]);
    map.clear();
    expect(map.size).toBe(0);
    expect([...map.entries()]).toEqual([]);
  });
});
