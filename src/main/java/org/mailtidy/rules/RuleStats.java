package org.mailtidy.rules;

/**
 * What one rule did in one mailbox run.
 *
 * @param matched      messages the rule matched (among those it saw)
 * @param flagsChanged messages whose flags the rule changed (compared with before the rule)
 * @param copied       messages copied
 * @param moved        messages moved or trashed
 * @param deleted      messages deleted
 */
public record RuleStats(String rule, int matched, int flagsChanged, int copied, int moved, int deleted) {
}
