import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler whose assertions go through jest's deep equality (errors compared as values). */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}
