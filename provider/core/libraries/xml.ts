/**
 * A minimal XML reader for Maven POMs: elements and their text, nothing else (attributes,
 * namespaces and processing instructions are skipped). POMs are plain data documents, so this
 * avoids a parser dependency for the few element names the resolver reads. Pure.
 */

/** One element: its local name, child elements in document order, and its own text (trimmed). */
export interface XmlElement {
    readonly name: string;
    readonly children: XmlElement[];
    text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
    return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
        if (ref[0] === "#") return String.fromCodePoint(ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
        return ENTITIES[ref] ?? whole;
    });
}

/** Parse an XML document into its root element; throws on malformed nesting. */
export function parseXml(xml: string): XmlElement {
    const root: XmlElement = { name: "#document", children: [], text: "" };
    const stack: XmlElement[] = [root];
    let i = 0;
    while (i < xml.length) {
        const lt = xml.indexOf("<", i);
        const top = stack[stack.length - 1];
        if (lt < 0) break;
        if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
        if (xml.startsWith("<!--", lt)) {
            i = skipPast(xml, lt, "-->");
        } else if (xml.startsWith("<![CDATA[", lt)) {
            const end = xml.indexOf("]]>", lt);
            if (end < 0) throw new Error("unterminated CDATA section");
            top.text += xml.slice(lt + 9, end);
            i = end + 3;
        } else if (xml.startsWith("<?", lt)) {
            i = skipPast(xml, lt, "?>");
        } else if (xml.startsWith("<!", lt)) {
            i = skipPast(xml, lt, ">");
        } else if (xml[lt + 1] === "/") {
            const gt = xml.indexOf(">", lt);
            const name = localName(xml.slice(lt + 2, gt).trim());
            if (stack.length < 2 || top.name !== name) throw new Error(`unexpected </${name}>`);
            top.text = top.text.trim();
            stack.pop();
            i = gt + 1;
        } else {
            const gt = tagEnd(xml, lt);
            const body = xml.slice(lt + 1, gt);
            const selfClosing = body.endsWith("/");
            const name = localName(body.replace(/\/$/, "").trim().split(/\s/)[0] ?? "");
            const el: XmlElement = { name, children: [], text: "" };
            top.children.push(el);
            if (!selfClosing) stack.push(el);
            i = gt + 1;
        }
    }
    if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
    const doc = root.children[0];
    if (!doc) throw new Error("no root element");
    return doc;
}

function skipPast(xml: string, from: number, marker: string): number {
    const end = xml.indexOf(marker, from);
    if (end < 0) throw new Error(`unterminated ${xml.slice(from, from + 4)}`);
    return end + marker.length;
}

/** The `>` closing a start tag, ignoring `>` inside quoted attribute values. */
function tagEnd(xml: string, lt: number): number {
    let quote = "";
    for (let j = lt + 1; j < xml.length; j++) {
        const c = xml[j];
        if (quote) {
            if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">") return j;
    }
    throw new Error("unterminated start tag");
}

const localName = (qname: string): string => qname.slice(qname.indexOf(":") + 1);

/** The first child element named `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
    return el?.children.find((c) => c.name === name);
}

/** The text of the first child named `name`, or undefined when absent or empty. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
    const text = child(el, name)?.text;
    return text === undefined || text === "" ? undefined : text;
}
