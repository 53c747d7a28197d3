/**
 * #15.4: SCIM reads through the read contract's views (`roster_api.*`, core/0011), and the
 * views cost nothing: PostgreSQL inlines them, so the SQL the store really sends still reaches
 * the core's indexes. Each statement is EXPLAINed with sequential scans priced out (the test
 * tables are tiny, so the planner would otherwise scan them whatever the indexes): a plan can
 * use an index only if the view kept its expression matchable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import { parseFilter, toSql } from '../src/protocol/index.js';
import { GROUP_COLUMNS, USER_COLUMNS } from '../src/store/columns.js';
import { findGroup, listGroups } from '../src/store/groups.js';
import type { Row, Sql } from '../src/store/sql.js';
import { findUser, listUsers } from '../src/store/users.js';
import { emptyTeam, startScimRoster } from './support.js';

let t: TestRoster;
let teamId = '';
const ID = '00000000-0000-4000-8000-000000000001';

beforeAll(async () => {
  t = await startScimRoster();
  teamId = (await emptyTeam(t)).teamId;
});
afterAll(async () => {
  await t?.close();
});

/** Runs `read` with a `Sql` that answers no rows and keeps the plan of every statement it is given. */
async function plans(read: (sql: Sql) => Promise<unknown>): Promise<string[]> {
  const out: string[] = [];
  await t.roster.orm.em.fork().transactional(async (em) => {
    await em.execute('set local enable_seqscan = off');
    const sql: Sql = {
      async rows(text, params) {
        const lines = await em.execute<Row[]>(`explain ${text}`, params);
        out.push(lines.map((l) => String(Object.values(l)[0])).join('\n'));
        return [];
      },
    };
    await read(sql);
  });
  return out;
}

const where = (filter: string, columns = USER_COLUMNS) => toSql(parseFilter(filter), columns);
const none = { groups: false, licenses: false };

describe('#15.4: the SCIM read path over roster_api views keeps its index use', () => {
  it('#15.4: the store reads the views, never a core table', async () => {
    const [plan] = await plans((sql) => findUser(sql, teamId, ID, { groups: true, licenses: true }));
    expect(plan).toMatch(/membership_pkey/);
    expect(plan).toMatch(/group_member_membership_group_idx/);
    expect(plan).toMatch(/license_assignment_member_type_state_uq/);
  });

  it('#15.4: userName eq → membership_team_user_name_uq; externalId eq → membership_team_external_idx', async () => {
    const [byName] = await plans((sql) =>
      listUsers(sql, teamId, { where: where('userName eq "ada@example.com"'), startIndex: 1, count: 10 }, none),
    );
    expect(byName).toMatch(/membership_team_user_name_uq/);
    const [byExternal] = await plans((sql) =>
      listUsers(sql, teamId, { where: where('externalId eq "ext-1"'), startIndex: 1, count: 10 }, none),
    );
    expect(byExternal).toMatch(/membership_team_external_idx/);
  });

  it('#15.4: a team count reads a membership index, without the person (the LEFT JOIN is dropped)', async () => {
    const [, count] = await plans((sql) => listUsers(sql, teamId, { startIndex: 1, count: 10 }, none));
    expect(count).toMatch(/Scan (using|on) membership_team_\w+/);
    expect(count).not.toMatch(/"user"|user_pkey/);
  });

  it('#15.4: group displayName eq → group_team_name_idx; members by id → group_member_pkey', async () => {
    const [byName] = await plans((sql) =>
      listGroups(sql, teamId, { where: where('displayName eq "Sales"', GROUP_COLUMNS), startIndex: 1, count: 10 }, false),
    );
    expect(byName).toMatch(/group_team_name_idx/);
    const [withMembers] = await plans((sql) => findGroup(sql, teamId, ID, true));
    expect(withMembers).toMatch(/group_pkey/);
    expect(withMembers).toMatch(/group_member_pkey/);
  });
});
