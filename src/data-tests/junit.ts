/** JUnit XML for CI systems (`--junit-xml PATH`): one testcase per executed node. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Manifest } from '../compiler/types.js';
import type { NodeResult } from '../execution/types.js';

/** Escape text for XML attributes and content; drops characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/**
 * A `<testsuites>` document with one `<testsuite>` named after the command. fail → `<failure>`,
 * error → `<error>`, skipped → `<skipped>`, warn → passes with its message in `<system-out>`.
 */
export function junitXml(
  manifest: Manifest,
  results: NodeResult[],
  suiteName: string,
  timestamp: Date,
  elapsedSeconds: number,
): string {
  const count = (s: NodeResult['status']) => results.filter((r) => r.status === s).length;
  const cases = results.map((r) => {
    const node = manifest.nodes[r.unique_id];
    const classname = node ? `${node.resource_type}.${node.fqn.slice(0, -1).join('.') || node.package_name}` : 'node';
    const head = `    <testcase${attrs({ classname, name: node?.name ?? r.unique_id, time: r.execution_time.toFixed(3) })}`;
    const message = escapeXml(r.message);
    switch (r.status) {
      case 'fail':
        return `${head}>\n      <failure${attrs({ message: r.message, type: 'fail' })}>${message}${sqlBlock(r)}</failure>\n    </testcase>`;
      case 'error':
        return `${head}>\n      <error${attrs({ message: r.message, type: 'error' })}>${message}${sqlBlock(r)}</error>\n    </testcase>`;
      case 'skipped':
        return `${head}>\n      <skipped${attrs({ message: r.message })}/>\n    </testcase>`;
      case 'warn':
        return `${head}>\n      <system-out>${message}</system-out>\n    </testcase>`;
      default:
        return `${head}/>`;
    }
  });
  const suite = attrs({
    name: suiteName,
    tests: results.length,
    failures: count('fail'),
    errors: count('error'),
    skipped: count('skipped'),
    time: elapsedSeconds.toFixed(3),
    timestamp: timestamp.toISOString(),
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'strata', tests: results.length, failures: count('fail'), errors: count('error') })}>`,
    `  <testsuite${suite}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function sqlBlock(r: NodeResult): string {
  return r.compiled_code ? escapeXml(`\n\n${r.compiled_code}`) : '';
}

/** Write the XML atomically (temp file + rename). */
export function writeJunitXml(absPath: string, xml: string): void {
  mkdirSync(dirname(absPath), { recursive: true });
  const tmp = `${absPath}.${process.pid}.tmp`;
  writeFileSync(tmp, xml);
  renameSync(tmp, absPath);
}
