package org.mailtidy.cli;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.Connections;
import org.mailtidy.engine.OncePass;
import org.mailtidy.engine.RunResult;
import org.mailtidy.engine.RunSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "demo", description = "Start an embedded IMAP server with sample mail, run the sample rules"
        + " (config/demo.yaml) once against it, and show each mailbox before and after.")
final class DemoCommand implements Callable<Integer> {
    static final String RULES_RESOURCE = "/org/mailtidy/demo/demo.yaml";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        server.start();
        try {
            GreenMailUser user = server.setUser("demo@localhost", "demo", "demo");
            ImapHostManager host = server.getManagers().getImapHostManager();
            new DemoMailbox(Instant.now()).populate(host, user);
            Config config = ConfigLoader.load(rules(), Path.of("config/demo.yaml"),
                    Map.of("MAILTIDY_DEMO_PORT", Integer.toString(server.getImap().getPort())));
            MailboxState before = MailboxState.read(host, user);

            out.printf("mailtidy demo: an embedded IMAP server on 127.0.0.1:%d with %d sample messages,%n",
                    server.getImap().getPort(), DemoMailbox.MESSAGES);
            out.println("and the rules of config/demo.yaml. Before:");
            out.println();
            before.print(out);

            List<RuleConfig> rules = OncePass.selectRules(config, List.of(), null);
            List<RunResult> results = new OncePass(config, RunSettings.from(config, false, java.util.Optional.empty(), java.util.Optional.empty()),
                    Connections::open).run(rules);
            out.println();
            out.println("What each rule did (mailtidy once):");
            new SummaryTable(false).print(out, results);

            out.println("After:");
            out.println();
            MailboxState.read(host, user).print(out);
            out.println();
            out.println("Sample messages, before -> after:");
            before.printChanges(out, MailboxState.read(host, user));
            out.flush();
            return results.stream().allMatch(RunResult::ok) ? ExitCodes.OK : ExitCodes.RUN_FAILED;
        } finally {
            server.stop();
        }
    }

    private static String rules() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RULES_RESOURCE)) {
            if (in == null) {
                throw new IOException("the demo rules " + RULES_RESOURCE + " are missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
