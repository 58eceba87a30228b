import { it } from 'vitest';
import YAML from 'yaml';
import { applyYamlEdits, type YamlEditOp } from '../../src/fix/yaml-edit.js';
function build(tree: unknown, indent: number, comments: [number, boolean][]) {
  let text = Object.keys(tree as object).length ? YAML.stringify(tree, { indent, lineWidth: 0 }) : '';
  for (const [n, trailing] of comments) {
    const ls = text.split('\n');
    const i = n % (ls.length || 1);
    const candidate = trailing
      ? [...ls.slice(0, i), ls[i] + ' # t' + i, ...ls.slice(i + 1)]
      : [...ls.slice(0, i), ' '.repeat(ls[i]?.length - (ls[i]?.trimStart().length ?? 0) || 0) + '# c' + i, ...ls.slice(i)];
    const next = candidate.join('\n');
    const parsed = YAML.parseAllDocuments(next);
    if (parsed.length <= 1 && parsed.every((d) => !d.errors.length) && JSON.stringify(parsed[0]?.toJS() ?? {}) === JSON.stringify(YAML.parse(text) ?? {})) text = next;
  }
  return text;
}
const cases: [unknown, number, boolean, [number, boolean][], { path: string[]; value: unknown }[]][] = [
  [{"b":{"a":{}}},2,false,[[515567098,true]],[{"path":["b"],"value":"two\nlines\n"},{"path":["a"],"value":""}]],
  [{"10":{"a":{"a":""}},"a":null,"b":""},2,false,[[1325681648,true]],[{"path":["10"],"value":{"a":null}},{"path":["10","a"],"value":{"a":""}}]],
  [{"a":{"a":""}},2,false,[[390008581,false]],[{"path":["a"],"value":{"a":""}},{"path":["a","a"],"value":" "},{"path":["a"],"value":{"a":false}}]],
  [{"a":{"a":""}},2,false,[[618417166,false]],[{"path":["a"],"value":{"a":""}},{"path":["a","a"],"value":{"a":""}}]],
];
it('scratch', () => {
  for (const [tree, indent, , comments, ops] of cases) {
    const text = build(tree, indent, comments);
    const yops: YamlEditOp[] = ops.map((o) => ({ op: 'set', doc: 0, path: o.path, value: o.value }));
    console.log('---- input\n' + text + '<EOF>');
    try {
      let cur = text;
      for (const o of yops) { cur = applyYamlEdits('x', cur, [o]).text; console.log('after ' + JSON.stringify(o) + '\n' + cur + '<EOF>'); }
      const r = applyYamlEdits('x', text, yops);
      const r2 = applyYamlEdits('x', r.text, yops);
      console.log('second:\n' + r2.text + '<EOF>');
    } catch (e) { console.log('ERR', (e as Error).message); }
  }
});
