/**
 * The import graph of the package's source, for the structure tests: every import of a set of
 * folders, parsed with the TypeScript parser (not a regular expression: comments, strings and
 * multi-line imports cannot fool it) and resolved to a file the way `tsc` resolves relative paths.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** One import: `from` and `to` are paths relative to the root (`to` undefined for packages and unresolved paths). */
export interface Import {
    from: string;
    specifier: string;
    to: string | undefined;
    /** `import type`, `export type … from`, or `import("…")` in a type position: erased at run time. */
    typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return tsFiles(p);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
    });
}

function resolveRelative(root: string, fromFile: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.resolve(path.dirname(fromFile), specifier);
    const hit = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
    return hit && path.relative(root, hit).split(path.sep).join("/");
}

/** The module specifiers a source file names, with whether each is type-only. */
function specifiersOf(source: ts.SourceFile): { specifier: string; typeOnly: boolean }[] {
    const found: { specifier: string; typeOnly: boolean }[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push({ specifier: node.moduleSpecifier.text, typeOnly: Boolean(node.importClause?.isTypeOnly) });
        } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
            found.push({ specifier: node.argument.literal.text, typeOnly: true });
        } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
            const callee = node.expression;
            const isRequire = ts.isIdentifier(callee) && callee.text === "require";
            if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword)
                found.push({ specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** Every import of the `.ts` files under `folders` (relative to `root`), in file order. */
export function importGraph(root: string, folders: readonly string[]): Import[] {
    return folders.flatMap((folder) =>
        tsFiles(path.join(root, folder)).flatMap((file) => {
            const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
            const from = path.relative(root, file).split(path.sep).join("/");
            return specifiersOf(source).map(({ specifier, typeOnly }) => ({ from, specifier, to: resolveRelative(root, file, specifier), typeOnly }));
        }),
    );
}

/** Strongly connected components of a directed graph (Tarjan); a component of 2+ nodes is a cycle. */
export function strongComponents(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const components: string[][] = [];
    const nodes = new Set([...graph.keys(), ...[...graph.values()].flat()]);
    const connect = (v: string): void => {
        index.set(v, index.size);
        low.set(v, index.get(v)!);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                connect(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            components.push(component);
        }
    };
    for (const v of nodes) if (!index.has(v)) connect(v);
    return components;
}
