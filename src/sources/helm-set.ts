import { ObjectVNode, type PathKey, type VNode } from '../load/vnode.js';
import type { Origin, SourcePosition } from '../types.js';

/** One `--set name=value` style parameter (Argo CD `helm.parameters`) with the position of its entry. */
export interface SetParameter {
  name: string;
  value: string;
  /** Argo CD `forceString: true` keeps the value a string (`--set-string`) */
  forceString?: boolean;
  pos: SourcePosition;
}

/**
 * Split a Helm `--set` name into path segments (helm.sh/helm/v3 pkg/strvals/parser.go):
 * dots separate keys, `\.` escapes a dot, `name[0]` indexes a list.
 */
export function splitSetName(name: string): PathKey[] {
  const out: PathKey[] = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\' && name[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (c === '.') {
      out.push(cur);
      cur = '';
    } else if (c === '[') {
      const end = name.indexOf(']', i);
      if (cur) out.push(cur);
      cur = '';
      out.push(Number(name.slice(i + 1, end)));
      i = end;
      if (name[i + 1] === '.') i++;
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** `--set` typing (strvals `typedVal`): true/false, null, and integers become typed; the rest stay strings. */
function typedValue(v: string, forceString: boolean | undefined): unknown {
  if (forceString) return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (/^-?(0|[1-9]\d*)$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  return v;
}

/**
 * Build a values layer from `--set` parameters, later ones winning, every leaf carrying the
 * position of its parameter entry. Read through the VNode interface like any other layer.
 */
export function setParametersLayer(params: readonly SetParameter[], anchor: SourcePosition): VNode {
  const data: Record<string, unknown> = {};
  const positions = new Map<string, SourcePosition>();
  for (const p of params) {
    const path = splitSetName(p.name);
    if (!path.length) continue;
    let obj: Record<string | number, unknown> = data;
    path.forEach((k, i) => {
      if (i === path.length - 1) {
        obj[k] = typedValue(p.value, p.forceString);
        positions.set(path.map(String).join('.'), p.pos);
      } else {
        const next = obj[k];
        if (next === null || typeof next !== 'object') obj[k] = typeof path[i + 1] === 'number' ? [] : {};
        obj = obj[k] as Record<string | number, unknown>;
      }
    });
  }
  return new SetVNode(data, positions, anchor, []);
}

/** A VNode over --set data: leaves report their parameter's position. */
class SetVNode extends ObjectVNode {
  constructor(
    private readonly raw: unknown,
    private readonly positions: Map<string, SourcePosition>,
    private readonly anchorPos: SourcePosition,
    path: readonly PathKey[],
  ) {
    super(raw, { source: 'chart default', anchor: anchorPos }, path, path);
  }

  override get(key: PathKey): VNode {
    const d = this.raw as Record<string | number, unknown> | null | undefined;
    const v = d !== null && typeof d === 'object' ? d[key] : undefined;
    return new SetVNode(v, this.positions, this.anchorPos, [...this.path, key]);
  }

  override items(): VNode[] {
    return Array.isArray(this.raw) ? this.raw.map((_, i) => this.get(i)) : [];
  }

  override origin(): Origin {
    const key = this.path.map(String).join('.');
    const pos = this.positions.get(key);
    if (pos && this.exists) return { kind: 'file', pos };
    // a map built from several parameters: point at the first parameter below it
    for (const [k, p] of this.positions) if (k.startsWith(key + '.') && this.exists) return { kind: 'file', pos: p };
    return { kind: 'absent', key, anchor: this.anchorPos };
  }

  override existingDepth(): number {
    return this.exists ? this.path.length : 0;
  }
}
