import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { UserError } from '../../src/errors.js';
import { strata } from '../support/cli.js';
import { writeProject } from '../support/project.js';

describe('a dependency cycle', () => {
  it('stops prepare with the cycle named (file and line), and nothing is cached', async () => {
    const dir = writeProject({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "-- c\nselect * from {{ ref('b') }}",
      'models/ok.sql': 'select 1 as id',
    });
    const error = await prepare({ projectDir: dir, env: {} }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('dependency cycle: a → c → b → a');
    expect(existsSync(join(dir, 'target', '.strata-cache', 'index.json'))).toBe(false);
    const cli = strata(['compile', '--project-dir', dir]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('dependency cycle: a → c → b → a');
    expect(cli.stderr).toContain('models/a.sql:1');
  });
});
