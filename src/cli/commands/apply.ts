/** `berth apply -f stack.yaml [--dry-run] [--prune] [--adopt]`: plan, print, apply in dependency order. */
import { readFileSync } from 'node:fs';
import { str, usage } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { applyPlan } from '../apply/apply-plan.js';
import { readCurrentState } from '../apply/current-state.js';
import { adoptionRefusal, computePlan, renderPlan } from '../apply/plan.js';
import { parseStack } from '../apply/stack.js';
import { loadCertificateFiles } from '../apply/stack-certificates.js';
import { dirname, resolve } from 'node:path';
import { json } from '../table.js';

export const apply: Command = {
  name: 'apply',
  summary: 'create or update load balancers, target groups, task definitions and services from a YAML file',
  help: `usage: berth apply -f FILE [--dry-run] [--prune] [--adopt]

Reads the stack file (see examples/stack.yaml), compares it with what the API describes, prints the plan
(+ create, ~ update with the changed fields, - delete) and applies it. A second apply of the same file
prints "No changes". Task definitions get a new revision only when they differ from the latest ACTIVE one.
Certificates (imported from PEM files relative to the stack file, or requested from Berth's CA) and the
HTTPS listeners that name them: see examples/https-stack.yaml; a changed certificate file is re-imported.

  -f, --file FILE  the stack file ("-" for stdin)
  --dry-run        print the plan only
  --prune          also delete what the file no longer has: listeners and rules of its load balancers, and
                   the services, load balancers and target groups this stack created (a file with
                   "name:" tags what it creates berth:stack=NAME; only those are ever pruned)
  --adopt          take over the target groups, load balancers and services the file names that this
                   stack did not create (no berth:stack=NAME tag; the plan shows them as "adopt"):
                   without it, apply refuses and names them
${GLOBAL_FLAGS_HELP}`,
  flags: [{ name: 'file', short: 'f', value: true }, { name: 'dry-run' }, { name: 'prune' }, { name: 'adopt' }],
  async run({ args, clients, out }) {
    const file = str(args.flags.file);
    if (!file) throw usage('apply needs -f FILE');
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.usage);
    }
    const parsed = parseStack(text);
    // Certificate files are read relative to the stack file (stdin: the working directory).
    const stack = parsed.certificates
      ? { ...parsed, certificates: loadCertificateFiles(parsed.certificates, file === '-' ? process.cwd() : dirname(resolve(file))) }
      : parsed;
    const prune = args.flags.prune === true;
    const current = await readCurrentState(clients, stack, { prune });
    const plan = computePlan(stack, current, { prune });
    const dryRun = args.flags['dry-run'] === true;
    if (plan.errors.length) {
      if (args.flags.json) out.write(json({ plan: plan.items, errors: plan.errors, applied: false }));
      throw new CliError(plan.errors.join('; '));
    }
    const refusal = args.flags.adopt === true || dryRun ? undefined : adoptionRefusal(plan);
    if (refusal) {
      if (args.flags.json) out.write(json({ plan: plan.items, errors: [refusal], applied: false }));
      throw new CliError(refusal);
    }
    if (!args.flags.json) out.write(renderPlan(plan));
    if (dryRun || plan.items.length === 0) {
      if (args.flags.json) out.write(json({ plan: plan.items, errors: [], applied: false }));
      return EXIT.ok;
    }
    const done: typeof plan.items = [];
    await applyPlan(clients, stack, current, plan, (item) => {
      done.push(item);
      if (!args.flags.json) out.write(`${item.op} ${item.kind} ${item.label}: done\n`);
    });
    if (args.flags.json) out.write(json({ plan: plan.items, errors: [], applied: true }));
    else out.write(`Applied ${done.length} change${done.length === 1 ? '' : 's'}.\n`);
    return EXIT.ok;
  },
};
