import type { ReactNode } from 'react';
import { DataTable, type Column } from './DataTable.tsx';

/**
 * A titled section listing what a team has live (tokens, setup links): a line saying there is
 * none, or a DataTable whose last column holds each row's actions (a revoke button), its header
 * for screen readers only. Nothing is said while `rows` is still loading.
 */
export function ListSection<T>({
  headingId,
  title,
  empty,
  caption,
  rows,
  rowKey,
  columns,
  actions,
  className,
}: {
  headingId: string;
  title: string;
  /** Said instead of the table when there are no rows. */
  empty: ReactNode;
  caption: string;
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  columns: Array<Column<T>>;
  actions?: (row: T) => ReactNode;
  /** The table's, beside `table` (phone layouts in styles.css). */
  className?: string;
}) {
  const all = actions ? [...columns, { label: 'Actions', hideLabel: true, cell: actions }] : columns;
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {rows && rows.length === 0 && <p className="muted">{empty}</p>}
      {rows && rows.length > 0 && <DataTable<T> caption={caption} rows={rows} rowKey={rowKey} columns={all} className={className} />}
    </section>
  );
}
