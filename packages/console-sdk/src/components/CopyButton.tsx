import { useState } from 'react';

/**
 * Copies text to the clipboard and says so. The clipboard can refuse (no permission, not a
 * secure context): then the button says to copy by hand, the text stays selectable next to it.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void onCopy()}>
        {label}
      </button>
      <span className="hint" role="status">
        {state === 'copied' ? 'Copied.' : state === 'failed' ? 'Copying was refused by the browser: select the text and copy it.' : ''}
      </span>
    </>
  );
}
