import { useState } from 'react';
import { Field } from './Field.tsx';

/**
 * A name and a button that creates something by it (an API token, a SCIM token): the button
 * waits for a name and for the last creation to finish, the name is sent trimmed, and the field
 * empties once `create` says it worked. What was created (a secret shown once) is the page's.
 */
export function NameAndCreate({
  id,
  label,
  placeholder,
  action,
  create,
}: {
  id: string;
  label: string;
  placeholder?: string;
  /** The button's text, e.g. `Create token`. */
  action: string;
  /** Sends the mutation with the trimmed name: true once created (the field empties), false when refused. */
  create: (name: string) => Promise<boolean>;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    setBusy(true);
    const created = await create(trimmed).finally(() => setBusy(false));
    if (created) setName('');
  };

  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <Field id={id} label={label} className="field-grow">
        {(control) => (
          <input {...control} value={name} maxLength={200} placeholder={placeholder} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={!name.trim() || busy}>
        {action}
      </button>
    </form>
  );
}
