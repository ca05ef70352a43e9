/**
 * No import circles in production code (issue 29): madge over the production folders, type imports included (a
 * type-only circle still ties two modules' contracts together, and it is what `npx madge --circular --extensions ts`
 * reports). Tests are left out: they may import whatever they check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';

/** The part of madge's API used here (madge ships no types). */
interface MadgeResult {
  obj(): Record<string, string[]>;
  circular(): string[][];
  skipped: string[];
}
type Madge = (paths: string[], config: Record<string, unknown>) => Promise<MadgeResult>;
const madge = createRequire(import.meta.url)('madge') as Madge;

const PRODUCTION_FOLDERS = ['orchestrator', 'tool-workers', 'mcp-servers', 'shared', 'offline-model'];

function importGraph(baseDir: string, folders: string[]): Promise<MadgeResult> {
  return madge(
    folders.map((f) => join(baseDir, f)),
    {
      baseDir,
      fileExtensions: ['ts'],
      excludeRegExp: [/\.test\.ts$/],
      detectiveOptions: { ts: { skipTypeImports: false } },
    },
  );
}

describe('import circles', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'import-circles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('madge, as configured here, finds a circle made of type imports only', async () => {
    writeFileSync(join(scratch, 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
    writeFileSync(join(scratch, 'b.ts'), "import type { A } from './a';\nexport interface B { a?: A }\n");
    const graph = await importGraph(scratch, ['.']);
    expect(graph.circular()).toEqual([['a.ts', 'b.ts']]);
  });

  it('the production folders have none', async () => {
    const graph = await importGraph(projectRoot, PRODUCTION_FOLDERS);
    const modules = graph.obj();
    // The graph is the real one: the workflow's imports are in it, every import resolved (one that did not could hide
    // a circle), and no test file is in it.
    expect(modules['orchestrator/workflows.ts']).toContain('orchestrator/conversation-loop.ts');
    expect(graph.skipped).toEqual([]);
    expect(Object.keys(modules).filter((m) => m.endsWith('.test.ts'))).toEqual([]);
    const circles = graph.circular().map((circle) => circle.join(' > '));
    expect(circles, `import circles:\n${circles.join('\n')}`).toEqual([]);
  });
});
