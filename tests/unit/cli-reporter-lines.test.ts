import { describe, expect, it } from 'vitest';
import { createReporter } from '../../src/cli/reporter.js';

function capture() {
  const out: string[] = [];
  return { out, output: { out: (line: string) => out.push(line), err: () => {} } };
}

describe('reporter lines (strata ls)', () => {
  const texts = Array.from({ length: 2501 }, (_, i) => `model.p.m${String(i).padStart(5, '0')}`);

  it('text: every line once, in order, in a few writes', () => {
    const { out, output } = capture();
    createReporter('text', output, false).lines(texts);
    expect(out.length).toBe(3);
    expect(out.join('\n').split('\n')).toEqual(texts);
    createReporter('text', output, false).lines([]);
    expect(out.length).toBe(3); // nothing to print: no empty line
  });

  it('json: one output event per line, as line() gives', () => {
    const { out, output } = capture();
    createReporter('json', output, false).lines(texts.slice(0, 3));
    expect(out.map((l) => JSON.parse(l) as { type: string; text: string }).map(({ type, text }) => [type, text])).toEqual(texts.slice(0, 3).map((t) => ['output', t]));
  });
});
