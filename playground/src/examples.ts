// The shipped rule files, bundled as text: the examples to pick from, and the tree their imports resolve in.
import alternatives61 from '../../rules/linux/alternatives-6.1.rules';
import alternatives612 from '../../rules/linux/alternatives-6.12.rules';
import linux61i386 from '../../rules/linux/linux-6.1-i386.rules';
import linux61 from '../../rules/linux/linux-6.1-x86_64.rules';
import linux612 from '../../rules/linux/linux-6.12-x86_64.rules';
import paravirt5x from '../../rules/linux/paravirt-5.x.rules';
import seed from '../../rules/seed/native.rules';
import demo from '../../examples/paravirt/paravirt-demo.rules';
import demoInlineStore from '../../examples/paravirt/paravirt-inline-store.rules';

/** Absolute virtual path → text; the paths are the repository's, so diagnostics name files as the CLI does. */
export const EXAMPLE_FILES: Record<string, string> = {
  '/rules/seed/native.rules': seed,
  '/examples/paravirt/paravirt-demo.rules': demo,
  '/examples/paravirt/paravirt-inline-store.rules': demoInlineStore,
  '/rules/linux/linux-6.1-x86_64.rules': linux61,
  '/rules/linux/alternatives-6.1.rules': alternatives61,
  '/rules/linux/linux-6.1-i386.rules': linux61i386,
  '/rules/linux/linux-6.12-x86_64.rules': linux612,
  '/rules/linux/alternatives-6.12.rules': alternatives612,
  '/rules/linux/paravirt-5.x.rules': paravirt5x,
};

/** What the picker offers (imported-only files are reachable through their importers). */
export const EXAMPLES: { path: string; label: string }[] = [
  { path: '/rules/seed/native.rules', label: 'seed: native replacements (Intel)' },
  { path: '/examples/paravirt/paravirt-demo.rules', label: "demo: the example program's ops" },
  { path: '/examples/paravirt/paravirt-inline-store.rules', label: 'demo: set_pte inlined (imports the demo)' },
  { path: '/rules/linux/linux-6.1-x86_64.rules', label: 'Linux 6.1 x86_64 (imports alternatives-6.1)' },
  { path: '/rules/linux/linux-6.1-i386.rules', label: 'Linux 6.1 i386' },
  { path: '/rules/linux/linux-6.12-x86_64.rules', label: 'Linux 6.12 x86_64' },
  { path: '/rules/linux/paravirt-5.x.rules', label: 'Linux 5.3–5.9 paravirt_patch.c' },
];

export const DEFAULT_EXAMPLE = '/rules/seed/native.rules';
