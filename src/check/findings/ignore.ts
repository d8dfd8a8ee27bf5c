// `-- pgstrata-ignore: <rule-id>[, <rule-id>…] — <reason>` on the line before a statement
// silences that rule's findings on that statement. The comment may sit anywhere in the block of
// `--` comment lines directly above the statement, so a long reason can continue below it, or
// above the line of the finding itself (one ADD COLUMN of a long ALTER TABLE). An ignore that
// silences nothing, or gives no reason, is itself reported (as a warning), and so is one written
// as a /* … */ comment, which is not read.
import { isRule, ruleInfo } from './catalog.js';

export interface IgnoreComment {
  /** 1-based line of the comment. */
  line: number;
  column: number;
  rules: string[];
  reason: string;
  /** Rules this comment actually silenced. */
  used: Set<string>;
}

const IGNORE = /^(\s*)--\s*pgstrata-ignore\s*:\s*(.*)$/;
const BLOCK_IGNORE = /\/\*+\s*pgstrata-ignore\b/;
const RULE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*/;

/** Parses the text after `pgstrata-ignore:`: ids separated by commas, then the reason. */
export function parseIgnore(rest: string): { rules: string[]; reason: string } {
  const rules: string[] = [];
  let text = rest.trim();
  for (;;) {
    const m = RULE_ID.exec(text);
    if (!m) break;
    rules.push(m[0]);
    text = text.slice(m[0].length);
    const comma = /^\s*,\s*/.exec(text);
    if (!comma) break;
    text = text.slice(comma[0].length);
  }
  // The reason follows a dash, an em or en dash, a colon, or just a space.
  const reason = text.replace(/^\s*(?:--|[—–:-])?\s*/, '').trim();
  return { rules, reason };
}

export interface IgnoreProblem {
  rule: 'unused-ignore' | 'ignore-without-reason';
  comment: Pick<IgnoreComment, 'line' | 'column'>;
  message: string;
  fix?: string;
}

/** The ignore comments of a file, looked up by the line of the statement they precede. */
export class FileIgnores {
  private readonly lines: string[];
  private readonly all: IgnoreComment[] = [];
  private readonly byLine = new Map<number, IgnoreComment>();
  /** Where a /* pgstrata-ignore … *\/ comment starts: [line, column]. */
  private readonly blocks: [number, number][] = [];

  constructor(text: string) {
    this.lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    this.lines.forEach((l, i) => {
      const block = BLOCK_IGNORE.exec(l);
      if (block) this.blocks.push([i + 1, block.index + 1]);
      const m = IGNORE.exec(l);
      if (!m) return;
      const c: IgnoreComment = { line: i + 1, column: m[1]!.length + 1, ...parseIgnore(m[2]!), used: new Set() };
      this.all.push(c);
      this.byLine.set(c.line, c);
    });
  }

  /** Ignore comments in the run of comment lines just above `line` (1-based). */
  private above(line: number): IgnoreComment[] {
    const out: IgnoreComment[] = [];
    for (let l = line - 1; l >= 1 && /^\s*--/.test(this.lines[l - 1]!); l--) {
      const c = this.byLine.get(l);
      if (c) out.push(c);
    }
    return out;
  }

  /**
   * True (and the comment marked used) when a comment above one of `lines` names `rule`: the
   * statement's first line, or the finding's own line inside it.
   */
  silences(lines: readonly number[], rule: string): boolean {
    for (const line of new Set(lines)) {
      const c = this.above(line).find((x) => x.rules.includes(rule));
      if (!c) continue;
      c.used.add(rule);
      return true;
    }
    return false;
  }

  /** Problems with the comments themselves, once every finding has been matched. */
  problems(): IgnoreProblem[] {
    const out: IgnoreProblem[] = [];
    for (const [line, column] of this.blocks) {
      out.push({ rule: 'unused-ignore', comment: { line, column }, message: 'pgstrata-ignore in a /* */ comment is not read: only `--` comments silence findings', fix: 'Write it as a `--` comment on the line above the statement: `-- pgstrata-ignore: <rule-id> — why`.' });
    }
    for (const c of this.all) {
      if (c.rules.length === 0) {
        out.push({ rule: 'unused-ignore', comment: c, message: 'pgstrata-ignore names no rule id' });
        continue;
      }
      for (const r of c.rules) {
        // Only a trace (check --roundtrip --trace) finds these; the comment may wait for one.
        if (c.used.has(r) || (isRule(r) && ruleInfo(r).traced)) continue;
        const why = isRule(r) ? `the statement below has no ${r} finding` : `"${r}" is not a rule id`;
        out.push({ rule: 'unused-ignore', comment: c, message: `pgstrata-ignore: ${r} silences nothing: ${why}` });
      }
      if (c.reason === '') out.push({ rule: 'ignore-without-reason', comment: c, message: `pgstrata-ignore: ${c.rules.join(', ')} gives no reason` });
    }
    return out;
  }
}
