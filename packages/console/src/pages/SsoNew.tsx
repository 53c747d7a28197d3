import { DataTable, Link, navigate, useTitle, type SsoPreset, type SsoProtocol } from '@roster/console-sdk';
import { useConsolePlugins } from '../plugins.tsx';

/**
 * Every preset of the loaded protocols, named IdPs first (in the order the build composed the
 * plugins), then the generic "Other … IdP" of each protocol.
 */
function usePresets(): Array<{ preset: SsoPreset; protocol: SsoProtocol }> {
  const all = useConsolePlugins().sso.flatMap((protocol) => protocol.presets.map((preset) => ({ preset, protocol })));
  return [...all.filter((p) => !p.preset.generic), ...all.filter((p) => p.preset.generic)];
}

/** Step 1 of the wizard: which identity provider. */
export function SsoPresets({ base }: { base: string }) {
  useTitle('Add an SSO connection');
  const presets = usePresets();
  return (
    <>
      <p>
        <Link to={base}>← Single sign-on</Link>
      </p>
      <h1>Add an SSO connection</h1>
      <p>Which identity provider does your company sign in with?</p>
      <ul className="preset-grid">
        {presets.map(({ preset, protocol }) => (
          <li key={preset.id}>
            <Link to={`${base}/new/${preset.id}`} className="preset">
              <strong>{preset.label}</strong>
              <span className="sub">{protocol.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * Steps 2 and 3: what to do in the IdP, then what Roster needs from it (the protocol plugin's
 * form). The values to paste back come on the connection's page.
 */
export function SsoWizard({ teamId, base, presetId }: { teamId: string; base: string; presetId: string }) {
  const found = usePresets().find((p) => p.preset.id === presetId);
  useTitle(found ? `Set up ${found.preset.label}` : 'Unknown identity provider');
  if (!found)
    return (
      <div className="empty">
        <h1>Unknown identity provider</h1>
        <p>
          <Link to={`${base}/new`}>Choose one from the list</Link>.
        </p>
      </div>
    );
  const { preset, protocol } = found;
  const Form = protocol.NewConnectionForm;
  return (
    <>
      <p>
        <Link to={`${base}/new`}>← All identity providers</Link>
      </p>
      <h1>
        Set up {preset.label} <span className="badge badge-inactive">{protocol.label}</span>
      </h1>
      <section className="panel section" aria-labelledby="idp-steps-h">
        <h2 id="idp-steps-h">1. In {preset.label}</h2>
        <ol>
          {preset.steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <p className="hint">
          Roster’s own values ({protocol.valuesHint}) appear, with copy buttons, as soon as the connection exists: most IdPs let you create
          the application first and fill them in after.
        </p>
        <h3>Attributes to send</h3>
        <DataTable<[string, string]>
          caption={`Attributes ${preset.label} should send`}
          rows={preset.mapping}
          rowKey={([field]) => field}
          columns={[
            { label: 'Roster field', cell: ([field]) => field },
            { label: 'Attribute or claim', cell: ([, name]) => <code>{name}</code> },
          ]}
        />
      </section>
      <section className="panel section" aria-labelledby="idp-values-h">
        <h2 id="idp-values-h">2. From {preset.label}</h2>
        <Form teamId={teamId} preset={preset} onCreated={(id) => navigate(`${base}/${protocol.id}/${id}?created=1`)} />
      </section>
    </>
  );
}
