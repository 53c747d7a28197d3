import { useState, type ReactNode } from 'react';

/**
 * Forward keyset paging (the API's `after` cursors): the cursors seen are kept to step back,
 * since the API pages forward only. `reset` starts again when the filters change.
 */
export function useCursors(): {
  after: string | null;
  index: number;
  next: (cursor: string | null) => void;
  previous: () => void;
  reset: () => void;
} {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  return {
    after: cursors[cursors.length - 1],
    index: cursors.length - 1,
    next: (cursor) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
    reset: () => setCursors([null]),
  };
}

export function Pager({
  label,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
}: {
  label: ReactNode;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <span className="muted">{label}</span>
      <div className="pager-buttons">
        <button type="button" className="button" disabled={!hasPrevious} onClick={onPrevious}>
          Previous
        </button>
        <button type="button" className="button" disabled={!hasNext} onClick={onNext}>
          Next
        </button>
      </div>
    </nav>
  );
}
