import type { DocContext } from '../load/documents.js';
import { parseRedisMemory, UnitError } from '../model/units.js';
import type { ConfigDirective, Origin, RedisConfig } from '../types.js';

/**
 * Split one redis.conf line into arguments the way Redis does (`sdssplitargs`, src/sds.c):
 * whitespace separates, "double quotes" take C escapes (\n \t \" \\ \xHH), 'single quotes'
 * take only \'. Returns null for unbalanced quotes (Redis refuses such a line at start-up).
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    let cur = '';
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          const e = line[++i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          // closing quote must be followed by a space or end
          if (i + 1 < n && !/\s/.test(line[i + 1])) return null;
          inDq = false;
          i++;
          break;
        } else cur += c;
        i++;
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return null;
          inSq = false;
          i++;
          break;
        }
        cur += c;
        i++;
      } else {
        if (i >= n || /\s/.test(line[i])) break;
        const c = line[i];
        if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else cur += c;
        i++;
      }
    }
    out.push(cur);
  }
  return out;
}

/** A redis.conf line that Redis would refuse (unbalanced quotes), with its origin. */
export interface ConfProblem {
  message: string;
  origin: Origin;
}

/**
 * Parse redis.conf text into directives, each with the position of its own line.
 * Comments (`#`) and blank lines are skipped; directive names are lowercased (Redis config
 * names are case-insensitive, config.c `loadServerConfigFromString`).
 * @param text the file's text (e.g. a ConfigMap's `redis.conf` value)
 * @param ctx maps offsets in `text` to file positions (see embeddedContext)
 */
export function parseRedisConf(text: string, ctx: DocContext): { directives: ConfigDirective[]; problems: ConfProblem[] } {
  const directives: ConfigDirective[] = [];
  const problems: ConfProblem[] = [];
  let offset = 0;
  const yamlPath = ctx.pathPrefix.map(String).join('.');
  for (const rawLine of text.split('\n')) {
    const lineStart = offset;
    offset += rawLine.length + 1;
    const line = rawLine.replace(/\r$/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const a = ctx.locate(lineStart + indent);
    const b = ctx.locate(lineStart + line.length);
    const origin: Origin = {
      kind: 'file',
      pos: { file: ctx.file, line: a.line, column: a.col, endLine: a.line, endColumn: Math.max(a.col, b.line === a.line ? b.col : a.col + trimmed.length), yamlPath },
    };
    const args = splitArgs(trimmed);
    if (!args) {
      problems.push({ message: `unbalanced quotes in the redis.conf line of "${trimmed.split(/\s/)[0].slice(0, 40)}": Redis refuses to start`, origin });
      continue;
    }
    if (!args.length) continue;
    const d = { name: args[0].toLowerCase(), args: args.slice(1), origin };
    const refused = refusedDirective(d);
    if (refused) problems.push({ message: refused, origin });
    else directives.push(d);
  }
  return { directives, problems };
}

/** yes/no directives redis-lint reads (Redis 7.0 config.c createBoolConfig; `slave-` is the old alias). */
const BOOL_DIRECTIVES = new Set(['appendonly', 'no-appendfsync-on-rewrite', 'aof-use-rdb-preamble', 'aof-load-truncated', 'repl-diskless-sync', 'stop-writes-on-bgsave-error', 'replica-ignore-maxmemory', 'slave-ignore-maxmemory']);
/** Memory directives redis-lint reads (config.c createSizeTConfig/createULongLongConfig with MEMORY_CONFIG, parsed by memtoull in util.c). */
const MEMORY_DIRECTIVES = new Set(['maxmemory', 'auto-aof-rewrite-min-size', 'repl-backlog-size']);
/** Enum directives redis-lint reads (config.c createEnumConfig: appendfsync_enum, maxmemory_policy_enum). */
const ENUM_DIRECTIVES: Record<string, readonly string[]> = {
  appendfsync: ['everysec', 'always', 'no'],
  'maxmemory-policy': ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
};
/** Integer directives redis-lint reads, with Redis's bounds (config.c createIntConfig). */
const INT_DIRECTIVES: Record<string, [number, number]> = { 'auto-aof-rewrite-percentage': [0, 2147483647], hz: [0, 2147483647] };

/**
 * Why Redis refuses a directive redis-lint reads, or undefined when Redis accepts it. Checked
 * against redis-server 7.0.15 (`redis-server <conf>` and `redis-server --port 0 --<name> ...`),
 * which stops with `*** FATAL CONFIG FILE ERROR ***` and the reason quoted here; the reasons are
 * those of src/config.c (Redis 7.0) `loadServerConfigFromString` ("wrong number of arguments":
 * a standard config takes exactly one argument; "Bad directive or wrong number of arguments":
 * an unknown name such as `appendonly=yes`) and of the typed setters (boolConfigSet: "argument
 * must be 'yes' or 'no'"; numericParseString: "argument must be a memory value", memtoull in
 * src/util.c takes digits and a unit, no fraction or sign; enumConfigSet: "argument(s) must be
 * one of the following"). A `#` is a comment only at the start of a line (config.c skips lines
 * whose first character is `#`), so `appendonly yes # note` has three arguments.
 * Other directives are not checked (redis-lint does not read them).
 * @returns the finding's message, naming the line and Redis's reason
 */
export function refusedDirective(d: ConfigDirective): string | undefined {
  const line = `"${[d.name, ...d.args].join(' ').slice(0, 80)}"`;
  const fatal = (why: string) => `${line}: ${why}: Redis refuses to start (FATAL CONFIG FILE ERROR)`;
  if (d.name.includes('=')) return fatal(`Bad directive or wrong number of arguments (write "${d.name.split('=')[0]} ${d.name.split('=').slice(1).join('=')}": no "=")`);
  const typed = BOOL_DIRECTIVES.has(d.name) || MEMORY_DIRECTIVES.has(d.name) || d.name in ENUM_DIRECTIVES || d.name in INT_DIRECTIVES;
  if (!typed) return undefined;
  if (d.args.length !== 1) {
    const comment = d.args.includes('#') || d.args.some((a) => a.startsWith('#')) ? ' (a comment must be on its own line)' : '';
    return fatal(`wrong number of arguments${comment}`);
  }
  const v = d.args[0];
  if (BOOL_DIRECTIVES.has(d.name) && !/^(yes|no)$/i.test(v)) return fatal(`argument must be 'yes' or 'no'`);
  if (MEMORY_DIRECTIVES.has(d.name)) {
    try {
      parseRedisMemory(v);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      return fatal('argument must be a memory value (digits and a unit such as 1536mb: no fraction, no sign)');
    }
  }
  const choices = ENUM_DIRECTIVES[d.name];
  if (choices && !choices.includes(v.toLowerCase())) return fatal(`argument(s) must be one of the following: ${choices.join(', ')}`);
  const bounds = INT_DIRECTIVES[d.name];
  if (bounds) {
    if (!/^-?\d+$/.test(v)) return fatal("argument couldn't be parsed into an integer");
    const n = Number(v);
    if (n < bounds[0] || n > bounds[1]) return fatal(`argument must be between ${bounds[0]} and ${bounds[1]} inclusive`);
  }
  return undefined;
}

/**
 * Turn `redis-server` command-line arguments into directives (Redis `main()` in src/server.c:
 * every `--name` starts a new config line, following arguments are its values; an argv element
 * holding "--loglevel warning" is one line). The first argument may be a config file path.
 * @param args argv after the executable, each with its origin (e.g. the `args[3]` node)
 * @returns the directives Redis accepts, the config file path when one is given first, and the
 *   arguments Redis refuses (see {@link refusedDirective})
 */
export function parseServerArgs(args: Array<{ text: string; origin: Origin }>): { configFile?: { path: string; origin: Origin }; directives: ConfigDirective[]; problems: ConfProblem[] } {
  const directives: ConfigDirective[] = [];
  let configFile: { path: string; origin: Origin } | undefined;
  let current: ConfigDirective | undefined;
  args.forEach((a, i) => {
    if (a.text.startsWith('--')) {
      const parts = splitArgs(a.text.slice(2)) ?? [a.text.slice(2)];
      if (!parts.length) return;
      current = { name: parts[0].toLowerCase(), args: parts.slice(1), origin: a.origin };
      directives.push(current);
    } else if (i === 0 && !current && a.text !== '-') {
      configFile = { path: a.text, origin: a.origin };
    } else if (current) {
      current.args.push(a.text);
    }
  });
  // Redis refuses these at start-up as it does in a file (main() in server.c feeds argv to loadServerConfigFromString)
  const problems: ConfProblem[] = [];
  const valid = directives.filter((d) => {
    const refused = refusedDirective(d);
    if (refused) problems.push({ message: refused, origin: d.origin });
    return !refused;
  });
  return { configFile, directives: valid, problems };
}

/**
 * Apply directives in order onto a config, as Redis applies one concatenated config string:
 * later lines override, except `save`, which accumulates points and is cleared by `save ""`
 * (config.c, `setConfigSaveOption`/special handling since 7.0; 6.x `loadServerConfigFromString`).
 * `include` lines are kept under `include` (last one) for callers that resolve them.
 */
export function applyDirectives(config: RedisConfig, directives: readonly ConfigDirective[]): RedisConfig {
  for (const d of directives) {
    if (d.name === 'save') {
      const prev = config.get('save');
      // `--save "900 1"` / `CONFIG SET save "900 1"`: one argument holding several points is split on spaces (7.0 config.c)
      const points = d.args.flatMap((a) => a.split(/\s+/)).filter((a) => a !== '');
      const cleared = points.length === 0;
      const args = cleared ? [] : [...(prev?.args ?? []), ...points];
      config.set('save', { name: 'save', args, origin: d.origin });
    } else {
      config.set(d.name, d);
    }
  }
  return config;
}

/** The save points of a config: pairs of (seconds, changes); [] when RDB snapshots are off. */
export function savePoints(config: RedisConfig, redisDefault: Array<{ seconds: number; changes: number }>): Array<{ seconds: number; changes: number }> {
  const d = config.get('save');
  if (!d) return redisDefault;
  const out: Array<{ seconds: number; changes: number }> = [];
  for (let i = 0; i + 1 < d.args.length; i += 2) {
    const seconds = Number(d.args[i]);
    const changes = Number(d.args[i + 1]);
    if (Number.isFinite(seconds) && Number.isFinite(changes)) out.push({ seconds, changes });
  }
  return out;
}
