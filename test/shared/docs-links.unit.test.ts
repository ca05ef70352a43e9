/**
 * Every relative link in README.md and docs/*.md leads somewhere: the file exists, and a `#anchor` names a heading
 * of the page it points to (GitHub's slugs). Pages move between README and docs/, so links are what breaks.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';

/** Lines outside fenced code blocks, with inline code spans kept (links may be written around them). */
const proseLines = (markdown: string): string[] => {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
};

/** GitHub's heading anchor: lower case, punctuation dropped (not `-` or `_`), spaces to `-`, repeats numbered. */
const anchorsOf = (markdown: string): Set<string> => {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug);
    seen.set(slug, (n ?? -1) + 1);
    anchors.add(n === undefined ? slug : `${slug}-${n + 1}`);
  }
  return anchors;
};

/** The broken relative links of one markdown file, as `file: target (why)`. */
const brokenLinks = (file: string, root: string): string[] => {
  const broken: string[] = [];
  const name = path.relative(root, file);
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const prose = line.replace(/`[^`]*`/g, (code) => (code.includes('](') ? '``' : code));
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // http:, https:, mailto:
      const [linkPath, anchor] = target!.split('#', 2) as [string, string | undefined];
      const resolved = linkPath === '' ? file : path.resolve(path.dirname(file), linkPath);
      if (!existsSync(resolved)) {
        broken.push(`${name}: ${target} (no such file)`);
      } else if (anchor !== undefined) {
        if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
          broken.push(`${name}: ${target} (an anchor into a file that is not markdown)`);
        } else if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${name}: ${target} (no such heading)`);
        }
      }
    }
  }
  return broken;
};

const markdownFiles = (root: string): string[] => [
  path.join(root, 'README.md'),
  // The sub-projects' READMEs link into docs/ too.
  ...['infrastructure', 'offline-model'].map((dir) => path.join(root, dir, 'README.md')).filter((f) => existsSync(f)),
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => path.join(root, 'docs', f)),
];

/** Top-level folders of this repository: a code span starting with one names a file or folder of ours. */
const REPO_FOLDERS = [
  'shared',
  'mcp-servers',
  'tool-workers',
  'orchestrator',
  'offline-model',
  'test',
  'bench',
  'load',
];

/** Code spans like `tool-workers/it/contract.ts` (optionally `:line`) that name no existing path; patterns skipped. */
const stalePaths = (file: string, root: string): string[] => {
  const stale: string[] = [];
  for (const [line, text] of readFileSync(file, 'utf8').split('\n').entries()) {
    for (const [, span] of text.matchAll(/`([^`\s]+)`/g)) {
      const target = span!.split(/[:#]/)[0]!;
      if (!REPO_FOLDERS.some((dir) => target.startsWith(`${dir}/`)) || /[*{}<>…]/.test(target)) continue;
      if (!existsSync(path.join(root, target))) stale.push(`${path.relative(root, file)}:${line + 1}: ${target}`);
    }
  }
  return stale;
};

describe('links in README.md and docs/', () => {
  it('every repository path named in code spans exists (files move; the pages must follow)', () => {
    expect(markdownFiles(projectRoot).flatMap((f) => stalePaths(f, projectRoot))).toEqual([]);
  });

  it('every relative link reaches an existing file, and every anchor an existing heading', () => {
    const files = markdownFiles(projectRoot);
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap((f) => brokenLinks(f, projectRoot))).toEqual([]);
  });

  it('each docs page starts with a # title', () => {
    for (const file of markdownFiles(projectRoot)) {
      expect(readFileSync(file, 'utf8').split('\n')[0], file).toMatch(/^# \S/);
    }
  });

  it('the check finds a missing file, a missing heading and a repeated heading without its number', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'docs-links-'));
    try {
      writeFileSync(
        path.join(root, 'README.md'),
        [
          '# Top',
          '## curl',
          '## curl',
          '## Patching: `patched()` and more',
          '[ok](#curl-1) [ok](#patching-patched-and-more) [ok](docs/a.md#a-title) [ok](https://example.com/x#y)',
          '[gone](docs/missing.md) [gone](#curl-2) [gone](docs/a.md#nope)',
          '```',
          '[ignored in code](nowhere.md)',
          '```',
        ].join('\n'),
      );
      const docs = path.join(root, 'docs');
      mkdirSync(docs);
      writeFileSync(path.join(docs, 'a.md'), '# A title\n[back](../README.md#top) [gone](../README.md#bottom)\n');
      expect(markdownFiles(root).flatMap((f) => brokenLinks(f, root))).toEqual([
        'README.md: docs/missing.md (no such file)',
        'README.md: #curl-2 (no such heading)',
        'README.md: docs/a.md#nope (no such heading)',
        'docs/a.md: ../README.md#bottom (no such heading)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
