package org.mailtidy.config;

/**
 * An account entry with {@code users_file} or {@code users_command}: one account per listed user,
 * {@code GROUP/LOGIN}, each with the group's server settings, logging in through the master login
 * (contract, section "accounts": "Many users on one server").
 *
 * @param template the group's settings; its {@code username} is the master login, its secret the
 *                 master's password
 * @param line     1-based line of {@code users_file}/{@code users_command} in the configuration, for messages
 * @param column   1-based column of that key
 * @param keyPath  {@code accounts.staff.users_file}, for messages
 */
public record AccountGroup(String id, Account template, UserSource users, int line, int column, String keyPath) {

    /** The account of one listed user. */
    public Account member(String login) {
        return template.asUser(memberId(id, login), login, template.username());
    }

    public String masterUser() {
        return template.username();
    }

    public static String memberId(String group, String login) {
        return group + "/" + login;
    }
}
