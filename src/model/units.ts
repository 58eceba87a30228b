/**
 * Exact parsers and formatters for the two unit systems redis-lint meets:
 * Kubernetes resource quantities (`50Mi`, `1G`, `1.5Gi`, `12e6`) and Redis memory
 * units in redis.conf and flags (`64mb`, `64m`, `1gb`). Everything is bytes internally.
 *
 * Why not `quantityToScalar` from @kubernetes/client-node: it rejects valid quantities with a
 * fraction and a suffix (`1.5Gi` throws in BigInt()), does not know exponent forms (`12e6`),
 * and importing the package costs ~0.6 s of start-up, which the CLI cannot afford. The tests
 * use it as an oracle on the integer forms it does handle.
 */

/** Thrown by the parsers below for an input that is not a valid quantity or Redis unit. */
export class UnitError extends Error {
  override name = 'UnitError';
}

const BINARY_SI: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
/** decimal SI suffixes as a power of ten (k8s.io/apimachinery/pkg/api/resource/suffix.go) */
const DECIMAL_SI: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * Parse a Kubernetes resource quantity into a number of base units, rounded UP to an integer
 * the way `Quantity.Value()` does (k8s.io/apimachinery resource/quantity.go).
 * Grammar (quantity.go): `<sign><digits>[.<digits>]<suffix>`, suffix one of the binary SI
 * (Ki..Ei), decimal SI (n u m k M G T P E) or a decimal exponent (`e3`, `E-2`).
 * A bare number (YAML `size: 8`) is a quantity of 8 base units (bytes for storage/memory).
 *
 * @param input e.g. "50Mi" -> 52428800, "1G" -> 1e9, "1.5Gi" -> 1610612736, "128974848", 129e6
 * @returns integer bytes (may be negative for a negative quantity; callers decide if that is valid)
 * @throws UnitError for anything else (empty, "50MB", "1.2.3Gi", "Gi")
 */
export function parseQuantity(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new UnitError(`not a quantity: ${input}`);
    // YAML reads `1e30` as a number: the same bound as for the text form (it returned 1e30 bytes)
    if (!Number.isSafeInteger(Math.ceil(input))) throw new UnitError(`quantity too large: ${input}`);
    return Math.ceil(input);
  }
  const s = String(input).trim();
  const m = QUANTITY_RE.exec(s);
  if (!m) throw new UnitError(`not a Kubernetes quantity: "${s}" (expected e.g. 512Mi, 1Gi, 1G, 500M)`);
  const [, sign, num, suffix = '', exp] = m;
  const [intPart, fracPart = ''] = num.split('.');
  // value = digits * 10^-fracLen * multiplier, computed exactly as a rational (numerator/denominator)
  let numerator = BigInt((intPart || '0') + fracPart);
  let denominator = 10n ** BigInt(fracPart.length);
  if (suffix in BINARY_SI) {
    numerator *= BINARY_SI[suffix];
  } else {
    const pow = exp !== undefined ? Number(exp) : DECIMAL_SI[suffix];
    if (Math.abs(pow) > 30) throw new UnitError(`quantity exponent out of range: "${s}"`);
    if (pow >= 0) numerator *= 10n ** BigInt(pow);
    else denominator *= 10n ** BigInt(-pow);
  }
  const ceil = (numerator + denominator - 1n) / denominator;
  const value = Number(ceil);
  if (!Number.isSafeInteger(value)) throw new UnitError(`quantity too large: "${s}"`);
  return sign === '-' ? -Number(numerator / denominator) : value;
}

/**
 * Multipliers of Redis memory units, from `memtoull()` in src/util.c (Redis 6.2-8.x):
 * `b`=1, `k`=1000, `kb`=1024, `m`=1000*1000, `mb`=1024*1024, `g`=1000^3, `gb`=1024^3,
 * case-insensitive; a bare integer is bytes. No fractions, no sign (strtoull after the unit is cut).
 */
const REDIS_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/**
 * Parse a Redis memory value as redis.conf does (`memtoull`, src/util.c).
 * @param input e.g. "64mb" -> 67108864, "64m" -> 64000000, "1GB" -> 1073741824, "0" -> 0
 * @returns integer bytes >= 0
 * @throws UnitError for a negative, fractional or unknown-unit value (Redis refuses to start on them)
 */
export function parseRedisMemory(input: string | number): number {
  const s = String(input).trim().toLowerCase();
  const m = /^(\d+)([a-z]*)$/.exec(s);
  if (!m || !(m[2] in REDIS_UNITS)) {
    throw new UnitError(`not a Redis memory value: "${String(input).trim()}" (expected e.g. 64mb, 1gb, 100000000)`);
  }
  const value = Number(m[1]) * REDIS_UNITS[m[2]];
  if (!Number.isSafeInteger(value)) throw new UnitError(`Redis memory value too large: "${s}"`);
  return value;
}

/**
 * Parse a size given on the command line, in an annotation or in the config file: a Kubernetes
 * quantity (`2Gi`, `1.5G`), a Redis memory unit (`2gb`, `64mb`, `64m`) or plain bytes.
 * A lowercase `m`/`g` or any `b` unit is read as Redis (`64m` = 64,000,000 bytes, never the
 * quantity "64 milli"); everything else as a quantity. A trailing `/s` is accepted for rates
 * (`5MiB/s`, `5Mi/s`; `MiB` is read as `Mi`).
 * @returns bytes (or bytes per second), an integer >= 0
 * @throws UnitError when neither grammar accepts it, or the value is negative
 */
export function parseSize(input: string | number): number {
  const s = String(input).trim().replace(/\/s$/, '').replace(/([KMGTPE])iB$/, '$1i');
  const value = /^\d+(?:[kmg]?b|m|g)$/i.test(s) && !/^\d+[MG]$/.test(s) ? parseRedisMemory(s) : parseQuantity(s);
  if (value < 0) throw new UnitError(`size must not be negative: "${String(input).trim()}"`);
  return value;
}

/**
 * A size option that must hold at least one byte (an input cap: `--max-file-size`, the config's
 * `maxFileSize`): {@link parseSize}, without the throw.
 * @returns bytes (>= 1), or undefined when the input is not a size or is under one byte
 */
export function positiveSize(input: string | number): number | undefined {
  const bytes = unlessUnitError(() => parseSize(input));
  return bytes !== undefined && bytes >= 1 ? bytes : undefined;
}

/**
 * The result of a unit parse, or undefined when it throws a {@link UnitError} (input that is not
 * a quantity or size); any other error is rethrown.
 */
export function unlessUnitError<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (e instanceof UnitError) return undefined;
    throw e;
  }
}

const BINARY_STEPS: Array<[string, number]> = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/**
 * Format bytes as a short binary-SI Kubernetes quantity for messages: exact when it divides
 * (`52428800` -> "50Mi"), otherwise one decimal rounded to nearest ("1.4Gi"). Not for writing
 * back into manifests: use formatQuantity (model/volume.ts) there, which never rounds down.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const neg = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  for (const [unit, size] of BINARY_STEPS) {
    if (b >= size) {
      const v = b / size;
      const text = Number.isInteger(v) ? String(v) : (Math.round(v * 10) / 10).toString();
      return `${neg}${text}${unit}`;
    }
  }
  return `${neg}${b}B`;
}

/** Format seconds for messages: "45s", "12m 5s", "2h 3m". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const s = Math.round(seconds);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
