import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton.tsx';

/**
 * A secret the API returns once (a token, a signing secret): a marked box with a copy button,
 * kept in page state only until the admin says it is copied.
 */
export function ShownOnce({
  title,
  value,
  testId,
  copyLabel = `Copy ${title}`,
  onDismiss,
  children,
}: {
  title: string;
  value: string;
  testId?: string;
  /** The copy button's name (default `Copy <title>`). */
  copyLabel?: string;
  onDismiss: () => void;
  children?: ReactNode;
}) {
  return (
    <section className="secret" aria-label={title}>
      <h2>{title}</h2>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> Roster keeps only its hash. {children}
      </p>
      <div className="copy-row">
        <code data-testid={testId}>{value}</code>
        <CopyButton text={value} label={copyLabel} />
      </div>
      <p>
        <button type="button" className="button button-quiet" onClick={onDismiss}>
          I have copied it
        </button>
      </p>
    </section>
  );
}
