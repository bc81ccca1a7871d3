import { ApplicationFailure } from '@temporalio/common';

/** The ApplicationFailure a promise rejects with (the test fails if it resolves or rejects with anything else). */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}
