package org.mailtidy.rules;

import java.util.BitSet;

/**
 * Which messages (snapshot indexes) one rule's plan changes, per column of {@link RuleStats}: the
 * engine counts only those of them whose operations the server acknowledged. The bit sets are the
 * planner's own and must not be modified.
 *
 * @param flagsChanged messages whose flags the rule changed
 * @param copied       messages it copies ({@code copy_to})
 * @param moved        messages it moves or trashes
 * @param deleted      messages it deletes
 */
public record RuleEffects(String rule, BitSet flagsChanged, BitSet copied, BitSet moved, BitSet deleted) {
}
