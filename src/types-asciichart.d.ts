/**
 * Types for the parts of `asciichart` (CommonJS, no bundled types) that redis-lint uses.
 * https://github.com/kroitor/asciichart — plot() draws one or more series of numbers, one column
 * per value, `height` rows between `min` and `max`.
 */
declare module 'asciichart' {
  interface PlotConfig {
    /** lowest value on the y axis (default: the series' minimum) */
    min?: number;
    /** highest value on the y axis (default: the series' maximum) */
    max?: number;
    /** rows between min and max (default: max - min) */
    height?: number;
    /** columns left of the axis for the labels (default 3) */
    offset?: number;
    /** padding string whose length fixes the label width (default 11 spaces) */
    padding?: string;
    /** ANSI colour per series (asciichart.red etc.) */
    colors?: string[];
    /** box-drawing characters: ┼ ┤ ╶ ╴ ─ ╰ ╭ ╮ ╯ │ by default */
    symbols?: string[];
    /** label of a y value; `index` is the row from the top */
    format?: (value: number, index: number) => string;
  }
  const asciichart: {
    plot(series: number[] | number[][], config?: PlotConfig): string;
    colored(char: string, color?: string): string;
    red: string;
    green: string;
    yellow: string;
    cyan: string;
    darkgray: string;
    reset: string;
  };
  export = asciichart;
}
