package org.mailtidy.mail;

/** The three forms of STORE (RFC 3501 section 6.4.6), always sent {@code .SILENT}. */
public enum StoreMode {
    /** {@code +FLAGS.SILENT}. */
    ADD("+FLAGS.SILENT"),
    /** {@code -FLAGS.SILENT}. */
    REMOVE("-FLAGS.SILENT"),
    /** {@code FLAGS.SILENT}: replace. */
    REPLACE("FLAGS.SILENT");

    private final String item;

    StoreMode(String item) {
        this.item = item;
    }

    /** The message data item name, e.g. {@code +FLAGS.SILENT}. */
    public String item() {
        return item;
    }
}
