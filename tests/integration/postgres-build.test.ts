/**
 * Builds on PostgreSQL under trouble: a connection killed mid-build, and two builds of the same
 * target at once (serialized by the advisory lock, never interleaved).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import type { StrataEvent } from '../../src/api/events.js';
import { postgresTestAdapter as a } from '../support/adapters.js';
import { updateProject, writeProject } from '../support/project.js';


function project(files: Record<string, string>): { dir: string; schema: string } {
  const schema = a.uniqueSchema('pgbuild');
  const dir = writeProject({ 'profiles.yml': a.profilesYml('demo', schema), ...files });
  return { dir, schema };
}

async function adminQuery(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const t = a.target();
  const client = new pg.Client({ host: t.host, port: t.port, user: t.user, database: t.dbname });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!a.available())('postgres builds', () => {
  it('a connection lost mid-build fails that node clearly; a re-run completes and keeps earlier work', async () => {
    const { dir, schema } = project({
      'models/first.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/victim.sql': "{{ config(materialized='table') }}\nselect id, 'victim_marker' as tag from {{ ref('first') }} cross join (select pg_sleep(20)) s",
    });
    const pending = build({ projectDir: dir });
    // Kill the backend running the victim's statement as soon as it shows up.
    let killed = false;
    for (let i = 0; i < 200 && !killed; i++) {
      const rows = await adminQuery(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity where query like '%victim_marker%' and query like '%pg_sleep%' and pid <> pg_backend_pid()`,
      );
      killed = rows.length > 0;
      if (!killed) await new Promise((res) => setTimeout(res, 50));
    }
    expect(killed).toBe(true);
    const summary = await pending;
    const victim = summary.results.find((r) => r.unique_id === 'model.demo.victim')!;
    expect(victim.status).toBe('error');
    expect(victim.message).toMatch(/connection to PostgreSQL was lost/);
    expect(summary.results.find((r) => r.unique_id === 'model.demo.first')!.status).toBe('success');

    updateProject(dir, { 'models/victim.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('first') }}" });
    const again = await build({ projectDir: dir });
    expect(again.success).toBe(true);
    expect(await adminQuery(`select id from "${schema}"."victim"`)).toEqual([{ id: 1 }]);
  });

  it('two builds of one target at once never interleave', async () => {
    const { dir } = project({
      'models/slow.sql': "{{ config(materialized='table') }}\nselect 1 as id from (select pg_sleep(0.8)) s",
    });
    const log: string[] = [];
    const sink = (who: string) => (e: StrataEvent) => {
      if (e.type === 'run_start' || e.type === 'run_end') return;
      if (e.type === 'node_start' || e.type === 'node_done') log.push(`${who}:${e.type}`);
    };
    const [one, two] = await Promise.all([build({ projectDir: dir, onEvent: sink('A') }), build({ projectDir: dir, onEvent: sink('B') })]);
    expect(one.success).toBe(true);
    expect(two.success).toBe(true);
    // Whichever went first finished its node before the other started one.
    const first = log[0]!.split(':')[0];
    const second = first === 'A' ? 'B' : 'A';
    expect(log).toEqual([`${first}:node_start`, `${first}:node_done`, `${second}:node_start`, `${second}:node_done`]);
  });
});
