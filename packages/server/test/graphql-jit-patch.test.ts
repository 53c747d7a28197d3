import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  buildSchema as buildSdlSchema,
  execute,
  parse,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { buildSchema, Ctx, Field, FieldResolver, Info, ObjectType, Query, Resolver, Root } from 'type-graphql';

/**
 * #19: Roster patches graphql-jit (patches/graphql-jit@0.8.9.patch) so that compiled queries
 * allocate less per field: leaves are checked inline (errors built only on failure) with a
 * fixed-arity serializer, list items and resolver answers that are not promises skip the
 * closures, and a resolver marked as never reading its info gets none. Every case below runs on
 * graphql-js and on the patched graphql-jit and must answer the same data and the same errors
 * (message, path, locations): the patch changes what is allocated, never what a client sees.
 */

const NO_INFO = Symbol.for('graphql-jit.noResolveInfo');

const sdl = /* GraphQL */ `
  enum Color {
    RED
    GREEN
  }
  type Item {
    name: String!
    nick: String
    count: Int
    color: Color
    tags: [String!]
    nested: [[[[[[[[[String]]]]]]]]]
  }
  type Query {
    items: [Item]
    syncThrow: String
    syncError: String
    asyncValue: String
    asyncReject: String
    asyncNull: String!
    mixed: [String]
    marked: String
    unmarked: String
    getterHits: Int
  }
`;

function schemaWith(resolvers: Record<string, GraphQLFieldResolver<unknown, unknown>>): GraphQLSchema {
  const schema = buildSdlSchema(sdl);
  const fields = schema.getQueryType()!.getFields();
  for (const [name, resolve] of Object.entries(resolvers)) fields[name]!.resolve = resolve;
  return schema;
}

let nickReads = 0;
const items = [
  { name: 'ok', nick: 'n', count: 1, color: 'RED', tags: ['a', 'b'], nested: [[[[[[[[['deep']]]]]]]]] },
  // A non-null leaf that is null: the error's path and locations, and the item becomes null.
  { name: null, nick: null, count: 2, color: 'GREEN', tags: [] },
  // Leaves whose serializers refuse (Int out of range, not an enum value), and an Error as a value.
  { name: 'bad', count: 2 ** 40, color: 'BLUE', tags: ['x', null], nick: new Error('nick failed') },
  // Past the fixed-arity serializer's 8 list indexes: the original serializer, the same error.
  { name: 'deeper', nested: [[[[[[[[[{ not: 'a string' }]]]]]]]]] },
  // A getter is read once per leaf, as graphql-js reads it.
  {
    get name() {
      nickReads += 1;
      return 'getter';
    },
  },
];

const infos: Array<{ field: string; info: unknown }> = [];
const marked: GraphQLFieldResolver<unknown, unknown> = (_root, _args, _ctx, info) => {
  infos.push({ field: 'marked', info });
  return 'm';
};
(marked as unknown as Record<symbol, boolean>)[NO_INFO] = true;

const schema = schemaWith({
  items: () => items,
  syncThrow: () => {
    throw new Error('thrown');
  },
  syncError: () => new Error('returned'),
  asyncValue: async () => 'later',
  asyncReject: async () => {
    throw new Error('rejected');
  },
  asyncNull: async () => null,
  mixed: () => ['now', Promise.resolve('later'), Promise.reject(new Error('item rejected')), null],
  marked,
  unmarked: (_root, _args, _ctx, info) => {
    infos.push({ field: 'unmarked', info });
    return 'u';
  },
  getterHits: () => nickReads,
});

/** Data and errors as a client reads them, errors sorted by path (the engines may order them differently). */
function asClientSees(result: ExecutionResult): unknown {
  const errors = (result.errors ?? [])
    .map((e) => ({ message: e.message, path: e.path, locations: e.locations }))
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
  return JSON.parse(JSON.stringify({ data: result.data, errors }));
}

async function both(query: string): Promise<{ reference: unknown; compiled: unknown }> {
  const document = parse(query);
  nickReads = 0;
  const reference = asClientSees(await execute({ schema, document }));
  const c = compileQuery(schema, document);
  if (!isCompiledQuery(c)) throw new Error(`did not compile: ${JSON.stringify(c)}`);
  nickReads = 0;
  const compiled = asClientSees(await c.query(undefined, {}, {}));
  return { reference, compiled };
}

describe('#19 graphql-jit as Roster patches it answers as graphql-js does', () => {
  it('leaves: null in a non-null leaf, an Error as a value, refusing serializers, lists of leaves', async () => {
    const { reference, compiled } = await both('{ items { name nick count color tags } }');
    expect(compiled).toEqual(reference);
    // The cases did happen: each leaf failure is reported.
    const paths = (reference as { errors: Array<{ path: unknown[] }> }).errors.map((e) => e.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['items.1.name', 'items.2.nick', 'items.2.count', 'items.2.color', 'items.2.tags.1']));
  });

  it('a leaf nine lists deep (past the fixed-arity serializer) fails with the same path', async () => {
    const { reference, compiled } = await both('{ items { name nested } }');
    expect(compiled).toEqual(reference);
    const paths = (reference as { errors: Array<{ path: unknown[] }> }).errors.map((e) => e.path.join('.'));
    expect(paths).toContain('items.3.nested.0.0.0.0.0.0.0.0.0');
  });

  it('a getter behind a leaf is read once, as graphql-js reads it', async () => {
    const document = parse('{ items { name } }');
    const c = compileQuery(schema, document);
    if (!isCompiledQuery(c)) throw new Error('did not compile');
    nickReads = 0;
    await c.query(undefined, {}, {});
    expect(nickReads).toBe(1);
  });

  it('resolvers: a throw, an Error returned, a promise resolved, rejected or null, list items mixing promises', async () => {
    const { reference, compiled } = await both('{ syncThrow syncError asyncValue asyncReject mixed }');
    expect(compiled).toEqual(reference);
    expect((reference as { data: Record<string, unknown> }).data.asyncValue).toBe('later');
    const nonNull = await both('{ asyncValue asyncNull }');
    expect(nonNull.compiled).toEqual(nonNull.reference);
    expect((nonNull.reference as { data: unknown }).data).toBeNull();
  });

  it('a resolver marked as not reading its info gets none; any other gets its info with the path', async () => {
    const c = compileQuery(schema, parse('{ marked unmarked }'));
    if (!isCompiledQuery(c)) throw new Error('did not compile');
    infos.length = 0;
    expect((await c.query(undefined, {}, {})).data).toEqual({ marked: 'm', unmarked: 'u' });
    expect(infos.find((i) => i.field === 'marked')?.info).toBeUndefined();
    expect((infos.find((i) => i.field === 'unmarked')?.info as { path: { key: string } }).path.key).toBe('unmarked');
  });
});

@ObjectType()
class Thing {
  @Field(() => String) name!: string;
}

@Resolver(() => Thing)
class ThingResolver {
  @Query(() => Thing)
  thing(): Thing {
    return Object.assign(new Thing(), { name: 't' });
  }

  @FieldResolver(() => String)
  plain(@Root() t: Thing, @Ctx() _ctx: unknown): string {
    return t.name;
  }

  @FieldResolver(() => String)
  withInfo(@Root() t: Thing, @Info() info: { fieldName: string }): string {
    return `${t.name}:${info.fieldName}`;
  }
}

describe('#19 type-graphql as Roster patches it marks the resolvers that never read their info', () => {
  const resolverOf = (s: GraphQLSchema, field: string) =>
    (s.getType('Thing') as unknown as { getFields(): Record<string, { resolve?: unknown }> }).getFields()[field]!.resolve as Record<
      symbol,
      unknown
    >;

  it('no @Info and a container that cannot see the resolver data (Roster’s `get(someClass)`): marked', async () => {
    const instance = new ThingResolver();
    const s = await buildSchema({ resolvers: [ThingResolver], container: { get: (_cls: unknown) => instance }, validate: false });
    expect(resolverOf(s, 'plain')[NO_INFO]).toBe(true);
    expect(resolverOf(s, 'withInfo')[NO_INFO]).toBeUndefined();
    // Compiled, the @Info resolver still gets its info.
    const c = compileQuery(s, parse('{ thing { plain withInfo } }'));
    if (!isCompiledQuery(c)) throw new Error('did not compile');
    expect((await c.query(undefined, {}, {})).data).toEqual({ thing: { plain: 't', withInfo: 't:withInfo' } });
  });

  it('a container whose `get` takes the resolver data may read the info: not marked', async () => {
    const instance = new ThingResolver();
    const s = await buildSchema({
      resolvers: [ThingResolver],
      container: { get: (_cls: unknown, _data: unknown) => instance },
      validate: false,
    });
    expect(resolverOf(s, 'plain')[NO_INFO]).toBeUndefined();
  });
});
