/** `{% docs name %}...{% enddocs %}` blocks from markdown files, and rendering descriptions. */
import { UserError } from '../errors.js';
import type { Project } from '../project/types.js';
import { didYouMean } from '../util/closest.js';
import { lineAt } from './call-line.js';
import type { DocBlock } from './types.js';

const DOCS_BLOCK = /\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** Every docs block of the project, by name. Duplicate names are an error. */
export function parseDocBlocks(project: Project): Map<string, DocBlock> {
  const docs = new Map<string, DocBlock>();
  const pkg = project.config.name;
  for (const file of project.files.docs) {
    for (const m of file.content.matchAll(DOCS_BLOCK)) {
      const name = m[1]!;
      const previous = docs.get(name);
      if (previous) {
        throw new UserError(`docs block '${name}' is defined twice: in ${previous.original_file_path} and ${file.path}`, {
          file: file.path,
          line: lineAt(file.content, m.index),
          hint: 'rename or remove one of them',
        });
      }
      docs.set(name, { unique_id: `doc.${pkg}.${name}`, name, block_contents: m[2]!.trim(), original_file_path: file.path });
    }
  }
  return docs;
}

/** The text of docs block `name`; an unknown name is a UserError with the closest names. */
export function docText(docs: Map<string, DocBlock>, name: string, file?: string): string {
  const block = docs.get(name);
  if (block) return block.block_contents;
  throw new UserError(`unknown docs block '${name}'`, {
    file,
    hint: didYouMean(name, docs.keys()) ?? 'define it in a .md file: {% docs name %}...{% enddocs %}',
  });
}
