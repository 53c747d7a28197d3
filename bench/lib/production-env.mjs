// Roster runs in this process as in production. graphql-js reads NODE_ENV once, when it is first
// imported: without this it runs its development checks (a slower `instanceOf` on every type
// test) although the server's configuration says production. Imported first by bench/run.mjs,
// so it runs before any module that imports graphql (the seed imports @roster/core).
process.env.NODE_ENV = 'production';
