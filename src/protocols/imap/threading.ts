// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 sections 2.1 and 3): pure functions over
// the messages a search returned, each with its Message-ID, References, base subject and sent date.

/** One message as threading sees it. */
export interface ThreadInput {
  /** What THREAD prints for it (sequence number or UID). */
  id: number;
  messageId: string | null;
  /** References ids, oldest first; In-Reply-To when there are none. */
  references: readonly string[];
  subject: string;
  /** Sent date (ms), the arrival date when there is none (RFC 5256 section 2.2). */
  date: number;
}

/** A thread node: a message, or a dummy (a referenced message that is not among the results). */
export interface ThreadNode {
  msg: ThreadInput | null;
  children: ThreadNode[];
}

const BLOB = String.raw`\[[^[\]]*\]\s*`;
const REFWD = new RegExp(String.raw`^(?:${BLOB})*(?:re|fwd?)\s*(?:${BLOB})?:\s*`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`);

/**
 * The base subject (RFC 5256 section 2.1), and whether the subject marked a reply or forward
 * (a `Re:`/`Fw:` leader or a `(fwd)` trailer), which subject merging needs.
 */
export function baseSubjectOf(subject: string): { base: string; reply: boolean } {
  let s = subject.replace(/[\t\r\n ]+/g, ' ').trim();
  let reply = false;
  for (;;) {
    // (2) trailers
    while (/\(fwd\)$/i.test(s)) {
      s = s.slice(0, -5).trim();
      reply = true;
    }
    // (3)-(5) leaders and leading blobs, until none is left
    for (;;) {
      const m = REFWD.exec(s);
      if (m) {
        s = s.slice(m[0].length);
        reply = true;
        continue;
      }
      const b = LEADING_BLOB.exec(s);
      if (b && b[0].length < s.length) {
        s = s.slice(b[0].length);
        continue;
      }
      break;
    }
    // (6) [fwd: ...]
    const f = /^\[fwd:(.*)\]$/i.exec(s);
    if (!f) break;
    s = f[1]!.trim();
    reply = true;
  }
  return { base: s.toLowerCase(), reply };
}

/** The base subject alone, case-folded (SORT SUBJECT, ORDEREDSUBJECT). */
export function baseSubject(subject: string): string {
  return baseSubjectOf(subject).base;
}

const byDate = (a: ThreadInput, b: ThreadInput) => a.date - b.date || a.id - b.id;

/** ORDEREDSUBJECT (RFC 5256 section 3): one thread per base subject, the rest as children of the first. */
export function threadOrderedSubject(list: readonly ThreadInput[]): ThreadNode[] {
  const groups = new Map<string, ThreadInput[]>();
  for (const m of [...list].sort(byDate)) {
    const k = baseSubject(m.subject);
    const g = groups.get(k) ?? [];
    g.push(m);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ msg: g[0]!, children: g.slice(1).map((msg) => ({ msg, children: [] })) }));
}

interface Container {
  msg: ThreadInput | null;
  parent: Container | null;
  children: Container[];
}

function reaches(from: Container, target: Container): boolean {
  for (let c: Container | null = from; c; c = c.parent) if (c === target) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  if (child.parent === parent || reaches(parent, child)) return;
  if (child.parent) child.parent.children = child.parent.children.filter((c) => c !== child);
  child.parent = parent;
  parent.children.push(child);
}

/** The date a container sorts by: its message's, or its first child's for a dummy. */
function sortDate(c: Container): ThreadInput | undefined {
  return c.msg ?? (c.children[0] ? sortDate(c.children[0]) : undefined);
}

function sortSiblings(list: Container[]): void {
  for (const c of list) sortSiblings(c.children);
  list.sort((a, b) => {
    const x = sortDate(a);
    const y = sortDate(b);
    return x && y ? byDate(x, y) : 0;
  });
}

/** REFERENCES (RFC 5256 section 3, the "REFERENCES" algorithm after Jamie Zawinski's). */
export function threadReferences(list: readonly ThreadInput[]): ThreadNode[] {
  // Step 1: a container per Message-ID, messages and the ids they refer to; links from References.
  const table = new Map<string, Container>();
  const all: Container[] = [];
  const containerFor = (id: string): Container => {
    let c = table.get(id);
    if (!c) {
      c = { msg: null, parent: null, children: [] };
      table.set(id, c);
      all.push(c);
    }
    return c;
  };
  let unique = 0;
  for (const m of list) {
    // (A) a duplicate or missing Message-ID gets an id of its own
    let id = m.messageId ?? '';
    if (!id || table.get(id)?.msg) id = `\0unique-${unique++}`;
    const own = containerFor(id);
    own.msg = m;
    // (B) chain the references, never making a loop, never re-parenting one already linked
    let prev: Container | null = null;
    for (const ref of m.references) {
      const c = containerFor(ref);
      if (prev && !c.parent && c !== prev) link(prev, c);
      prev = c;
    }
    // (C) the message's parent is the last reference (or none)
    if (prev && prev !== own && !reaches(prev, own)) link(prev, own);
    else if (!prev && own.parent) {
      own.parent.children = own.parent.children.filter((c) => c !== own);
      own.parent = null;
    }
  }
  // Step 2: the roots; step 4: prune dummies.
  let roots = all.filter((c) => !c.parent);
  const prune = (siblings: Container[], atRoot: boolean): Container[] => {
    const out: Container[] = [];
    for (const c of siblings) {
      c.children = prune(c.children, false);
      if (c.msg) out.push(c);
      else if (!c.children.length) continue;
      else if (!atRoot || c.children.length === 1) {
        for (const k of c.children) k.parent = c.parent;
        out.push(...c.children);
      } else out.push(c);
    }
    return out;
  };
  roots = prune(roots, true);
  // Step 5: sort the roots, then merge those with one base subject.
  sortSiblings(roots);
  const subjectOf = (c: Container) => baseSubjectOf((c.msg ?? c.children[0]?.msg)?.subject ?? '');
  const bySubject = new Map<string, Container>();
  for (const c of roots) {
    const { base, reply } = subjectOf(c);
    if (!base) continue;
    const old = bySubject.get(base);
    if (!old || (!c.msg && old.msg) || (old.msg && subjectOf(old).reply && c.msg && !reply)) bySubject.set(base, c);
  }
  const merged: Container[] = [];
  // Roots already placed under another (a host found later in date order takes them in first).
  const placed = new Set<Container>();
  for (const c of roots) {
    if (placed.has(c)) continue;
    const { base, reply } = subjectOf(c);
    const host = base ? bySubject.get(base) : undefined;
    if (!host || host === c) {
      merged.push(c);
      continue;
    }
    placed.add(c);
    if (!host.msg && !c.msg) host.children.push(...c.children);
    else if (!host.msg || (reply && !subjectOf(host).reply)) host.children.push(c);
    else {
      placed.add(host);
      // Neither is a reply of the other: both become children of a new dummy in the host's place.
      const dummy: Container = { msg: null, parent: null, children: [] };
      const at = merged.indexOf(host);
      dummy.children.push(host, c);
      bySubject.set(base, dummy);
      if (at >= 0) merged[at] = dummy;
      else merged.push(dummy);
    }
  }
  // Step 6: siblings by date, at every level.
  sortSiblings(merged);
  const out = (c: Container): ThreadNode => ({ msg: c.msg, children: c.children.map(out) });
  return merged.map(out);
}

/** The THREAD response body (RFC 5256 section 4): nested parenthesised lists; a dummy has no number. */
export function formatThreads(roots: readonly ThreadNode[]): string {
  const one = (n: ThreadNode): string => {
    const kids = n.children;
    const tail = kids.length === 1 ? one(kids[0]!) : kids.map((k) => `(${one(k)})`).join('');
    if (!n.msg) return tail;
    return kids.length ? `${n.msg.id} ${tail}` : String(n.msg.id);
  };
  return roots.map((r) => `(${one(r)})`).join('');
}
