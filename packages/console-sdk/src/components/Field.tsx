import type { ReactNode } from 'react';

/** What a field hands its control: the id its label points at, and the hint that describes it. */
export interface FieldControl {
  id: string;
  'aria-describedby'?: string;
}

/**
 * One labelled form control with an optional hint under it, which screen readers read with the
 * control (`aria-describedby`). The control is the caller's (an input, a textarea, a select):
 * it spreads what it is handed, so the label, the hint and the control cannot disagree on ids.
 */
export function Field({
  id,
  label,
  hint,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Beside `field` (e.g. `field-grow` in an inline form). */
  className?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': hintId })}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
