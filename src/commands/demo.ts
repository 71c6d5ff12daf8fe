import { Command } from 'commander';
import { renderText } from '../render/text.js';
import type { RegisterCommand } from './index.js';
import { colors, out } from './output.js';
import { planAndApply } from './apply.js';
import { openSession, planSession } from './session.js';

/**
 * The whole job on the built-in sandbox, with nothing to configure: plan, apply, and a second plan
 * that proves the vendors now match git.
 */
export const registerDemo: RegisterCommand = (program) => {
  program.addCommand(
    new Command('demo')
      .description('Plan, apply and plan again against the built-in sandbox vendors.')
      .option('--fixtures <dir>', 'sandbox fixtures folder')
      .action(async (options: { fixtures?: string }) => {
        const configFile = program.opts().config as string;
        const session = await openSession(configFile, { sandbox: true, fixtures: options.fixtures });
        try {
          const step = (title: string) => out(`\n${colors.bold(colors.cyan(`== ${title}`))}\n`);
          out(`roster demo: ${session.org.people.length} people from ${session.org.config.users}/ against ${session.sandbox!.emulators.size} sandbox vendors`);
          for (const [kind, emulator] of session.sandbox!.emulators) out(colors.dim(`  ${kind.padEnd(10)} ${emulator.url}`));

          step('1. roster apply --yes   (plan, then apply)');
          const applied = await planAndApply(session, { yes: true });

          step('2. roster plan          (after apply: nothing left to do)');
          const after = await planSession(session);
          out(renderText(after));
          const clean = after.summary.create + after.summary.update + after.summary.deactivate + after.summary.reactivate + after.summary.delete === 0;
          // Users added by hand are drift too: the demo must not say "match" while they are live.
          const byHand = after.vendors.reduce((n, v) => n + v.unmanaged.filter((u) => u.drift).length, 0);
          if (!clean) out(colors.yellow('Some changes remain; see the errors above.'));
          else if (byHand > 0) out(colors.yellow(`Nothing left to apply, but ${byHand} live users are not described in git (?): \`roster drift\` reports them until they are added to git, removed, or accepted in policy.ignore.`));
          else out(colors.green('The vendors match git.'));
          process.exitCode = applied === 0 && clean ? 0 : 1;
        } finally {
          await session.close();
        }
      }),
  );
};
