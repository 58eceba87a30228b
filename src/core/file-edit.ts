/**
 * The text edit both the fix engine (src/fix: --fix, the rdjson/SARIF suggestions) and the
 * report formats (src/report) speak: a core type, so neither layer imports the other for it.
 */

/**
 * A text replacement in one input file that fixes (part of) a finding: the text between `start`
 * (inclusive) and `end` (exclusive) becomes `text`. Lines are 1-based; columns are 1-based and
 * count UTF-16 code units, like every position in {@link Finding} (yaml's LineCounter). An
 * insertion has `start` equal to `end`.
 */
export interface FileEdit {
  file: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
  text: string;
}
