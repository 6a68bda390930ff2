package dev.serverlessapp.support.startup;

import java.io.File;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.context.WebServerPortFileWriter;
import org.springframework.context.ApplicationListener;

/**
 * Writes the port each web server bound to the file named by {@code PORTFILE} (Spring Boot's
 * {@link WebServerPortFileWriter}: the management server's goes to {@code <name>-management.<ext>}), and
 * nothing when {@code PORTFILE} is not set. The local runtime starts a function on port 0 and reads its
 * port here: a port picked for it beforehand could be taken by another process before the function binds
 * it. Boot 4 no longer reads {@code context.listener.classes}, so the listener is registered here.
 */
public class PortFile implements ApplicationListener<WebServerInitializedEvent> {

    public static final String VARIABLE = "PORTFILE";

    private final WebServerPortFileWriter writer;

    public PortFile() {
        String file = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        this.writer = file == null || file.isBlank() ? null : new WebServerPortFileWriter(new File(file));
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (writer != null) {
            writer.onApplicationEvent(event);
        }
    }
}
