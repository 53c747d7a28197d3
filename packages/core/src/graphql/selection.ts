import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the query may select `path` (field names, below the field being resolved), through
 * fragments and inline fragments. Conservative: a field under `@skip` or `@include` counts as
 * selected, so false is sure and a resolver may leave that part unread.
 */
export function maySelect(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  return fieldsAt(info, path).length > 0;
}

/** The names of the fields the query may select right under `path` (same rules as maySelect). */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const field of fieldsAt(info, path)) {
    const all: FieldNode[] = [];
    if (field.selectionSet) collect(info, field.selectionSet, null, all, new Set());
    for (const f of all) names.add(f.name.value);
  }
  return names;
}

function fieldsAt(info: GraphQLResolveInfo, path: readonly string[]): readonly FieldNode[] {
  let fields: readonly FieldNode[] = info.fieldNodes;
  for (const name of path) {
    const next: FieldNode[] = [];
    for (const field of fields) if (field.selectionSet) collect(info, field.selectionSet, name, next, new Set());
    fields = next;
  }
  return fields;
}

/** The fields called `name` (every field: null) in `set`, fragments followed (each named fragment once). */
function collect(info: GraphQLResolveInfo, set: SelectionSetNode, name: string | null, into: FieldNode[], seen: Set<string>): void {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (name === null || s.name.value === name) into.push(s);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      collect(info, s.selectionSet, name, into, seen);
    } else {
      const fragment = info.fragments[s.name.value];
      if (fragment && !seen.has(s.name.value)) {
        seen.add(s.name.value);
        collect(info, fragment.selectionSet, name, into, seen);
      }
    }
  }
}
