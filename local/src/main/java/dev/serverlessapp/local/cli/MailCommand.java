package dev.serverlessapp.local.cli;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Lists the mail the SMTP catcher received (kept as .eml files in the data folder). */
@Command(name = "mail", description = "List the mail sent by the functions (the local outbox).")
final class MailCommand implements Callable<Integer> {

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Option(names = "--body", description = "Show each mail's body too.")
    boolean body;

    @Override
    public Integer call() throws Exception {
        Path folder = location.dataDir().resolve("mail");
        List<Path> files = files(folder);
        if (files.isEmpty()) {
            System.out.println("no mail yet (outbox: " + folder + ")");
            return 0;
        }
        Session session = Session.getInstance(new Properties());
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                MimeMessage mail = new MimeMessage(session, in);
                System.out.printf("%s  to %s  \"%s\"  (%s)%n", mail.getSentDate(), String.join(", ",
                        java.util.Arrays.stream(mail.getAllRecipients()).map(Object::toString).toList()),
                        mail.getSubject(), file.getFileName());
                if (body) {
                    Object content = mail.getContent();
                    System.out.println(content instanceof jakarta.mail.Multipart multipart
                            ? multipart.getBodyPart(0).getContent() : content);
                    System.out.println();
                }
            }
        }
        return 0;
    }

    static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
        }
    }
}
