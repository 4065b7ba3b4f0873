import { test, expect } from '../../fixtures';

test.describe('the suite’s view of the shop’s tables', { tag: ['@protocol', '@data', '@contract'] }, () => {
  test('every column the suite reads exists in the shop’s database', async ({ db }) => {
    // fixtures/db/tables.ts maps each row type onto its columns; a column renamed or dropped in the shop shows here.
    expect(await db.unknownColumns()).toEqual([]);
  });
});
