/**
 * Seeded random strings for property-style tests (no dependency): values a password may hold,
 * weighted towards what breaks quoting and redaction (quotes, backslashes, `$`, `${`, comment
 * markers, line breaks, tabs, non-ASCII including astral characters).
 */

/** mulberry32: a small, fast, seeded generator; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const PIECES = [
    "'",
    "''",
    '"',
    "\\",
    "\\\\",
    "$",
    "${",
    "${A}",
    "$${A}",
    "}",
    "`",
    "--",
    "/*",
    "*/",
    ";",
    "\n",
    "\t",
    "\r",
    " ",
    "é",
    "ß",
    "中文",
    "😀",
    "🔑",
    "U&'",
    "\\0041",
    "%",
    "+",
    "&",
    "=",
    "a",
    "Z",
    "9",
    "#",
    "<",
    ">",
];

/** A random value of up to `maxPieces` pieces, mixing special pieces and ASCII letters. */
export function randomValue(rnd: () => number, maxPieces = 12): string {
    const n = Math.floor(rnd() * (maxPieces + 1));
    let out = "";
    for (let i = 0; i < n; i++) {
        out += rnd() < 0.6 ? PIECES[Math.floor(rnd() * PIECES.length)] : String.fromCharCode(33 + Math.floor(rnd() * 94));
    }
    return out;
}
