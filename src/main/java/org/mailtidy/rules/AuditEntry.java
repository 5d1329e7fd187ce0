package org.mailtidy.rules;

/**
 * One change to one message by one rule, for the audit log.
 *
 * @param action e.g. {@code "add_flags \Seen"}, {@code "remove_flags $Todo"}, {@code "set_flags \Seen Invoice"},
 *               {@code "copy_to Archive"}, {@code "move_to Archive"}, {@code "trash Trash"}, {@code "delete"}
 */
public record AuditEntry(long uid, String rule, String action) {
}
