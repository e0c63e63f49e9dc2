// Stable test identities (CONTRACT-6): id `<suite>/<variant>/<slug>`, classname `<board>.<suite>`, case name, failure kinds.

/** Error codes that mean "the farm or the link broke", not "the firmware is wrong" (JUnit `<error>`). */
export const INFRA_CODES: ReadonlySet<string> = new Set(['E_TRANSPORT', 'E_HOSTKEY', 'E_LEASE', 'E_TOOL', 'E_IO']);

/** The JUnit separator jest-junit uses between describe titles (ancestorSeparator). */
export const TITLE_SEPARATOR = ' › ';

/** Test title → slug: lowercased, runs of characters other than [a-z0-9] become `-`, trimmed, at most 80 characters. */
export function testSlug(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, 80).replace(/-+$/, '');
  return cut === '' ? 'test' : cut;
}

export function testId(suite: string, variant: string, title: string): string {
  return `${suite}/${variant}/${testSlug(title)}`;
}

export function classnameOf(board: string, suite: string): string {
  return `${board}.${suite}`;
}

/** `rpmsg` from `suites/rpmsg.spec.ts`; undefined when the text is not a spec file path. */
export function suiteOfSpecPath(text: string): string | undefined {
  const m = /(?:^|[/\\])([^/\\]+)\.(?:spec|test)\.[cm]?[jt]s$/.exec(text);
  return m?.[1];
}

export function kindOfCode(code: string | undefined): 'failure' | 'error' {
  return code !== undefined && INFRA_CODES.has(code) ? 'error' : 'failure';
}
