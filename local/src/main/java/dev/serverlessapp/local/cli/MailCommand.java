package dev.serverlessapp.local.cli;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Lists the mail the SMTP catcher received (kept as .eml files in the data folder). */
@Command(name = "mail", description = "List the mail sent by the functions (the local outbox).")
final class MailCommand implements Callable<Integer> {

    /**
     * Headers are read as UTF-8 (RFC 6532): a mail to an internationalized address (ada@bücher.example)
     * carries it raw in its To header, and read as ISO-8859-1 it no longer parses as an address.
     */
    private static final Session SESSION = Session.getInstance(utf8Headers());

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Option(names = "--body", description = "Show each mail's body too.")
    boolean body;

    @Override
    public Integer call() throws IOException {
        Path folder = location.dataDir().resolve("mail");
        List<Path> files = files(folder);
        if (files.isEmpty()) {
            System.out.println("no mail yet (outbox: " + folder + ")");
            return 0;
        }
        int unreadable = 0;
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                MimeMessage mail = new MimeMessage(SESSION, in);
                System.out.printf("%s  to %s  \"%s\"  (%s)%n", mail.getSentDate(), recipients(mail), mail.getSubject(),
                        file.getFileName());
                if (body) {
                    System.out.println(text(mail));
                    System.out.println();
                }
            } catch (IOException | MessagingException e) {
                unreadable++;
                System.err.println(file.getFileName() + ": cannot be read: " + LocalCommand.oneLine(e));
            }
        }
        return unreadable == 0 ? 0 : 1;
    }

    /** The To, Cc and Bcc addresses as a person reads them, by Jakarta Mail's rules; a header that is no address list as it is. */
    static String recipients(MimeMessage mail) throws MessagingException {
        List<String> shown = new ArrayList<>();
        for (String header : List.of("To", "Cc", "Bcc")) {
            String value = mail.getHeader(header, ",");
            if (value == null || value.isBlank()) {
                continue;
            }
            try {
                shown.add(Arrays.stream(InternetAddress.parseHeader(value, false)).map(InternetAddress::toUnicodeString)
                        .collect(Collectors.joining(", ")));
            } catch (AddressException e) {
                shown.add(LocalCommand.oneLine(value));
            }
        }
        return shown.isEmpty() ? "(no recipient)" : String.join(", ", shown);
    }

    /** The plain-text part (the first one of a multipart mail), or why it cannot be shown. */
    private static String text(MimeMessage mail) {
        try {
            Object content = mail.getContent();
            return String.valueOf(content instanceof Multipart multipart ? multipart.getBodyPart(0).getContent() : content);
        } catch (IOException | MessagingException e) {
            return "(the body cannot be shown: " + LocalCommand.oneLine(e) + ")";
        }
    }

    static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
        }
    }

    private static Properties utf8Headers() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "true");
        return properties;
    }
}
