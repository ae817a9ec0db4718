// @ts-check
/**
 * The kernel compiler: turns each `function*` of a module that starts with the directive
 * 'use kernel' into a resumable procedure (see runtime.ts and docs/design.md).
 *
 * Why: the explorer must store and restore every thread's state as data (a stateful search),
 * while kernel code must read like the C. So kernel code is written as structured generators,
 * and this compiler lowers each one to a control-flow graph of blocks. Locals live in the
 * frame (`frame.l`), the resumption point is a block label (`frame.pc`), and every `yield*`
 * call site ends a block. A liveness analysis records, for every resumption label, which
 * locals are live, so dead locals are not part of the state (SPEC, "Step granularity").
 *
 * Written in plain JavaScript (checked with @ts-check) so the Node loader can import it
 * before any TypeScript is available.
 *
 * Supported inside kernel generators: let/const/var with identifier names, expression
 * statements, if/else, while, do-while, for(;;), for-of/for-in without yields, switch,
 * labelled statements, break/continue, return, throw, blocks; `yield* f(args)` anywhere an
 * operand may stand, including under && || ?? ?: and inside calls. Not supported (a clear
 * compile error): plain `yield`, destructuring declarations, nested generators, a yield inside
 * try/catch or a template literal, and a block-scoped local shadowing another local.
 */
import ts from 'typescript';

export class KernelCompileError extends Error {}

const DIRECTIVE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use kernel\1/;

/** @param {string} text */
export function hasKernelDirective(text) {
  return DIRECTIVE.test(text);
}

const CITE_RE = /([A-Za-z_][A-Za-z0-9_]*\.[ch]:\d+(?:-\d+)?(?:,\s*\d+(?:-\d+)?)*)/;

/**
 * @param {string} text       module source (TypeScript or JavaScript)
 * @param {string} fileName   for error messages and traces
 * @param {string} runtimeSpecifier  how the output imports runtime.ts
 * @returns {string} the module with every generator replaced (still TypeScript if it was)
 */
export function compileKernelModule(text, fileName, runtimeSpecifier) {
  const isTs = /\.[cm]?tsx?$/.test(fileName);
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const lines = text.split('\n');
  /** @type {{start:number,end:number,text:string}[]} */
  const edits = [];
  let counter = 0;

  /** @param {ts.Node} node */
  function visit(node) {
    if (ts.isMethodDeclaration(node) && node.asteriskToken && node.body && !ts.isObjectLiteralExpression(node.parent)) {
      throw err(sf, node, 'kernel generator methods are supported in object literals (a patch module\'s default export), not in classes');
    }
    if (ts.isMethodDeclaration(node) && node.asteriskToken && node.body) {
      // `{ *bio_track_rel(track) { ... } }` in a patch module's default export
      if (!ts.isIdentifier(node.name) && !ts.isStringLiteral(node.name)) throw err(sf, node, 'a kernel generator method needs a plain name');
      let compiled = new ProcCompiler(sf, lines, /** @type {any} */ (node), fileName).compile();
      if (!isTs) compiled = compiled.replace('function (__f: any): number', 'function (__f)');
      edits.push({ start: node.getStart(sf), end: node.end, text: `${JSON.stringify(node.name.text)}: __vfsm_rt.procExpr(${compiled})` });
      return;
    }
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.asteriskToken) {
      let compiled = new ProcCompiler(sf, lines, node, fileName).compile();
      if (!isTs) compiled = compiled.replace('function (__f: any): number', 'function (__f)');
      const name = node.name ? node.name.text : `anonymous_${++counter}`;
      if (ts.isFunctionDeclaration(node)) {
        if (!node.name) throw err(sf, node, 'a kernel generator declaration needs a name');
        const mods = (node.modifiers ?? []).map((m) => m.getText(sf)).join(' ');
        const stub = isTs
          ? `${mods ? mods + ' ' : ''}function ${name}(..._args: any[]): any { return __vfsm_rt.directCall(${JSON.stringify(name)}); }\n` +
            `__vfsm_rt.defineProc(${name} as any, ${compiled});`
          : `${mods ? mods + ' ' : ''}function ${name}(..._args) { return __vfsm_rt.directCall(${JSON.stringify(name)}); }\n` +
            `__vfsm_rt.defineProc(${name}, ${compiled});`;
        edits.push({ start: node.getStart(sf), end: node.end, text: stub });
      } else {
        edits.push({ start: node.getStart(sf), end: node.end, text: `__vfsm_rt.procExpr(${compiled})` });
      }
      return; // nested generators are rejected by ProcCompiler
    }
    ts.forEachChild(node, visit);
  }
  visit(sf);
  if (edits.length === 0) return text;
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // The import goes after the directive so the directive stays first.
  const m = DIRECTIVE.exec(out);
  const at = m ? m.index + m[0].length + 1 : 0;
  return out.slice(0, at) + `\nimport * as __vfsm_rt from ${JSON.stringify(runtimeSpecifier)};\n` + out.slice(at);
}

/** @param {ts.SourceFile} sf @param {ts.Node} node @param {string} msg */
function err(sf, node, msg) {
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return new KernelCompileError(`${sf.fileName}:${line + 1}:${character + 1}: ${msg}`);
}

/**
 * Does an optional chain (`a?.b(...)`, `a?.[i]`) contain a yield* that its short-circuit would
 * skip? (A yield in the chain's base is evaluated anyway and is fine.)
 * @param {ts.Expression} n @param {{ hasYield(n: ts.Node): boolean }} c
 */
function optionalChainSkipsYield(n, c) {
  if (!(n.flags & ts.NodeFlags.OptionalChain)) return false;
  if (ts.isCallExpression(n)) return n.arguments.some((a) => c.hasYield(a)) || optionalChainSkipsYield(n.expression, c);
  if (ts.isElementAccessExpression(n)) return c.hasYield(n.argumentExpression) || optionalChainSkipsYield(n.expression, c);
  if (ts.isPropertyAccessExpression(n)) return optionalChainSkipsYield(n.expression, c);
  return false;
}

/** @param {ts.Node} n */
function isFunctionLike(n) {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n) || ts.isConstructorDeclaration(n) ||
    ts.isClassDeclaration(n) || ts.isClassExpression(n);
}

/**
 * @typedef {{kind:'jump', to:Block} | {kind:'branch', cond:string, t:Block, f:Block} |
 *   {kind:'site', callee:string, args:string[], resume:Block, info:{line:number,cite:string,text:string}} |
 *   {kind:'ret', value:string}} Term
 * @typedef {{id:number, lines:string[], ev:Array<[0|1, number]>, term: Term | null}} Block
 * @typedef {{breakTo: Block, continueTo: Block | null, labels: string[], block?: boolean}} LoopCtx
 */

class ProcCompiler {
  /**
   * @param {ts.SourceFile} sf @param {string[]} lines
   * @param {ts.FunctionDeclaration | ts.FunctionExpression} fn @param {string} fileName
   */
  constructor(sf, lines, fn, fileName) {
    this.sf = sf;
    this.lines = lines;
    this.fn = fn;
    this.fileName = fileName;
    this.name = fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name)) ? fn.name.text : 'anonymous';
    /** @type {Map<string, number>} */
    this.slots = new Map();
    /** @type {string[]} */
    this.localNames = [];
    /** @type {Block[]} */
    this.blocks = [];
    /** @type {Set<ts.Node>} nodes containing a yield (not through a nested function) */
    this.yieldy = new Set();
    /** @type {LoopCtx[]} */
    this.loops = [];
    /** @type {ts.Node[]} closures inside the body (checked after collection) */
    this.closures = [];
    /** @type {string[]} labels waiting for the next loop */
    this.pendingLabels = [];
    this.ntemps = 0;
    this.procCite = this.headerCite();
    this.cur = this.newBlock();
  }

  headerCite() {
    const full = this.sf.getFullText();
    const ranges = ts.getLeadingCommentRanges(full, this.fn.getFullStart()) ?? [];
    let node = /** @type {ts.Node} */ (this.fn);
    // `export const x = { f: function* ... }` etc.: also look at the enclosing statement / property.
    const more = [];
    for (let p = node.parent, i = 0; p && i < 3; p = p.parent, i++) more.push(...(ts.getLeadingCommentRanges(full, p.getFullStart()) ?? []));
    for (const r of [...ranges, ...more]) {
      const m = CITE_RE.exec(full.slice(r.pos, r.end));
      if (m) return m[1];
    }
    return `${this.fileName.split('/').pop()}:${this.sf.getLineAndCharacterOfPosition(this.fn.getStart(this.sf)).line + 1}`;
  }

  /** @param {ts.Node} node @param {string} msg */
  err(node, msg) {
    return err(this.sf, node, `${this.name}: ${msg}`);
  }

  /** @returns {Block} */
  newBlock() {
    const b = { id: this.blocks.length, lines: [], ev: /** @type {Array<[0|1, number]>} */ ([]), term: null };
    this.blocks.push(b);
    return b;
  }

  /** @param {Block} b */
  setCur(b) {
    this.cur = b;
  }

  /** Ends the current block. Statements after a return/break land in a fresh unreachable block. @param {Term} t */
  terminate(t) {
    if (this.cur.term) return;
    this.cur.term = t;
  }

  ensureOpen() {
    if (this.cur.term) this.cur = this.newBlock();
  }

  /** @param {string} line */
  emit(line) {
    this.ensureOpen();
    this.cur.lines.push(line);
  }

  /** @param {string} name */
  use(name) {
    const s = this.slots.get(name);
    if (s !== undefined) this.cur.ev.push([0, s]);
  }

  /** @param {string} name */
  def(name) {
    const s = this.slots.get(name);
    if (s !== undefined) this.cur.ev.push([1, s]);
  }

  /** Record a use of every local referenced in `node` (conservative: any identifier with a local's name). @param {ts.Node} node */
  usesIn(node) {
    const walk = (/** @type {ts.Node} */ n) => {
      if (ts.isTypeNode(n)) return;
      if (ts.isIdentifier(n)) {
        const p = n.parent;
        if (p && ts.isPropertyAccessExpression(p) && p.name === n) return;
        if (p && (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n) return;
        this.use(n.text);
        return;
      }
      ts.forEachChild(n, walk);
    };
    walk(node);
  }

  /**
   * Records a use of every local named in lowered expression text (conservatively: property
   * names that happen to match a local also count).
   * @param {string} text
   */
  usesInText(text) {
    for (const m of text.matchAll(/(^|[^.\w$])([A-Za-z_$][\w$]*)/g)) this.use(m[2]);
  }

  newTemp() {
    const name = `__t${this.ntemps++}`;
    this.addSlot(name);
    return name;
  }

  /** @param {string} name */
  addSlot(name) {
    if (!this.slots.has(name)) {
      this.slots.set(name, this.localNames.length);
      this.localNames.push(name);
    }
  }

  // ---------------------------------------------------------------- analysis

  collect() {
    for (const p of this.fn.parameters) {
      if (!ts.isIdentifier(p.name)) throw this.err(p, 'destructuring parameters are not supported in kernel functions');
      if (p.initializer) throw this.err(p, 'default parameter values are not supported in kernel functions');
      if (p.dotDotDotToken) throw this.err(p, 'rest parameters are not supported in kernel functions');
      this.addSlot(p.name.text);
    }
    this.nparams = this.fn.parameters.length;
    /** @type {Array<Set<string>>} */
    const scopes = [new Set(this.fn.parameters.map((p) => /** @type {ts.Identifier} */ (p.name).text))];
    const declare = (/** @type {ts.Identifier} */ id) => {
      for (const s of scopes) if (s.has(id.text)) throw this.err(id, `local '${id.text}' shadows another local of the same name; rename it`);
      scopes[scopes.length - 1].add(id.text);
      this.addSlot(id.text);
    };
    const walk = (/** @type {ts.Node} */ n) => {
      if (isFunctionLike(n)) {
        if ((ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n)) && n.asteriskToken) throw this.err(n, 'nested generator functions are not supported');
        if (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) throw this.err(n, 'declare helper functions and classes at module level, not inside a kernel function');
        // A closure that uses the frame's locals may only be passed directly as a call argument
        // (a callback used within the step): the locals are reloaded after every call site, so
        // a closure kept anywhere would see stale copies. Checked once all locals are known.
        this.closures.push(n);
        return;
      }
      if (ts.isYieldExpression(n)) {
        if (!n.asteriskToken) throw this.err(n, "plain 'yield' is not supported: call kernel functions and primitives with 'yield*'");
        if (!n.expression || !ts.isCallExpression(n.expression)) throw this.err(n, "'yield*' must be applied to a call: yield* f(args)");
        for (let p = n.parent; p && p !== this.fn; p = p.parent) this.yieldy.add(p);
        this.yieldy.add(n);
      }
      if (ts.isTryStatement(n)) {
        // checked after the walk (yieldy is filled bottom-up)
      }
      const opensScope = ts.isBlock(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isCaseBlock(n);
      if (opensScope) scopes.push(new Set());
      if (ts.isVariableDeclaration(n)) {
        if (!ts.isIdentifier(n.name)) throw this.err(n, 'destructuring declarations are not supported in kernel functions');
        declare(n.name);
      }
      ts.forEachChild(n, walk);
      if (opensScope) scopes.pop();
    };
    if (!this.fn.body) throw this.err(this.fn, 'kernel function without a body');
    // The function body's own block shares the parameters' scope.
    for (const st of this.fn.body.statements) walk(st);
    const checkTry = (/** @type {ts.Node} */ n) => {
      if (isFunctionLike(n)) return;
      if (ts.isTryStatement(n) && this.yieldy.has(n)) throw this.err(n, "'yield*' inside try/catch/finally is not supported");
      if ((ts.isTemplateExpression(n) || ts.isTaggedTemplateExpression(n)) && this.yieldy.has(n)) throw this.err(n, "'yield*' inside a template literal is not supported");
      ts.forEachChild(n, checkTry);
    };
    checkTry(this.fn.body);
    // A closure must not assign the kernel function's locals (it would write a stale copy), and
    // one that reads them must be an immediate call argument.
    for (const c of this.closures) {
      let reads = false;
      const look = (/** @type {ts.Node} */ x) => {
        if (ts.isIdentifier(x) && this.slots.has(x.text) && !(x.parent && ts.isPropertyAccessExpression(x.parent) && x.parent.name === x)) reads = true;
        ts.forEachChild(x, look);
      };
      look(c);
      const p = c.parent;
      if (reads && !(p && ts.isCallExpression(p) && p.arguments.includes(/** @type {ts.Expression} */ (c)))) {
        throw this.err(c, 'a closure that uses the locals of a kernel function may only be passed directly as a call argument (it would see stale locals after a yield*)');
      }
      const bad = (/** @type {ts.Node} */ x) => {
        let target = null;
        if ((ts.isPrefixUnaryExpression(x) || ts.isPostfixUnaryExpression(x)) && (x.operator === ts.SyntaxKind.PlusPlusToken || x.operator === ts.SyntaxKind.MinusMinusToken)) target = x.operand;
        if (ts.isBinaryExpression(x) && x.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && x.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target = x.left;
        if (target && ts.isIdentifier(target) && this.slots.has(target.text)) throw this.err(x, `a closure may not assign the local '${target.text}' of a kernel function`);
        ts.forEachChild(x, bad);
      };
      bad(c);
    }
  }

  /** @param {ts.Node} n */
  hasYield(n) {
    return this.yieldy.has(n);
  }

  /**
   * Can `st` be emitted as written? Only if it has no yield, no return, and no break/continue
   * leaving it (those must go through the block graph).
   * @param {ts.Statement} st
   */
  verbatimOk(st) {
    if (this.hasYield(st)) return false;
    let ok = true;
    const walk = (/** @type {ts.Node} */ n, /** @type {number} */ loops, /** @type {number} */ switches, /** @type {Set<string>} */ labels) => {
      if (!ok || isFunctionLike(n)) return;
      if (ts.isReturnStatement(n)) { ok = false; return; }
      if (ts.isBreakStatement(n)) {
        if (n.label ? !labels.has(n.label.text) : loops + switches === 0) ok = false;
        return;
      }
      if (ts.isContinueStatement(n)) {
        if (n.label ? !labels.has(n.label.text) : loops === 0) ok = false;
        return;
      }
      if (ts.isLabeledStatement(n)) {
        const l2 = new Set(labels);
        l2.add(n.label.text);
        walk(n.statement, loops, switches, l2);
        return;
      }
      const isLoop = ts.isIterationStatement(n, false);
      const isSwitch = ts.isSwitchStatement(n);
      ts.forEachChild(n, (c) => walk(c, loops + (isLoop ? 1 : 0), switches + (isSwitch ? 1 : 0), labels));
    };
    walk(st, 0, 0, new Set());
    return ok;
  }

  // ---------------------------------------------------------------- expressions

  /** @param {ts.Node} node */
  text(node) {
    return node.getText(this.sf);
  }

  /** @param {ts.Node} node */
  siteInfo(node) {
    const { line } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    const src = this.lines[line] ?? '';
    const commentAt = src.indexOf('//');
    let cite = null;
    if (commentAt >= 0) {
      const m = CITE_RE.exec(src.slice(commentAt));
      if (m) cite = m[1];
    }
    for (let k = line - 1; !cite && k >= 0 && k >= line - 3; k--) {
      const t = (this.lines[k] ?? '').trim();
      if (!t.startsWith('//') && !t.startsWith('*') && !t.startsWith('/*')) break;
      const m = CITE_RE.exec(t);
      if (m) cite = m[1];
    }
    const call = /** @type {ts.CallExpression} */ (/** @type {ts.YieldExpression} */ (node).expression);
    // Without a seed citation on (or just above) the line, the site is named by its own source line.
    return { line: line + 1, cite: cite ?? `${this.fileName.split(/[\\/]/).pop()}:${line + 1}`, text: this.text(call).replace(/\s+/g, ' ') };
  }

  /**
   * Evaluates operands left to right. Operands before the last one that contains a yield are
   * saved in temps first, so the yield (which ends the block) cannot reorder them.
   * @param {readonly ts.Expression[]} nodes @returns {string[]}
   */
  operands(nodes) {
    let last = -1;
    nodes.forEach((n, i) => { if (this.hasYield(n)) last = i; });
    const texts = nodes.map((n, i) => {
      const t = this.expr(n);
      if (i < last && !this.isStable(n, nodes.slice(i + 1, last + 1))) {
        const tmp = this.newTemp();
        this.emit(`${tmp} = ${t};`);
        this.def(tmp);
        return tmp;
      }
      return t;
    });
    // The texts are placed in the block current now (after the last call site): record their
    // uses here too, so liveness keeps them across that site.
    for (let i = 0; i < last; i++) this.usesInText(texts[i]);
    return texts;
  }

  /**
   * Literals and module-level names do not change across a call site, nor do locals that no
   * later operand updates (a callee cannot touch this frame's locals).
   * @param {ts.Expression} n @param {readonly ts.Expression[]} later
   */
  isStable(n, later) {
    if (ts.isLiteralExpression(n) || n.kind === ts.SyntaxKind.TrueKeyword || n.kind === ts.SyntaxKind.FalseKeyword || n.kind === ts.SyntaxKind.NullKeyword) return true;
    if (!ts.isIdentifier(n)) return false;
    // Module-level names (imports, constants, helpers like Math) are constants to kernel code:
    // all shared state lives in registered objects.
    if (!this.slots.has(n.text)) return true;
    const name = n.text;
    let updated = false;
    const walk = (/** @type {ts.Node} */ x) => {
      if (updated) return;
      if ((ts.isPrefixUnaryExpression(x) || ts.isPostfixUnaryExpression(x)) && (x.operator === ts.SyntaxKind.PlusPlusToken || x.operator === ts.SyntaxKind.MinusMinusToken) && ts.isIdentifier(x.operand) && x.operand.text === name) updated = true;
      if (ts.isBinaryExpression(x) && x.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && x.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(x.left) && x.left.text === name) updated = true;
      ts.forEachChild(x, walk);
    };
    for (const l of later) walk(l);
    return !updated;
  }

  /**
   * Lowers an expression; returns JavaScript text valid in the block current on return (whose
   * uses have been recorded in that block).
   * @param {ts.Expression} n @param {boolean} [discard] the value is not needed
   * @returns {string}
   */
  expr(n, discard = false) {
    if (!this.hasYield(n)) {
      this.ensureOpen();
      this.usesIn(n);
      return this.text(n);
    }
    if (ts.isYieldExpression(n)) {
      const call = /** @type {ts.CallExpression} */ (n.expression);
      const info = this.siteInfo(n);
      const [callee, ...args] = this.operands([call.expression, ...call.arguments]);
      const resume = this.newBlock();
      this.terminate({ kind: 'site', callee, args, resume, info });
      this.setCur(resume);
      if (discard) return 'undefined';
      const t = this.newTemp();
      this.emit(`${t} = __f.ret;`);
      this.def(t);
      this.use(t);
      return t;
    }
    if (ts.isParenthesizedExpression(n)) return `(${this.expr(n.expression, discard)})`;
    if (ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isTypeAssertionExpression(n) || ts.isSatisfiesExpression(n)) {
      return this.expr(n.expression, discard);
    }
    if (ts.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        const t = this.newTemp();
        const l = this.expr(n.left);
        this.emit(`${t} = ${l};`);
        this.def(t);
        const evalRight = this.newBlock();
        const join = this.newBlock();
        this.use(t);
        const cond = op === ts.SyntaxKind.AmpersandAmpersandToken ? t : op === ts.SyntaxKind.BarBarToken ? `!${t}` : `${t} == null`;
        this.terminate({ kind: 'branch', cond, t: evalRight, f: join });
        this.setCur(evalRight);
        const r = this.expr(n.right);
        this.emit(`${t} = ${r};`);
        this.def(t);
        this.terminate({ kind: 'jump', to: join });
        this.setCur(join);
        this.use(t);
        return t;
      }
      if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) {
        const opText = n.operatorToken.getText(this.sf);
        const lhs = n.left;
        if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken) {
          throw this.err(n, 'logical assignment (??= ||= &&=) around yield* is not supported: write the if');
        }
        if (ts.isIdentifier(lhs)) {
          // Inside the yield path the assignment is evaluated unconditionally where its text is
          // placed (short-circuits and ?: were lowered to blocks), so `x = ...` kills x.
          if (op === ts.SyntaxKind.EqualsToken) {
            const r = this.expr(n.right);
            this.def(lhs.text);
            return `(${lhs.text} = ${r})`;
          }
          // `x op= rhs` reads x before rhs: for a local nothing can change it meanwhile; a
          // module-level variable is read into a temporary first.
          if (this.slots.has(lhs.text)) {
            const r = this.expr(n.right);
            this.use(lhs.text);
            this.def(lhs.text);
            return `(${lhs.text} ${opText} ${r})`;
          }
          const old = this.newTemp();
          this.emit(`${old} = ${lhs.text};`);
          this.def(old);
          const r = this.expr(n.right);
          this.use(old);
          return `(${lhs.text} = ${old} ${opText.slice(0, -1)} ${r})`;
        }
        if (ts.isPropertyAccessExpression(lhs) || ts.isElementAccessExpression(lhs)) {
          // JavaScript evaluates the target (and, for `op=`, reads its old value) before the
          // right-hand side: save both before the right side's call site.
          // A local target object cannot change across the call site: use it as is (copying it
          // would make two locals share one array, which state capture does not allow).
          const direct = ts.isIdentifier(lhs.expression) && this.slots.has(lhs.expression.text) && this.isStable(lhs.expression, [n.right]);
          const o = direct ? /** @type {ts.Identifier} */ (lhs.expression).text : this.newTemp();
          if (!direct) {
            this.emit(`${o} = ${this.expr(lhs.expression)};`);
            this.def(o);
          }
          let target = `${o}.${ts.isPropertyAccessExpression(lhs) ? lhs.name.text : ''}`;
          if (ts.isElementAccessExpression(lhs)) {
            const k = this.newTemp();
            this.emit(`${k} = ${this.expr(lhs.argumentExpression)};`);
            this.def(k);
            target = `${o}[${k}]`;
            this.use(k);
          }
          this.use(o);
          if (op === ts.SyntaxKind.EqualsToken) {
            const r = this.expr(n.right);
            this.use(o);
            if (ts.isElementAccessExpression(lhs)) this.use(target.slice(target.indexOf('[') + 1, -1));
            return `(${target} = ${r})`;
          }
          if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken) {
            throw this.err(n, 'logical assignment (??= ||= &&=) around yield* is not supported');
          }
          const old = this.newTemp();
          this.emit(`${old} = ${target};`);
          this.def(old);
          const r = this.expr(n.right);
          this.use(o);
          if (ts.isElementAccessExpression(lhs)) this.use(target.slice(target.indexOf('[') + 1, -1));
          this.use(old);
          const binop = opText.slice(0, -1);
          return `(${target} = ${old} ${binop} ${r})`;
        }
        throw this.err(n, 'unsupported assignment target around yield*');
      }
      if (op === ts.SyntaxKind.CommaToken) {
        this.expr(n.left, true);
        return this.expr(n.right, discard);
      }
      const [l, r] = this.operands([n.left, n.right]);
      return `(${l} ${n.operatorToken.getText(this.sf)} ${r})`;
    }
    if (ts.isPrefixUnaryExpression(n)) {
      if (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) throw this.err(n, '++/-- around yield* is not supported');
      return `(${ts.tokenToString(n.operator)}${this.expr(n.operand)})`;
    }
    if (ts.isConditionalExpression(n)) {
      const t = this.newTemp();
      const c = this.expr(n.condition);
      const bt = this.newBlock();
      const bf = this.newBlock();
      const join = this.newBlock();
      this.terminate({ kind: 'branch', cond: c, t: bt, f: bf });
      this.setCur(bt);
      this.emit(`${t} = ${this.expr(n.whenTrue)};`);
      this.def(t);
      this.terminate({ kind: 'jump', to: join });
      this.setCur(bf);
      this.emit(`${t} = ${this.expr(n.whenFalse)};`);
      this.def(t);
      this.terminate({ kind: 'jump', to: join });
      this.setCur(join);
      this.use(t);
      return t;
    }
    if ((ts.isCallExpression(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && optionalChainSkipsYield(n, this)) {
      throw this.err(n, 'yield* inside an optional chain (?.) is not supported: it could be skipped; write the if');
    }
    if (ts.isCallExpression(n)) {
      const call = n.questionDotToken ? '?.(' : '(';
      if (ts.isPropertyAccessExpression(n.expression)) {
        const [o, ...args] = this.operands([n.expression.expression, ...n.arguments]);
        return `${o}${n.expression.questionDotToken ? '?.' : '.'}${n.expression.name.text}${call}${args.join(', ')})`;
      }
      const [c, ...args] = this.operands([n.expression, ...n.arguments]);
      return `${c}${call}${args.join(', ')})`;
    }
    if (ts.isPropertyAccessExpression(n)) return `${this.expr(n.expression)}${n.questionDotToken ? '?.' : '.'}${n.name.text}`;
    if (ts.isElementAccessExpression(n)) {
      const [o, i] = this.operands([n.expression, n.argumentExpression]);
      return `${o}${n.questionDotToken ? '?.' : ''}[${i}]`;
    }
    if (ts.isArrayLiteralExpression(n)) {
      if (n.elements.some((e) => ts.isSpreadElement(e))) throw this.err(n, 'spread around yield* is not supported');
      return `[${this.operands(n.elements).join(', ')}]`;
    }
    if (ts.isObjectLiteralExpression(n)) {
      const props = n.properties.map((p) => {
        if (!ts.isPropertyAssignment(p) || ts.isComputedPropertyName(p.name)) throw this.err(p, 'only plain properties may surround yield* in an object literal');
        return p;
      });
      const vals = this.operands(props.map((p) => p.initializer));
      return `{ ${props.map((p, i) => `${p.name.getText(this.sf)}: ${vals[i]}`).join(', ')} }`;
    }
    throw this.err(n, `unsupported position of yield* (inside ${ts.SyntaxKind[n.kind]})`);
  }

  // ---------------------------------------------------------------- statements

  /** @param {readonly ts.Statement[]} sts */
  stmts(sts) {
    for (const s of sts) this.stmt(s);
  }

  /** @param {ts.Statement} s */
  stmt(s) {
    if (ts.isBlock(s)) return this.stmts(s.statements);
    if (ts.isEmptyStatement(s)) return;
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        const name = /** @type {ts.Identifier} */ (d.name).text;
        const v = d.initializer ? this.expr(d.initializer) : 'undefined';
        this.emit(`${name} = ${v};`);
        this.def(name);
      }
      return;
    }
    if (ts.isExpressionStatement(s)) {
      const e = s.expression;
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(e.left) && this.slots.has(e.left.text)) {
        const v = this.expr(e.right);
        this.emit(`${e.left.text} = ${v};`);
        this.def(e.left.text);
        return;
      }
      if (ts.isYieldExpression(e)) {
        this.expr(e, true);
        return;
      }
      const t = this.expr(e, true);
      if (t !== 'undefined') this.emit(`${t};`);
      return;
    }
    if (this.verbatimOk(s) && !ts.isLabeledStatement(s)) {
      this.ensureOpen();
      this.usesIn(s);
      this.emit(this.text(s));
      return;
    }
    if (ts.isReturnStatement(s)) {
      const v = s.expression ? this.expr(s.expression) : 'undefined';
      this.terminate({ kind: 'ret', value: v });
      return;
    }
    if (ts.isThrowStatement(s)) {
      const v = this.expr(s.expression);
      this.emit(`throw ${v};`);
      return;
    }
    if (ts.isIfStatement(s)) {
      const c = this.expr(s.expression);
      const bt = this.newBlock();
      const join = this.newBlock();
      const bf = s.elseStatement ? this.newBlock() : join;
      this.terminate({ kind: 'branch', cond: c, t: bt, f: bf });
      this.setCur(bt);
      this.stmt(s.thenStatement);
      this.terminate({ kind: 'jump', to: join });
      if (s.elseStatement) {
        this.setCur(bf);
        this.stmt(s.elseStatement);
        this.terminate({ kind: 'jump', to: join });
      }
      this.setCur(join);
      return;
    }
    if (ts.isWhileStatement(s)) {
      const head = this.newBlock();
      const body = this.newBlock();
      const exit = this.newBlock();
      this.terminate({ kind: 'jump', to: head });
      this.setCur(head);
      const c = this.expr(s.expression);
      this.terminate({ kind: 'branch', cond: c, t: body, f: exit });
      this.loop(body, exit, head, s.statement);
      this.terminate({ kind: 'jump', to: head });
      this.setCur(exit);
      return;
    }
    if (ts.isDoStatement(s)) {
      const body = this.newBlock();
      const cond = this.newBlock();
      const exit = this.newBlock();
      this.terminate({ kind: 'jump', to: body });
      this.loop(body, exit, cond, s.statement);
      this.terminate({ kind: 'jump', to: cond });
      this.setCur(cond);
      const c = this.expr(s.expression);
      this.terminate({ kind: 'branch', cond: c, t: body, f: exit });
      this.setCur(exit);
      return;
    }
    if (ts.isForStatement(s)) {
      if (s.initializer) {
        if (ts.isVariableDeclarationList(s.initializer)) {
          for (const d of s.initializer.declarations) {
            const name = /** @type {ts.Identifier} */ (d.name).text;
            this.emit(`${name} = ${d.initializer ? this.expr(d.initializer) : 'undefined'};`);
            this.def(name);
          }
        } else {
          const t = this.expr(s.initializer, true);
          if (t !== 'undefined') this.emit(`${t};`);
        }
      }
      const head = this.newBlock();
      const body = this.newBlock();
      const incr = this.newBlock();
      const exit = this.newBlock();
      this.terminate({ kind: 'jump', to: head });
      this.setCur(head);
      if (s.condition) {
        const c = this.expr(s.condition);
        this.terminate({ kind: 'branch', cond: c, t: body, f: exit });
      } else {
        this.terminate({ kind: 'jump', to: body });
      }
      this.loop(body, exit, incr, s.statement);
      this.terminate({ kind: 'jump', to: incr });
      this.setCur(incr);
      if (s.incrementor) {
        const t = this.expr(s.incrementor, true);
        if (t !== 'undefined') this.emit(`${t};`);
      }
      this.terminate({ kind: 'jump', to: head });
      this.setCur(exit);
      return;
    }
    if (ts.isLabeledStatement(s)) {
      const inner = s.statement;
      if (ts.isIterationStatement(inner, false)) {
        this.pendingLabels.push(s.label.text);
        this.stmt(inner);
        return;
      }
      const exit = this.newBlock();
      this.loops.push({ breakTo: exit, continueTo: null, labels: [s.label.text], block: true });
      this.stmt(inner);
      this.loops.pop();
      this.terminate({ kind: 'jump', to: exit });
      this.setCur(exit);
      return;
    }
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      const isBreak = ts.isBreakStatement(s);
      const label = s.label?.text;
      for (let i = this.loops.length - 1; i >= 0; i--) {
        const c = this.loops[i];
        // An unlabelled break leaves the innermost loop or switch, never a labelled block.
        if (label ? c.labels.includes(label) : isBreak ? !c.block : c.continueTo) {
          if (!isBreak && !c.continueTo) throw this.err(s, `continue ${label} does not name a loop`);
          this.terminate({ kind: 'jump', to: isBreak ? c.breakTo : /** @type {Block} */ (c.continueTo) });
          return;
        }
      }
      throw this.err(s, `${isBreak ? 'break' : 'continue'} outside a loop`);
    }
    if (ts.isSwitchStatement(s)) {
      const d = this.newTemp();
      this.emit(`${d} = ${this.expr(s.expression)};`);
      this.def(d);
      const exit = this.newBlock();
      const clauses = s.caseBlock.clauses;
      const bodies = clauses.map(() => this.newBlock());
      let dflt = exit;
      clauses.forEach((c, i) => {
        if (ts.isDefaultClause(c)) { dflt = bodies[i]; return; }
        if (this.hasYield(c.expression)) throw this.err(c, 'yield* in a case label is not supported');
        this.usesIn(c.expression);
        this.use(d);
        const next = this.newBlock();
        this.terminate({ kind: 'branch', cond: `${d} === (${this.text(c.expression)})`, t: bodies[i], f: next });
        this.setCur(next);
      });
      this.terminate({ kind: 'jump', to: dflt });
      this.loops.push({ breakTo: exit, continueTo: null, labels: this.pendingLabels.splice(0) });
      clauses.forEach((c, i) => {
        this.setCur(bodies[i]);
        this.stmts(c.statements);
        this.terminate({ kind: 'jump', to: i + 1 < bodies.length ? bodies[i + 1] : exit });
      });
      this.loops.pop();
      this.setCur(exit);
      return;
    }
    if (ts.isFunctionDeclaration(s)) {
      this.emit(this.text(s));
      return;
    }
    throw this.err(s, `unsupported statement in a kernel function: ${ts.SyntaxKind[s.kind]}`);
  }

  /** @param {Block} body @param {Block} exit @param {Block} cont @param {ts.Statement} st */
  loop(body, exit, cont, st) {
    this.loops.push({ breakTo: exit, continueTo: cont, labels: this.pendingLabels.splice(0) });
    this.setCur(body);
    this.stmt(st);
    this.loops.pop();
  }

  // ---------------------------------------------------------------- liveness and emission

  /** Backward liveness over the block graph. @returns {Set<number>[]} live-in per block */
  liveness() {
    const n = this.blocks.length;
    const gen = this.blocks.map(() => new Set());
    const kill = this.blocks.map(() => new Set());
    const succ = this.blocks.map(() => /** @type {number[]} */ ([]));
    for (const b of this.blocks) {
      for (const [k, s] of b.ev) {
        if (k === 0 && !kill[b.id].has(s)) gen[b.id].add(s);
        if (k === 1) kill[b.id].add(s);
      }
      const t = b.term;
      if (!t) continue; // falls off the end: implicit return
      if (t.kind === 'jump') succ[b.id].push(t.to.id);
      else if (t.kind === 'branch') succ[b.id].push(t.t.id, t.f.id);
      else if (t.kind === 'site') succ[b.id].push(t.resume.id);
    }
    /** @type {Set<number>[]} */
    const liveIn = this.blocks.map(() => new Set());
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = n - 1; i >= 0; i--) {
        const out = new Set();
        for (const s of succ[i]) for (const v of liveIn[s]) out.add(v);
        const inn = new Set(gen[i]);
        for (const v of out) if (!kill[i].has(v)) inn.add(v);
        if (inn.size !== liveIn[i].size) {
          liveIn[i] = inn;
          changed = true;
        }
      }
    }
    return liveIn;
  }

  compile() {
    this.collect();
    if (!this.fn.body) throw this.err(this.fn, 'no body');
    this.stmts(this.fn.body.statements);
    this.terminate({ kind: 'ret', value: 'undefined' });
    for (const b of this.blocks) if (!b.term) b.term = { kind: 'ret', value: 'undefined' };
    // Site texts reference locals: record those uses in the block that ends with the site.
    const liveIn = this.liveness();
    const names = this.localNames;
    const save = names.map((nm, i) => `__l[${i}] = ${nm};`).join(' ');
    const load = names.length ? `var ${names.map((nm, i) => `${nm} = __l[${i}]`).join(', ')};` : '';
    /** @type {string[]} */
    const cases = [];
    /** @type {Record<number, number[]>} */
    const live = {};
    /** @type {Record<number, {line:number,cite:string,text:string}>} */
    const sites = {};
    live[0] = [...liveIn[0]].sort((a, b) => a - b);
    for (const b of this.blocks) {
      const t = /** @type {Term} */ (b.term);
      let end;
      switch (t.kind) {
        case 'jump': end = `__f.pc = ${t.to.id}; continue;`; break;
        case 'branch': end = `__f.pc = (${t.cond}) ? ${t.t.id} : ${t.f.id}; continue;`; break;
        case 'ret': end = `__f.rv = ${t.value}; ${save} return 2;`; break;
        case 'site':
          end = `__f.callee = ${t.callee}; __f.args = [${t.args.join(', ')}]; __f.pc = ${t.resume.id}; ${save} return 1;`;
          live[t.resume.id] = [...liveIn[t.resume.id]].sort((a, b) => a - b);
          sites[t.resume.id] = t.info;
          break;
      }
      cases.push(`case ${b.id}: {\n${b.lines.map((l) => '  ' + l).join('\n')}\n  ${end}\n}`);
    }
    const { line } = this.sf.getLineAndCharacterOfPosition(this.fn.getStart(this.sf));
    return `{
  name: ${JSON.stringify(this.name)},
  file: ${JSON.stringify(this.fileName)},
  line: ${line + 1},
  cite: ${JSON.stringify(this.procCite)},
  nparams: ${this.nparams},
  localNames: ${JSON.stringify(names)},
  live: ${JSON.stringify(live)},
  sites: ${JSON.stringify(sites)},
  run: function (__f: any): number {
    var __l = __f.l;
    ${load}
    for (;;) {
      switch (__f.pc) {
${cases.join('\n')}
        default: throw new Error(${JSON.stringify(this.name)} + ': bad resume label ' + __f.pc);
      }
    }
  }
}`;
  }
}
