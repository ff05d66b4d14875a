package com.layerlab.app.ui;

import com.layerlab.app.training.Run;
import com.layerlab.engine.summary.EventArchive;
import com.vaadin.flow.server.streams.DownloadHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The app's file downloads, made on the download's own request (never under the page's lock). */
public final class Downloads {

    private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);

    private Downloads() {
    }

    /**
     * The TensorBoard event files of the page's current run, zipped (the checkpoints beside them are not);
     * 404 when it has none.
     */
    public static DownloadHandler runLogsZip(Supplier<Run<?>> run, String fileName) {
        return event -> {
            Run<?> r = run.get();
            if (r == null || r.folder() == null) {
                event.getResponse().setStatus(404);
                return;
            }
            r.flushLogs();
            event.setFileName(fileName);
            event.setContentType("application/zip");
            EventArchive.writeZip(r.folder(), event.getOutputStream());
        };
    }

    /** A file made when it is asked for; when making it fails, a 503 with the reason as text. */
    public static DownloadHandler file(String fileName, String contentType, Callable<byte[]> content) {
        return event -> {
            byte[] bytes;
            try {
                bytes = content.call();
            } catch (Exception e) {
                Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                LOG.info("Download of {} failed: {}", fileName, cause.toString());
                event.getResponse().setStatus(503);
                event.setContentType("text/plain; charset=utf-8");
                event.getOutputStream().write(("Could not make " + fileName + ": " + cause.getMessage())
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            event.setFileName(fileName);
            event.setContentType(contentType);
            event.setContentLength(bytes.length);
            event.getOutputStream().write(bytes);
        };
    }
}
