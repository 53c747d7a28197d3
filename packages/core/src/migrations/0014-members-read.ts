import type { Migration } from './types.js';

/**
 * The members page's search (#19): the console searches a team's members by user name, email,
 * name or display name, anywhere in the text (`like '%…%'`). Without an index each search read
 * every member of the team twice (the page and its count): about a second of PostgreSQL per
 * keystroke at 100,000 members. Trigram indexes (pg_trgm, a trusted extension: the database
 * owner may create it) answer a substring match from the index.
 *
 * Two indexes, not four: a person has one membership (`membership_user_uq`), and the user's three
 * searched texts are indexed as one string joined by newlines. Each text is a substring of that
 * string, so matching it first loses no row; the query then checks the texts one by one, so a
 * search holding a newline does not match across two of them (graphql/reads.ts).
 */
export const membersRead: Migration = {
  name: 'core/0014-members-read',
  sql: `
create extension if not exists pg_trgm;
create index membership_user_name_trgm on membership using gin (lower(user_name) gin_trgm_ops);
create index user_search_trgm on "user" using gin (
  lower(coalesce(email, '') || chr(10) || coalesce(given_name, '') || ' ' || coalesce(family_name, '') || chr(10) || coalesce(display_name, ''))
  gin_trgm_ops
);
`,
};
