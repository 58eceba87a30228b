import type { DocContext } from '../load/documents.js';
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
    directives.push({ name: args[0].toLowerCase(), args: args.slice(1), origin });
  }
  return { directives, problems };
}

/**
 * Turn `redis-server` command-line arguments into directives (Redis `main()` in src/server.c:
 * every `--name` starts a new config line, following arguments are its values; an argv element
 * holding "--loglevel warning" is one line). The first argument may be a config file path.
 * @param args argv after the executable, each with its origin (e.g. the `args[3]` node)
 * @returns the directives and the config file path when one is given first
 */
export function parseServerArgs(args: Array<{ text: string; origin: Origin }>): { configFile?: { path: string; origin: Origin }; directives: ConfigDirective[] } {
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
  return { configFile, directives };
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
