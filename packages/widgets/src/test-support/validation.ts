/** Assertions on a validator's answer, for the validators' tables (unit tests only). */
import type { Validation } from "../result";

/** The input was refused, with a reason that matches `reason`. */
export function expectRefused(result: Validation<unknown>, reason: RegExp): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toMatch(reason);
}

/** The input was accepted, as `value` (what it normalises to). */
export function expectAccepted<T>(result: Validation<T>, value: T): void {
  expect(result).toEqual({ ok: true, value });
}

/** Declares the test that values of another type (as JSON may carry) are refused, not thrown on. */
export function itRefusesNonStrings(
  validate: (input: string) => Validation<unknown>,
  inputs: unknown[],
): void {
  it.each(inputs.map((input) => [input]))("non-string %p without throwing", (input) => {
    expect(validate(input as string).ok).toBe(false);
  });
}
