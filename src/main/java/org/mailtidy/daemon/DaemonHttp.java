package org.mailtidy.daemon;

import java.io.IOException;
import java.util.Optional;
import org.mailtidy.config.HttpListen;
import org.mailtidy.http.HttpEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's {@code /metrics}, {@code /healthz} and {@code /status}, rebound when {@code http.listen} changes. */
final class DaemonHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonHttp.class);

    private final HttpEndpoints.Source source;
    private HttpEndpoints http;
    private Optional<HttpListen> listen = Optional.empty();

    DaemonHttp(Daemon daemon) {
        this.source = new HttpEndpoints.Source() {
            @Override
            public String metrics() {
                return daemon.metrics();
            }

            @Override
            public HttpEndpoints.Health health() {
                return daemon.health();
            }

            @Override
            public String statusJson() {
                return daemon.statusJson();
            }

            @Override
            public String statusHtml() {
                return daemon.statusHtml();
            }
        };
    }

    /** Listens where {@code wanted} says (nowhere if empty); a listener already there is kept. */
    synchronized void bind(Optional<HttpListen> wanted) throws IOException {
        if (wanted.equals(listen) && (wanted.isEmpty() || http != null)) {
            return;
        }
        close();
        listen = wanted;
        if (wanted.isPresent()) {
            http = HttpEndpoints.start(wanted.get().host(), wanted.get().port(), source);
        }
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            try {
                http.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", http, e.toString());
            }
            http = null;
        }
    }
}
