import { InputError } from "../../provider/core/errors";

/** The message of the InputError `fn` throws; fails the test if it throws nothing or something else. */
export function inputErrorOf(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as Error).message;
    }
    throw new Error("expected an InputError, got none");
}

/** `fn` is refused with the one message formula: `<who>: property = value…; fix: …`. */
export function expectRefused(fn: () => unknown, who: string, property: string, value: string, fixText: string): void {
    const message = inputErrorOf(fn);
    expect(message.startsWith(`${who}: `)).toBe(true);
    expect(message).toContain(`${property} = `);
    if (value) expect(message).toContain(value);
    expect(message.split("; fix: ")[1]).toContain(fixText);
}
