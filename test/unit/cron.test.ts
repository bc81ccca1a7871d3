import { cronProblem } from '../../client/cron';

describe('SYNC_CRON check (what Temporal schedules accept)', () => {
  it.each(['*/10 * * * *', '0 6 * * 1-5', '15,45 8-18/2 1 jan-jun MON', '0 0 1 */3 *', '@hourly', '@daily'])(
    'accepts %s',
    (cron) => {
      expect(cronProblem(cron)).toBeNull();
    },
  );

  it.each([
    ['99 * * * *', 'its minute field: "99" is not in 0-59'],
    ['* 24 * * *', 'its hour field: "24" is not in 0-23'],
    ['* * 0 * *', 'its day of month field: "0" is not in 1-31'],
    ['* * * 13 *', 'its month field: "13" is not in 1-12 or jan-dec'],
    ['* * * * 8', 'its day of week field: "8" is not in 0-6 or sun-sat'],
    ['*/0 * * * *', 'its minute field: "*/0" has a bad step'],
    ['*/10 * * *', 'it has 4 fields, a cron expression has 5'],
    ['every ten minutes', 'it has 3 fields, a cron expression has 5'],
    ['@sometimes', '@sometimes is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
  ])('refuses %s: %s', (cron, problem) => {
    expect(cronProblem(cron)).toBe(problem);
  });
});
