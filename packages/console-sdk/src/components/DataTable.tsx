import type { ReactNode } from 'react';

export interface Column<T> {
  label: string;
  /** Screen readers still hear the label; sighted people see none (an actions column). */
  hideLabel?: boolean;
  cell: (row: T) => ReactNode;
}

/**
 * The console's table: a caption for screen readers, column headers, and on phones each cell
 * labelled by its column (`data-label`, read by styles.css) instead of a sideways scroll.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  className,
}: {
  caption: string;
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string;
  className?: string;
}) {
  return (
    <div className="table-wrap">
      <table className={`table ${className ?? ''}`}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.hideLabel ? <span className="visually-hidden">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
