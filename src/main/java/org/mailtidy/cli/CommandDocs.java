package org.mailtidy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes the man page ({@code mailtidy.1}) and the bash/zsh completion script ({@code mailtidy.bash})
 * from the picocli model, so both always list the commands and options the program really has.
 * Run by the build (exec-maven-plugin, package phase); the Debian package ships the output.
 * The completion comes from picocli's own generator; the man page is rendered here
 * (docs/adr/0002-man-page-rendered-from-the-picocli-model.md).
 */
public final class CommandDocs {
    private CommandDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/docs");
        Files.createDirectories(out);
        CommandLine cl = Main.commandLine();
        Files.writeString(out.resolve("mailtidy.bash"), completion(cl), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("mailtidy.1"), manPage(cl.getCommandSpec()), StandardCharsets.UTF_8);
    }

    /** picocli's script without its {@code #!} line: a completion script is sourced, not run. */
    static String completion(CommandLine cl) {
        String script = AutoComplete.bash("mailtidy", cl);
        return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
    }

    static String manPage(CommandSpec root) {
        StringBuilder m = new StringBuilder();
        String version = root.version().length > 0 ? root.version()[0].replace("mailtidy ", "") : "";
        m.append(".TH MAILTIDY 1 \"\" \"mailtidy ").append(roff(version)).append("\" \"User Commands\"\n");
        m.append(".SH NAME\nmailtidy \\- ").append(roff(String.join(" ", root.usageMessage().description()))).append('\n');
        m.append(".SH SYNOPSIS\n.B mailtidy\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n");
        m.append(".SH DESCRIPTION\nmailtidy reads YAML rules and, once or on a schedule, searches IMAP mailboxes and adds,\n")
                .append("removes or replaces flags, copies, moves or deletes the messages that match.\n")
                .append("The configuration file format is described in /usr/share/doc/mailtidy/configuration.md.\n");
        m.append(".SH OPTIONS\n");
        options(m, root);
        m.append(".SH COMMANDS\n");
        for (CommandLine sub : root.subcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden() || spec.name().equals("help")) {
                continue;
            }
            m.append(".SS ").append(roff(spec.qualifiedName(" "))).append('\n');
            m.append(roff(String.join(" ", spec.usageMessage().description()))).append('\n');
            options(m, spec);
            for (CommandLine nested : spec.subcommands().values()) {
                CommandSpec n = nested.getCommandSpec();
                m.append(".TP\n.B ").append(roff(n.qualifiedName(" "))).append('\n')
                        .append(roff(String.join(" ", n.usageMessage().description()))).append('\n');
                options(m, n);
            }
        }
        m.append(".SH EXIT STATUS\n.TP\n.B 0\nsuccess\n.TP\n.B 1\na mailbox run (or an undo step) failed\n")
                .append(".TP\n.B 2\nbad configuration or usage, or a rule test failed\n");
        m.append(".SH ENVIRONMENT\n.TP\n.B MAILTIDY_CONFIG\nthe configuration file when \\fB\\-c\\fR is not given\n")
                .append(".TP\n.B MAILTIDY_STATE_DIR\nthe state directory when \\fB\\-\\-state\\-dir\\fR is not given\n")
                .append(".TP\n.B JOURNAL_STREAM\nset by systemd: log lines without timestamps, with syslog priorities\n");
        m.append(".SH FILES\n.TP\n.I /etc/mailtidy/mailtidy.yaml\nthe configuration\n")
                .append(".TP\n.I /var/lib/mailtidy\nstate, audit log and backups of the service\n");
        m.append(".SH SEE ALSO\n.BR systemctl (1),\n.BR journalctl (1)\n");
        return m.toString();
    }

    private static void options(StringBuilder m, CommandSpec spec) {
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        for (OptionSpec o : options) {
            m.append(".TP\n.B ").append(roff(String.join(", ", o.names())));
            if (o.arity().max() > 0) {
                m.append(" \\fI").append(roff(o.paramLabel())).append("\\fR");
            }
            m.append('\n').append(roff(String.join(" ", o.description()))).append('\n');
        }
    }

    /** Escapes text for roff: backslashes and hyphens, and a leading dot or quote. */
    static String roff(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        if (s.startsWith(".") || s.startsWith("'")) {
            s = "\\&" + s;
        }
        return s.replace("\n.", "\n\\&.").replace("\n'", "\n\\&'");
    }
}
