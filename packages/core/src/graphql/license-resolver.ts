import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireTeamAdmin, type GqlContext } from './context.js';
import { waitlistPage } from './reads.js';
import { LicenseSummaryType, WaitlistConnection } from './types.js';

@Resolver(() => LicenseSummaryType)
export class LicenseResolver {
  @FieldResolver(() => WaitlistConnection, {
    description:
      'Who waits for a seat of this license type, in the order seats will be granted (oldest request first): the next seat that frees or is bought goes to position 1. Team admins only.',
  })
  waitlist(
    @Root() license: LicenseSummaryType,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null | undefined,
    @Ctx() ctx: GqlContext,
  ): Promise<WaitlistConnection> {
    requireTeamAdmin(ctx, license.teamId);
    return waitlistPage(ctx.core, license.id, first, after);
  }
}
