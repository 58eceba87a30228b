import { requireNonNegative } from './check.js';

/** 1 Mi = 1048576 bytes (Kubernetes binary suffix; Redis "mb" is the same, see memtoull in util.c). */
export const MIB = 1_048_576;

const KIB = 1024;
const GIB = 1024 * MIB;
const TIB = 1024 * GIB;

/**
 * Smallest whole-Mi volume whose used fraction stays at or below `1 - headroomFraction`
 * when `peakBytes` are on it: the least V = n × 1Mi with V × (1 − headroom) ≥ peak,
 * i.e. peak / (1 − headroom) rounded UP to a whole Mi.
 *
 * Example: peak 576Mi, headroom 0.2 → 576Mi / 0.8 = 720Mi.
 *
 * @param peakBytes        bytes on the volume at the worst moment (>= 0)
 * @param headroomFraction free fraction to keep at that moment, in [0, 1)
 * @returns bytes, a multiple of 1048576
 * @throws RangeError when peakBytes is negative/not finite or headroomFraction is outside [0, 1)
 */
export function recommendedVolumeBytes(peakBytes: number, headroomFraction: number): number {
  requireNonNegative('peakBytes', peakBytes);
  if (!(headroomFraction >= 0 && headroomFraction < 1)) {
    throw new RangeError(`headroomFraction must be in [0, 1), got ${headroomFraction}`);
  }
  const usable = 1 - headroomFraction;
  let mi = Math.ceil(peakBytes / usable / MIB);
  // Float division can land a hair above an exact whole Mi; keep the least n that satisfies the definition.
  if (mi > 0 && (mi - 1) * MIB * usable >= peakBytes) mi -= 1;
  return mi * MIB;
}

/** Units tried largest first, with the allowed fraction denominator (4 → x.25 / x.5 / x.75 allowed). */
const UNITS: ReadonlyArray<readonly [suffix: string, bytes: number, denominator: number]> = [
  ['Ti', TIB, 4],
  ['Gi', GIB, 4],
  ['Mi', MIB, 1],
  ['Ki', KIB, 1],
];

function exactForm(bytes: number): string | null {
  for (const [suffix, unit, denominator] of UNITS) {
    const value = bytes / unit;
    if (value >= 1 && Number.isInteger(value * denominator)) return `${value}${suffix}`;
  }
  return null;
}

/**
 * Formats a byte count as a Kubernetes quantity, friendliest form first.
 *
 * - exact in the largest binary unit that fits: "1Gi", "1.5Gi", "1.25Ti", "576Mi", "512Ki"
 *   (Gi/Ti allow quarter fractions, Mi/Ki must be whole);
 * - otherwise below 1Mi: the plain byte count ("1000");
 * - otherwise rounded UP to a whole Mi and formatted again ("2049Mi" for 2Gi + 1 byte).
 *
 * The result never denotes fewer bytes than `bytes`, so it is safe as a size request.
 *
 * @param bytes a non-negative integer
 * @throws RangeError when `bytes` is negative, not finite or not an integer
 */
export function formatQuantity(bytes: number): string {
  requireNonNegative('bytes', bytes);
  if (!Number.isInteger(bytes)) throw new RangeError(`bytes must be an integer, got ${bytes}`);
  if (bytes === 0) return '0';
  const exact = exactForm(bytes);
  if (exact !== null) return exact;
  if (bytes < MIB) return String(bytes);
  return exactForm(Math.ceil(bytes / MIB) * MIB) as string;
}

/**
 * A byte count rounded DOWN to a friendly Kubernetes quantity, for advice that must not exceed it
 * ("set maxmemory to at most ..."): whole Mi at or above 1Mi ("15Mi", "1Gi" when exact), else
 * whole Ki, else plain bytes. Never more than `bytes`.
 *
 * @param bytes a non-negative number (a fraction is floored)
 * @throws RangeError when `bytes` is negative or not finite
 */
export function formatQuantityDown(bytes: number): string {
  requireNonNegative('bytes', bytes);
  const b = Math.floor(bytes);
  if (b >= MIB) return formatQuantity(Math.floor(b / MIB) * MIB);
  if (b >= KIB) return formatQuantity(Math.floor(b / KIB) * KIB);
  return formatQuantity(b);
}
