import { CopyButton } from './CopyButton.tsx';

/** One value to paste somewhere else (an IdP's form), with what the IdP calls it and a copy button. */
export function CopyField({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="copy-field">
      <p className="copy-field-label">{label}</p>
      {hint && <p className="hint">{hint}</p>}
      <div className="copy-row">
        <code data-testid={testId}>{value}</code>
        <CopyButton text={value} label={`Copy ${label}`} />
      </div>
    </div>
  );
}
