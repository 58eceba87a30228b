/**
 * Argument checks shared by the model's public entry points.
 *
 * @param name  argument name used in the error message
 * @param value the number to check
 * @throws RangeError when `value` is NaN, infinite or negative
 */
export function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

/**
 * @param name  argument name used in the error message
 * @param value the number to check
 * @throws RangeError when `value` is not a finite number > 0
 */
export function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
}
