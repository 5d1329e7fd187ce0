package org.mailtidy.imap;

/** The three forms of STORE (RFC 3501 section 6.4.6), always sent {@code .SILENT}. */
public enum StoreMode {
    ADD("+FLAGS.SILENT"), REMOVE("-FLAGS.SILENT"), REPLACE("FLAGS.SILENT");

    private final String item;

    StoreMode(String item) {
        this.item = item;
    }

    /** The message data item name, e.g. {@code +FLAGS.SILENT}. */
    public String item() {
        return item;
    }
}
