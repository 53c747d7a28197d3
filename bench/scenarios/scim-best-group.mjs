// One request type of the SCIM mix against the best-SQL baseline (scim-best.mjs): the per-type
// CPU breakdown of issue #19, measured in the same `npm run bench` run as the mix.
import { bestScenario } from './scim-best.mjs';

export default bestScenario(
  'scim-best-group',
  () => ['groupAdd', 'groupRemove'],
  'SCIM group member add / remove (PATCH /Groups) alone against the best-SQL baseline: the per-type CPU of the mix',
);
