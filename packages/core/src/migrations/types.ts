/** A forward-only schema change. Plugins name theirs `<plugin>/<nnnn>-<what>`. */
export interface Migration {
  name: string;
  sql: string;
}
