import { InputError } from "../../provider/util/errors";

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
