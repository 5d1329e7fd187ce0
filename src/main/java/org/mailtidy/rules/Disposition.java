package org.mailtidy.rules;

/** What a rule does with the message itself after its flag actions: nothing, delete, trash or move. */
public sealed interface Disposition {

    /** The message stays in the mailbox. */
    record Keep() implements Disposition {
    }

    /** {@code delete: true}: marked {@code \Deleted} and expunged (by UID) at the end of the run. */
    record Delete() implements Disposition {
    }

    /** {@code trash: true}: moved to the account's trash mailbox. */
    record Trash() implements Disposition {
    }

    /** {@code move_to}: moved to the named mailbox (UTF-8, {@code /} as separator). */
    record MoveTo(String mailbox) implements Disposition {
    }

    Disposition KEEP = new Keep();
    Disposition DELETE = new Delete();
    Disposition TRASH = new Trash();

    /** True when the message leaves the mailbox (so later rules no longer see it). */
    default boolean removesMessage() {
        return !(this instanceof Keep);
    }
}
